/* The A/A reproducibility table behind scripts/aa-check: K separate runs
 * of one host matrix, and per configuration and metric how far apart
 * their medians land (spread = max/min) and how often one run's median
 * falls inside another run's 95% interval (coverage, over the K(K-1)
 * ordered pairs), raw and speed-normalized, with the machine states each
 * run's probes showed (stats_detect_states).
 *
 * Variants: the raw metric, its normalized form (norm.h), and with
 * all_variants the candidates the normalization was chosen from: the CPU
 * probe alone, the memory probe alone, both with exponents fitted to
 * these runs (a robust fit of log time on log probes, each centred within
 * its configuration over all runs), the CPU probe alone with an exponent
 * that goes with the time's magnitude (fitted the same way: short
 * operations follow the CPU's speed more than long, memory-bound ones), and
 * the fast state only (the samples whose CPU probe the pooled states put
 * in the faster state).  The fitted variants are fitted to the runs they
 * are judged on: optimistic. */
#ifndef COWBENCH_AA_H
#define COWBENCH_AA_H

#include <stdio.h>

#include "cb.h"
#include "stats.h"

enum aa_variant { AA_RAW, AA_NORM, AA_CPU, AA_MEM, AA_FIT, AA_SIZE, AA_FAST, AA_VARIANTS };

extern const char *const aa_variant_names[AA_VARIANTS];

/* One run's view of one (configuration, metric, variant). */
struct aa_cell {
	size_t n, nrounds;
	double median, ci_lo, ci_hi; /* stats_rounds_summarize */
	int state;		     /* the state >= 80% of its samples' probes were in; -1 mixed */
};

struct aa_row {
	char *config; /* "fork/4k/mem=256M/dirty=0" */
	const char *metric;
	enum aa_variant variant;
	struct aa_cell *cells; /* one per run */
	double spread;	       /* max/min of the run medians; NaN if a median is missing or <= 0 */
	size_t covered, pairs; /* ordered pairs i != j with median i in run j's interval */
	size_t same_covered, same_pairs; /* ... of the pairs whose runs sat in one state */
};

struct aa_table {
	size_t k; /* runs */
	char **dirs;
	struct stats_states *states; /* per run, of its probe_cpu_ns */
	char **context;		     /* per run: seed, load, steal (host-run.json) */
	struct stats_states pooled;  /* all runs together: the states cells are judged by */
	double fit_cpu[8], fit_mem[8]; /* AA_FIT exponents per norm_raw_metrics entry */
	double size_a[8], size_b[8];   /* AA_SIZE: CPU exponent a + b log10(raw / 1 us) */
	struct aa_row *rows;
	size_t nrows;
};

/* Loads the K run folders (host.csv with round and probe columns) and
 * builds every row.  Configurations missing from any run are left out. */
int aa_table_build(const char *const *dirs, size_t k, bool all_variants, struct aa_table *t,
		   cb_error *e);
/* The summary per metric and variant, the states, then per configuration. */
void aa_table_print(const struct aa_table *t, FILE *f);
/* One CSV row per (configuration, metric, variant, run): the cells, and
 * the row's spread and coverage repeated on each (scripts/aa-check's
 * aa.csv; its test recomputes spread and coverage from the cells). */
int aa_table_write_csv(const struct aa_table *t, const char *path, cb_error *e);
void aa_table_free(struct aa_table *t);

#endif
