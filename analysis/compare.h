/* cowbench compare: the pieces shared by matching (compare.c) and the
 * output files (compare_out.c). */
#ifndef COWBENCH_COMPARE_H
#define COWBENCH_COMPARE_H

#include <stdio.h>

#include "ebayes.h"
#include "run.h"
#include "family.h"
#include "verdict.h"

struct cmp_row {
	char *bench;	    /* "host/fork/4k/mem=1G/dirty=16" */
	const char *metric; /* "create_ns" */
	const char *unit;   /* "ns" or "count" */
	struct verdict v;   /* matched rows only */
	bool matched;	    /* false: the configuration is only in the new run */
	/* false: listed, not gated (its raw or normalized sibling was the
	 * steadier across the baseline, and that one decides) */
	bool gated;
	const char *sibling; /* the metric it pairs with (raw <-> normalized), or NULL */
	bool norm;	     /* a speed-normalized metric (its sibling is the raw one) */
	/* The new run's own estimate and 95% interval (over rounds where it
	 * has them, else of its samples' median): what dashboards chart. */
	double median, ci_lo, ci_hi;
	size_t nsamples;
	char *family;	  /* bench_family: "host/fork" */
	double *base_log; /* per base run (nbase_log of them): its log run median, NaN without */
	size_t nbase_log;
	double new_log;	  /* the new run's */
};

struct cmp {
	struct verdict_opts o;
	const char *base_dir, *new_dir;
	struct run *base; /* the baseline's runs */
	size_t nbase;
	struct run new_;
	struct cmp_row *rows; /* compared metrics, then new-only ones */
	size_t n, cap;
	char **only_base, **only_new; /* configurations in one run only */
	size_t nob, non;
	char **notes; /* environment differences: fingerprint ones first */
	size_t nnotes, nfp;
	size_t count[4]; /* per enum verdict_kind, of the matched, gated rows */
	size_t listed;	 /* matched rows listed but not gated */
	size_t tests;	 /* the Benjamini-Hochberg set: time metrics tested */
	double fdr_used; /* each set's BH level: --fdr, or half of it with families */
	struct ebayes_prior prior; /* of the between-run variances (several base runs) */
	struct cmp_family *fam;	   /* family.h: an operation across its configurations */
	size_t nfam;
	struct ebayes_prior fam_prior;
	size_t fam_tests;	   /* families tested: their own Benjamini-Hochberg family */
	size_t fam_count[4];	   /* per enum verdict_kind */
	double tau2; /* one base run: the between-run variance borrowed across metrics (log) */
	/* --gate counts: only event counts (exits, faults) decide the exit
	 * status; time metrics are judged and listed all the same. */
	bool gate_counts;
	size_t gated; /* regressions that decide the exit status */
};

/* The vm.csv metrics compared, NULL-terminated: `ns` and the KVM
 * statistic columns (results/README.md#compare lists the same). */
extern const char *const compare_vm_metrics[];

/* Matches every configuration of one result table (kind "host" or "vm")
 * of the new run with the same configuration in each base run that has
 * it, and appends a row per metric: tested when some base run has it,
 * new-only otherwise.  Exposed for the unit tests. */
void compare_table(struct cmp *c, const char *kind, const struct csv_table *const *base,
		   size_t nbase, const struct csv_table *new_);
/* Moderates the between-run variances across metrics, then
 * Benjamini-Hochberg over every tested time metric, then each verdict;
 * fills count[] and gated. */
void compare_decide(struct cmp *c);
/* Fingerprint and environment differences into c->notes; returns the
 * number of fingerprint differences. */
size_t compare_env(struct cmp *c, const json_t *base, const json_t *new_);
void compare_free(struct cmp *c);

/* Writes verdict.md, bench.json and bmf.json into dir, atomically. */
int compare_write(const struct cmp *c, const char *dir, cb_error *e);
/* The verdict table as Markdown: everything for verdict.md, or (brief)
 * regressions and improvements with counts for the terminal. */
void compare_markdown(const struct cmp *c, FILE *f, bool brief);

#endif
