/* One run folder as the analysis sees it: meta.json and whichever result
 * CSVs exist, each checked against the schema in results/README.md before
 * anything is computed from it, so a malformed file is reported as bad
 * input (file, row, column) instead of turning into silent NaNs. */
#ifndef COWBENCH_RUN_H
#define COWBENCH_RUN_H

#include <jansson.h>

#include "cb.h"
#include "csv.h"

struct run {
	char *dir;
	json_t *meta; /* NULL when meta.json is absent */
	/* NULL when absent */
	struct csv_table *host, *host_summary, *host_floor, *host_writes, *vm, *vm_stats, *vm_boots,
		*xcheck;
};

/* The key columns that name a configuration (results/README.md#compare):
 * host.csv's, and vm.csv's with and without the phase. */
extern const char *const run_host_keys[];
/* The default of a host dimension's column ("writer" -> "child"), NULL
 * for any other column: the value of every configuration that does not
 * ask for the dimension (common/host_dims.h). */
const char *run_host_dim_default(const char *column);
extern const char *const run_vm_keys[];
extern const char *const run_vm_phase_keys[];

/* Loads and validates every file that exists.  Fails (bad input) when the
 * directory is missing, holds neither host.csv nor vm.csv, or a file that
 * exists is malformed. */
int run_load(const char *dir, struct run *r, cb_error *e);
void run_free(struct run *r);
/* A run folder, or a folder of run folders (its subfolders holding
 * host.csv or vm.csv, in name order): *runs is malloc'ed.  Fails when
 * there is no run in it, or one of them is malformed. */
int run_load_set(const char *dir, struct run **runs, size_t *n, cb_error *e);
/* Whether dir holds a run's result files (host.csv or vm.csv). */
bool run_is_run(const char *dir);

/* Checks a table against the schema of the result file `file` (a basename
 * such as "host.csv"): required columns present, numeric columns numeric,
 * booleans true/false, key columns non-empty.  Unknown files pass. */
int run_check_table(const struct csv_table *t, const char *file, cb_error *e);
/* The i-th result file with a schema ("host.csv", ...); NULL past the last. */
const char *run_file_name(size_t i);

/* The string at a dotted path in meta.json ("kvm.mmu"), or NULL. */
const char *run_meta_str(const json_t *meta, const char *path);
/* Any value at a dotted path, or NULL. */
json_t *run_meta_get(const json_t *meta, const char *path);

/* Whether a boolean CSV field says "true". */
bool run_true(const char *field);

#endif
