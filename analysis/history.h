/* cowbench history: the pieces shared by the command (history.c) and its
 * outputs (history_out.c). */
#ifndef COWBENCH_HISTORY_H
#define COWBENCH_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "cb.h"
#include "history_db.h"

/* One benchmark and metric over the class's runs. */
struct hseries {
	char *bench, *metric;
	bool count;	/* an event count: changes of one whole event at least */
	double *value;	/* per class run (index into hist.runs); NaN where it has none */
	double *lo, *hi; /* the run's 95% interval over its units */
	struct hchange *cp;
	size_t ncp;
};

struct hchange {
	size_t index;	      /* class run index of the first run after the change */
	double before, after; /* segment means (geometric for times) */
	double p;
	bool worse;
};

struct hist {
	char *cls;
	struct hdb_run *runs;
	size_t nruns;
	struct hseries *s;
	size_t ns;
};

/* Reads a class's series from the store. */
int hist_load(struct hdb *db, const char *cls, struct hist *h, cb_error *e);
void hist_free(struct hist *h);
/* Change points of every series (E-Divisive, ediv.h), kept when p <
 * max_p and the change exceeds threshold (and one event for counts);
 * returns how many make a metric worse. */
size_t hist_detect(struct hist *h, double max_p, double threshold);

/* history.csv, one timeline per metric family (SVG + PNG) and history.md
 * into dir. */
int hist_write(const struct hist *h, const char *dir, double max_p, double threshold, cb_error *e);
/* What Apache Otava reads (CSV: time, run, commit, one column per
 * benchmark/metric) or Bencher (a BMF object per run), to path ("-": stdout). */
int hist_export(const struct hist *h, const char *format, const char *path, cb_error *e);

#endif
