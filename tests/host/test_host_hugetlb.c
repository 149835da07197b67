/* hugetlb2m: the pool grows for the run and ends exactly where it began,
 * after a normal run and after SIGINT/SIGTERM mid-run.  A hugetlb COW
 * copies a whole 2 MiB page: 512 dirtied 4 KiB pages, one fault. */
#include <time.h>

#include "host_run.h"

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
	nanosleep(&ts, NULL);
}

static void normal_run(long before)
{
	const char *out = run_dir();
	const char *args[] = {"--primitives", "fork,vfork", "--pages", "hugetlb2m", "--sizes", "16M",
			      "--dirty", "0,1,512", "--min-reps", "3", "--max-reps", "3",
			      "--no-floor", NULL};
	int rc = run_host(out, args);
	char *err = run_stderr(out);
	CHECK_EQ_U64(run_nr_hugepages(2048), before);
	struct csv_table *t = run_csv(out, "host.csv");
	/* A pool that cannot grow here is a skip, unless something already
	 * failed (the pool not restored): that must not hide behind it. */
	if (rc == 0 && t && t->nrows == 0 && strstr(err, "skipped") && !check_failures) {
		char *nl = strchr(err, '\n');
		if (nl)
			*nl = '\0';
		run_cleanup();
		SKIP("%s", err);
	}
	CHECK(rc == 0);
	CHECK(t && t->nrows == 2 * 3 * 3);
	for (size_t r = 0; t && r < t->nrows; r++) {
		CHECK(run_num(t, r, "huge_fraction") == 1);
		double dirty = run_num(t, r, "dirty_pages"), faults = run_num(t, r, "cow_faults");
		if (!strcmp(run_str(t, r, "primitive"), "fork"))
			CHECK_EQ_U64(faults, dirty > 0 ? 1 : 0);
	}
	csv_free(t);
	free(err);
	run_cleanup();
}

/* Starts a run that would take minutes, interrupts it once the pool has
 * grown, and checks it stopped, kept its files whole and gave the pages
 * back.  The region is sized beyond the pool's free pages, so the run has
 * to grow it.  (The pool is machine-wide: another process changing it at
 * the same time breaks the before/after comparison.) */
static void interrupted_run(long before, int sig)
{
	const char *out = run_dir();
	long free_pages = 0;
	char *s = cb_read_text("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");
	if (s)
		free_pages = strtol(s, NULL, 10);
	free(s);
	char size[32];
	snprintf(size, sizeof(size), "%ldM", (free_pages + 8) * 2);
	const char *args[] = {"--primitives", "fork", "--pages", "hugetlb2m", "--sizes", size,
			      "--dirty", "0", "--min-reps", "1000000", "--max-time", "600",
			      "--no-floor", NULL};
	pid_t pid = run_start(out, args);
	bool grown = false;
	for (int i = 0; i < 200 && !grown; i++) {
		sleep_ms(50);
		grown = run_nr_hugepages(2048) > before;
	}
	CHECK(grown);
	sleep_ms(200); /* let it take some samples */
	kill(pid, sig);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		;
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 128 + sig);
	CHECK_EQ_U64(run_nr_hugepages(2048), before);
	char *err = run_stderr(out);
	CHECK(strstr(err, "interrupted") != NULL);
	/* nothing finished, so the files hold headers only, and are whole */
	struct csv_table *t = run_csv(out, "host.csv");
	CHECK(t && t->nrows == 0 && csv_col(t, "cow_faults") >= 0);
	CHECK(run_tmp_files(out) == 0);
	csv_free(t);
	free(err);
	run_cleanup();
}

int main(void)
{
	long before = run_nr_hugepages(2048);
	if (before < 0)
		SKIP("no 2 MiB hugepage pool on this kernel");
	normal_run(before);
	if (geteuid() != 0) {
		if (check_failures) /* a skip must not hide what normal_run found */
			return check_done();
		SKIP("only root can grow the hugepage pool: interrupted runs not tested");
	}
	interrupted_run(before, SIGINT);
	interrupted_run(before, SIGTERM);
	return check_done();
}
