#include "gp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define GP_INSTALL "apt-get install gnuplot-nox (or run scripts/install-deps)"

int gp_check_installed(cb_error *e)
{
	const char *path = getenv("PATH");
	if (path && *path) {
		char *copy = cb_xstrdup(path);
		for (char *save = NULL, *d = strtok_r(copy, ":", &save); d;
		     d = strtok_r(NULL, ":", &save)) {
			char *exe = cb_path_join(*d ? d : ".", "gnuplot");
			bool ok = access(exe, X_OK) == 0;
			free(exe);
			if (ok) {
				free(copy);
				return 0;
			}
		}
		free(copy);
	}
	cb_error_set(e, "not found on PATH; install it: " GP_INSTALL);
	return -1;
}

void gp_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		switch (*s) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '&': fputs("and", f); break;
		case '<': fputc('(', f); break;
		case '>': fputc(')', f); break;
		default: fputc(*s, f);
		}
	}
	fputc('"', f);
}

int gp_open(struct gp_plot *p, const char *dir, const char *name, const char *what, int width,
	    int height, cb_error *e)
{
	memset(p, 0, sizeof(*p));
	p->dir = cb_xstrdup(dir);
	p->name = cb_xstrdup(name);
	char file[256];
	snprintf(file, sizeof(file), "%s.gp", name);
	char *path = cb_path_join(dir, file);
	int rc = afile_open(&p->script, path, e);
	free(path);
	if (rc < 0) {
		free(p->dir);
		free(p->name);
		return -1;
	}
	snprintf(file, sizeof(file), "%s.dat", name);
	path = cb_path_join(dir, file);
	rc = afile_open(&p->data, path, e);
	free(path);
	if (rc < 0) {
		afile_abort(&p->script);
		free(p->dir);
		free(p->name);
		return -1;
	}
	FILE *f = p->script.fp;
	fprintf(f,
		"# %s\n"
		"# Written by cowbench report; the data is in %s.dat, one block per\n"
		"# series (gnuplot's `index N`, each headed by a comment).  Re-render\n"
		"# from this folder:\n"
		"#   gnuplot %s.gp                    -> %s.png\n"
		"#   gnuplot -e 'fmt=\"svg\"' %s.gp     -> %s.svg\n"
		"if (!exists(\"fmt\")) fmt = \"png\"\n"
		"if (!exists(\"out\")) out = \"%s.\" . fmt\n"
		"if (fmt eq \"svg\") {\n"
		"    set terminal svg size %d,%d dynamic noenhanced font \"DejaVu Sans,13\" background \"white\"\n"
		"} else {\n"
		"    set terminal pngcairo size %d,%d noenhanced font \"DejaVu Sans,10\" background \"white\"\n"
		"}\n"
		"set output out\n"
		"set encoding utf8\n"
		"set micro\n"
		"dat = \"%s.dat\"\n"
		"set grid xtics ytics lc rgb \"#dddddd\" lw 1\n"
		"set border lc rgb \"#555555\"\n"
		"set key noautotitle\n\n",
		what, name, name, name, name, name, name, width, height, width, height, name);
	fprintf(p->data.fp, "# %s: data for %s.gp\n", what, name);
	return 0;
}

FILE *gp_script(struct gp_plot *p)
{
	return p->script.fp;
}

FILE *gp_data(struct gp_plot *p)
{
	return p->data.fp;
}

int gp_block(struct gp_plot *p, const char *comment)
{
	/* Two blank lines end a block for `index`; the first block needs
	 * none, but the file header comment is harmless there. */
	if (p->blocks)
		fputs("\n\n", p->data.fp);
	fprintf(p->data.fp, "# [%d] ", p->blocks);
	for (const char *c = comment; *c; c++) /* one line, or it is data */
		fputc(*c == '\n' ? ' ' : *c, p->data.fp);
	fputc('\n', p->data.fp);
	return p->blocks++;
}

/* Last non-empty line of a small log, for a one-line error. */
static void last_line(const char *path, char *buf, size_t len)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[strspn(line, " \t^")])
			snprintf(buf, len, "%s", line + strspn(line, " \t"));
	}
	fclose(f);
}

static int run_gnuplot(struct gp_plot *p, const char *fmt, cb_error *e)
{
	char out[300], final[256], expr[400], script[256], log[256];
	snprintf(final, sizeof(final), "%s.%s", p->name, fmt);
	snprintf(out, sizeof(out), "%s.tmp.%ld", final, (long)getpid());
	snprintf(expr, sizeof(expr), "fmt=\"%s\"; out=\"%s\"", fmt, out);
	snprintf(script, sizeof(script), "%s.gp", p->name);
	snprintf(log, sizeof(log), "%s.log", p->name);
	char *log_path = cb_path_join(p->dir, log);
	char *out_path = cb_path_join(p->dir, out);
	char *final_path = cb_path_join(p->dir, final);
	int rc = -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		cb_error_errno(e, "fork");
		goto done;
	}
	if (pid == 0) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0 || nul < 0 || chdir(p->dir) != 0)
			_exit(126);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(fd, 2);
		execlp("gnuplot", "gnuplot", "-e", expr, script, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			cb_error_errno(e, "waitpid");
			goto done;
		}
	struct stat st;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char why[256];
		last_line(log_path, why, sizeof(why));
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			cb_error_set(e, "cannot run gnuplot; install it: " GP_INSTALL);
		else
			cb_error_set(e, "gnuplot failed on %s/%s (%s %d): %s (log: %s)", p->dir, script,
				     WIFEXITED(status) ? "exit" : "signal",
				     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
				     why[0] ? why : "no message", log_path);
		unlink(out_path);
		goto done;
	}
	if (stat(out_path, &st) != 0 || st.st_size == 0) {
		cb_error_set(e, "gnuplot wrote no %s for %s", fmt, script);
		unlink(out_path);
		goto done;
	}
	if (rename(out_path, final_path) != 0) {
		cb_error_errno(e, "cannot rename %s", out_path);
		unlink(out_path);
		goto done;
	}
	/* gnuplot warnings on a successful render are kept for the curious;
	 * an empty log is noise. */
	if (stat(log_path, &st) == 0 && st.st_size == 0)
		unlink(log_path);
	rc = 0;
done:
	free(log_path);
	free(out_path);
	free(final_path);
	return rc;
}

int gp_render(struct gp_plot *p, cb_error *e)
{
	fputs("\nunset output\n", p->script.fp);
	int rc = afile_commit(&p->script, e);
	if (rc < 0) {
		afile_abort(&p->data);
	} else {
		rc = afile_commit(&p->data, e);
	}
	if (rc == 0)
		rc = run_gnuplot(p, "svg", e);
	if (rc == 0)
		rc = run_gnuplot(p, "png", e);
	free(p->dir);
	free(p->name);
	memset(p, 0, sizeof(*p));
	return rc;
}
