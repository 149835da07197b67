#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void progress_init(struct progress *p, const char *label, double total)
{
	memset(p, 0, sizeof(*p));
	p->label = label;
	p->total = total > 0 ? total : 1;
	p->start_ns = cb_now_ns();
	const char *term = getenv("TERM");
	p->tty = isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
	p->quiet = getenv("COWBENCH_QUIET") != NULL;
}

static void clear_line(struct progress *p)
{
	if (p->tty && p->width) {
		fprintf(stderr, "\r%*s\r", p->width, "");
		p->width = 0;
	}
}

static void fmt_duration(double s, char *buf, size_t len)
{
	if (s < 0 || s != s)
		snprintf(buf, len, "?");
	else if (s < 60)
		snprintf(buf, len, "%.0fs", s);
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, len, "%dh%02dm", (int)s / 3600, ((int)s % 3600) / 60);
}

void progress_step(struct progress *p, double done, const char *fmt, ...)
{
	if (p->quiet)
		return;
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	p->done = done;
	uint64_t now = cb_now_ns();
	double elapsed = (double)(now - p->start_ns) / 1e9;
	double frac = p->done / p->total;
	char eta[32], el[32];
	fmt_duration(frac > 0.01 ? elapsed / frac - elapsed : -1, eta, sizeof(eta));
	fmt_duration(elapsed, el, sizeof(el));
	if (p->tty) {
		clear_line(p);
		int n = fprintf(stderr, "%s [%3.0f%%] %s  elapsed %s, eta %s", p->label,
				100.0 * frac, what, el, eta);
		p->width = n > 0 ? n : 0;
		fflush(stderr);
	} else {
		fprintf(stderr, "%s [%3.0f%%, %s elapsed] %s\n", p->label, 100.0 * frac, el, what);
	}
	p->last_draw_ns = now;
}

void progress_note(struct progress *p, const char *fmt, ...)
{
	va_list ap;
	clear_line(p);
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", p->label);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void progress_finish(struct progress *p)
{
	if (p->quiet)
		return;
	clear_line(p);
	char el[32];
	fmt_duration((double)(cb_now_ns() - p->start_ns) / 1e9, el, sizeof(el));
	fprintf(stderr, "%s: done in %s\n", p->label, el);
}
