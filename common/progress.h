/* Progress reporting on stderr: a redrawn line with an ETA on a terminal,
 * one plain line per finished step otherwise (logs, CI). */
#ifndef COWBENCH_PROGRESS_H
#define COWBENCH_PROGRESS_H

#include "cb.h"

struct progress {
	const char *label;
	double total;	/* work units; the ETA assumes they take equal time */
	double done;
	uint64_t start_ns, last_draw_ns;
	bool tty;
	bool quiet;
	int width;	/* last line drawn, to blank it */
};

void progress_init(struct progress *p, const char *label, double total);
/* Reports that `step` (a short description) is starting, with `done` units
 * finished so far. */
void progress_step(struct progress *p, double done, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A message that must stay visible (skips, warnings): clears the line first. */
void progress_note(struct progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void progress_finish(struct progress *p);

#endif
