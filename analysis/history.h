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
	bool family;	/* a family's series (hist_add_families), not a configuration's */
	bool off;	/* a family whose raw or normalized sibling gates in its place */
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
	bool gated; /* a family's or a count's: it decides the exit status */
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
/* Appends a series per family (family.h) and time metric: each run's
 * median, over the family's configurations, of the configuration's log run
 * median less its mean over the runs, at the level of the family's median
 * configuration.  A change in fork's code moves every fork configuration at
 * once, and their median holds still where one configuration strays.
 * Configurations in fewer than 2 runs take no part, a run holding fewer
 * than half of them has no value, and a family needs FAMILY_MIN_CONFIGS.
 * Of a family's raw time and its speed-normalized sibling one gates, by
 * compare's rule (verdict_norm_gated), here on its configurations' median
 * change from one run to the next, which a step leaves alone; the other is
 * `off`, listed. */
void hist_add_families(struct hist *h);
/* Change points of every series (E-Divisive, ediv.h), kept when p <
 * max_p and the change exceeds threshold (and one event for counts);
 * returns how many gated ones make a metric worse.  Gated: families' (not
 * `off`) and event counts'.  One configuration's time is listed, not gated: its run
 * medians have heavy tails and drift with the machine (16 same-build quick
 * runs here gave 15 change points in 930 configuration series, 9 of them
 * "worse", and none in a family). */
size_t hist_detect(struct hist *h, double max_p, double threshold);

/* Change points found by hist_detect: all of them, the gated ones making a
 * metric worse, and one configuration's making it worse (listed); any of
 * the three may be NULL. */
void hist_tally(const struct hist *h, size_t *all, size_t *worse, size_t *listed);
/* history.csv, one timeline per metric family (SVG + PNG) and history.md
 * into dir. */
int hist_write(const struct hist *h, const char *dir, double max_p, double threshold, cb_error *e);
/* What Apache Otava reads (CSV: time, run, commit, one column per
 * benchmark/metric) or Bencher (a BMF object per run), to path ("-": stdout). */
int hist_export(const struct hist *h, const char *format, const char *path, cb_error *e);

#endif
