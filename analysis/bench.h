/* The benchmarks of a run as compare and the history see them: a
 * configuration (a group of host.csv or vm.csv rows) and a metric, named
 * "host/fork/4k/mem=1G/dirty=16" + "create_ns", and measured in run-level
 * units: the medians of its samples per round (host.csv `round`, vm.csv
 * `round` where the sweep has rounds, else per guest `boot`), or one median
 * for the whole run when the file has neither.  Samples inside one round
 * share that moment's machine state, so they are not independent evidence;
 * rounds (and runs) are. */
#ifndef COWBENCH_BENCH_H
#define COWBENCH_BENCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "csv.h"
#include "group.h"

/* A metric's value on one row; NaN when the row has none. */
typedef double (*bench_value_fn)(const struct csv_table *t, size_t row, const char *metric);

struct bench_metric {
	const char *name; /* "create_ns"; a host.csv or vm.csv column unless value says otherwise */
	bool count;	  /* an event count: compared exactly, not statistically */
	bool hw_time;	  /* vm ns: only where every row is hardware time (timing_valid) */
	bench_value_fn value; /* NULL: the column of that name */
	const char *raw;      /* a speed-normalized metric (norm.h): the raw one it rescales */
	bool writes;	      /* only where the configuration writes pages (dirty_pages > 0):
			       * with none, cow_ns times the clock alone (30 ns here) */
};

struct bench_kind {
	const char *name;		     /* "host", "vm" */
	const char *const *keys;	     /* configuration key columns */
	const struct bench_metric *metrics;  /* NULL-name terminated */
	const char *const *unit_cols;	     /* run-level unit columns, first present wins */
	/* The key columns that name a family (compare.h): one operation, over
	 * every size, page mode and dimension it was swept across. */
	const char *const *family_keys;
};

extern const struct bench_kind bench_kinds[];
extern const size_t bench_nkinds;
const struct bench_kind *bench_kind_by_name(const char *name);
const struct bench_metric *bench_metric_by_name(const struct bench_kind *k, const char *name);

/* "host/fork/4k/mem=1G/dirty=16" (malloc'ed). */
char *bench_name(const struct bench_kind *k, const struct grouping *gr, const struct group *g);
/* The configuration's family, "host/fork" or "vm/host/pvm-shadow/fork/cow"
 * (malloc'ed): the kind and its family_keys' values. */
char *bench_family(const struct bench_kind *k, const struct grouping *gr, const struct group *g);
/* The family of a benchmark from its name alone (the history keeps names,
 * not key columns): what bench_family gives for its configuration, because
 * bench_name writes the family keys first (host: the primitive; vm: where,
 * mmu, primitive) and, for vm, last (the phase).  NULL for a name of no
 * known kind or too few parts. */
char *bench_family_of(const char *bench);
/* "ns" or "count". */
const char *bench_unit(const struct bench_metric *m);
/* Bencher Metric Format: sets root[bench][measure] to {"value", and
 * "lower_value" / "upper_value" where finite}, making root[bench] when it
 * is not there yet.  compare's bmf.json and history's export write it. */
void bmf_put(json_t *root, const char *bench, const char *measure, double value, double lo,
	     double hi);

/* The column of t that makes the units of kind k; -1: the whole run is one unit. */
int bench_unit_col(const struct bench_kind *k, const struct csv_table *t);

/* The metric's value on every row of g (NaN where absent) into x, and each
 * row's unit id into unit (both sized g->nrows); false when the metric is
 * not measured here at all (every value NaN, or vm ns on rows that are not
 * hardware time). */
bool bench_samples(const struct bench_kind *k, const struct grouping *gr, const struct group *g,
		   const struct bench_metric *m, double *x, int *unit);

/* Medians of x per distinct unit id, in ascending id order, NaNs dropped;
 * returns how many units (out sized n). */
size_t bench_units(const double *x, const int *unit, size_t n, double *out);

#endif
