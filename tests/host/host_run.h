/* Helpers for tests that drive `cowbench host` and read what it wrote. */
#ifndef COWBENCH_TEST_HOST_RUN_H
#define COWBENCH_TEST_HOST_RUN_H

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "csv.h"

/* A fresh directory under $TMPDIR; removed by run_cleanup. */
static char run_tmp[200];

static inline const char *run_dir(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(run_tmp, sizeof(run_tmp), "%s/cowbench-host-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(run_tmp)) {
		perror("mkdtemp");
		exit(1);
	}
	return run_tmp;
}

static inline void run_cleanup(void)
{
	char cmd[2 * sizeof(run_tmp) + 32];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s.err'", run_tmp, run_tmp);
	if (run_tmp[0] && system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", run_tmp);
}

/* Starts `cowbench host ARGS... --out OUT` with stderr to OUT.err;
 * returns the pid. argv is NULL-terminated. */
static inline pid_t run_start(const char *out, const char *const *args)
{
	const char *bin = getenv("COWBENCH_BIN");
	if (!bin)
		SKIP("COWBENCH_BIN is not set (run through ctest)");
	char err[300];
	snprintf(err, sizeof(err), "%s.err", out);
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[64] = {bin, "host"};
		int n = 2;
		for (int i = 0; args[i] && n < 60; i++)
			argv[n++] = args[i];
		argv[n++] = "--out";
		argv[n++] = out;
		argv[n] = NULL;
		int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		setenv("COWBENCH_QUIET", "1", 1); /* no progress lines: stderr is what matters */
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Runs to completion; returns the exit status (128+sig when killed). */
static inline int run_host(const char *out, const char *const *args)
{
	int st;
	pid_t pid = run_start(out, args);
	while (waitpid(pid, &st, 0) < 0)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static inline char *run_stderr(const char *out)
{
	char err[300];
	snprintf(err, sizeof(err), "%s.err", out);
	char *s = cb_read_text(err);
	return s ? s : cb_xstrdup("");
}

static inline struct csv_table *run_csv(const char *out, const char *name)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/%s", out, name);
	cb_error e;
	struct csv_table *t = csv_read(path, &e);
	if (!t)
		fprintf(stderr, "%s\n", e.msg);
	return t;
}

/* Value of column `col` in row r as a number (NaN when empty). */
static inline double run_num(const struct csv_table *t, size_t r, const char *col)
{
	return csv_get_double(t, r, csv_col(t, col));
}

static inline const char *run_str(const struct csv_table *t, size_t r, const char *col)
{
	return csv_get(t, r, csv_col(t, col));
}

/* Files in dir whose name contains ".tmp.": leftovers of a torn write. */
static inline int run_tmp_files(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *de; d && (de = readdir(d));)
		n += strstr(de->d_name, ".tmp.") != NULL;
	if (d)
		closedir(d);
	return n;
}

static inline long run_nr_hugepages(unsigned long kib)
{
	char path[128];
	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%lukB/nr_hugepages", kib);
	char *s = cb_read_text(path);
	long v = s ? strtol(s, NULL, 10) : -1;
	free(s);
	return v;
}

#endif
