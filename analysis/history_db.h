/* The history store: one SQLite file (libsqlite3) holding, per run, the
 * run-level units (round medians, bench.h) of every benchmark and metric,
 * keyed by machine class and run, in the order the runs were added.  Raw
 * samples stay in the run folders; the file stays small enough for a CI
 * cache.
 *
 * Schema (version 1), marked with PRAGMA application_id so any other
 * SQLite file is refused, and PRAGMA user_version so a newer schema is:
 *   runs(seq INTEGER PRIMARY KEY, class, run_id, commit_id, date_utc, added_utc,
 *        UNIQUE(class, run_id))
 *   series(id INTEGER PRIMARY KEY, benchmark, metric, UNIQUE(benchmark, metric))
 *   units(run -> runs.seq, series -> series.id, unit, value,
 *         PRIMARY KEY(run, series, unit)) */
#ifndef COWBENCH_HISTORY_DB_H
#define COWBENCH_HISTORY_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "cb.h"

#define HISTORY_APP_ID 0x63627768 /* "cbwh" */
#define HISTORY_SCHEMA 1

struct hdb;

/* Opens an existing history (validated: ours, not newer, not corrupt) or,
 * with create, makes a new one when the file does not exist.  Fails
 * (bad input) otherwise, writing nothing. */
struct hdb *hdb_open(const char *path, bool create, cb_error *e);
void hdb_close(struct hdb *h);
/* Whether hdb_open created the file (so a failed add can remove it). */
bool hdb_created(const struct hdb *h);

/* One transaction per add: everything, or nothing on failure. */
int hdb_begin(struct hdb *h, cb_error *e);
int hdb_commit(struct hdb *h, cb_error *e);
void hdb_rollback(struct hdb *h);

/* Adds a run; refuses (bad input) a run already in the class.  Returns
 * its sequence number through *seq. */
int hdb_add_run(struct hdb *h, const char *cls, const char *run_id, const char *commit,
		const char *date, long long *seq, cb_error *e);
int hdb_add_unit(struct hdb *h, long long seq, const char *bench, const char *metric, int unit,
		 double value, cb_error *e);

struct hdb_run {
	long long seq;
	char *run_id, *commit, *date;
};

/* The machine classes in the file, sorted; *n of them (malloc'ed). */
int hdb_classes(struct hdb *h, char ***classes, size_t *n, cb_error *e);
/* A class's runs in the order added. */
int hdb_runs(struct hdb *h, const char *cls, struct hdb_run **runs, size_t *n, cb_error *e);
void hdb_runs_free(struct hdb_run *runs, size_t n);

/* Every (benchmark, metric, run, unit, value) of a class, ordered by
 * benchmark, metric, run order, unit: callback once per row. */
typedef int (*hdb_unit_fn)(void *arg, const char *bench, const char *metric, long long seq,
			   double value);
int hdb_each_unit(struct hdb *h, const char *cls, hdb_unit_fn fn, void *arg, cb_error *e);

#endif
