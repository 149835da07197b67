/* Family tests: did one operation get slower across all its configurations?
 *
 * A family is one metric of one operation (bench_family: "host/fork" +
 * "create_norm") over every configuration the runs swept it across: sizes,
 * page modes, writers, threads, mappings.  A change in the code of fork
 * moves all of them; what moves one configuration alone on this machine is
 * mostly the machine: run medians here have tails far heavier than a normal
 * law's (20 quick runs, 465 normalized metrics: 0.6% of run medians lie
 * more than 4 standard deviations above their mean, where a normal law puts
 * 0.003%), and one run in a few has one or two configurations 25-40% off.
 * A metric-by-metric gate must allow for those tails and so cannot see 30%
 * on one configuration; the family can, because a median over its
 * configurations ignores the one that strayed, and its between-run spread
 * is mostly what the whole run shares.
 *
 * The test, per family with C >= FAMILY_MIN_CONFIGS configurations, each
 * with its log run medians m[b][c] in the B base runs and n[c] in the new
 * run, and mean[c] the mean over b of m[b][c]:
 *   D = median over c of (n[c] - mean[c])            the family's change
 *   e[b] = median over c of (m[b][c] - mean[c])      each base run's own
 *   s^2 = sum of e[b]^2 / (B - 1)
 * and D is judged as a prediction from the base runs (verdict_from_runs:
 * se = s sqrt(1 + 1/B), t on B - 1 degrees of freedom plus the prior's once
 * the variance is moderated across the compare's families, ebayes.h).
 * Base runs holding fewer than half the configurations take no part.  Then
 * Benjamini-Hochberg over the families and the verdict rule of verdict.h;
 * with families, compare gives each of its two sets (metrics, families)
 * half of --fdr.  The table's base is the median of the configurations'
 * base medians, its new that times exp(D).  Only the
 * gated time metrics of configurations judged against several base runs
 * take part. */
#ifndef COWBENCH_FAMILY_H
#define COWBENCH_FAMILY_H

#include <stddef.h>

#include "verdict.h"

#define FAMILY_MIN_CONFIGS 3

struct cmp;

struct cmp_family {
	char *name;	    /* "host/fork" */
	const char *metric; /* "create_norm" */
	size_t nconf;	    /* configurations */
	struct verdict v;   /* ratio = exp(D), its interval, q, mde, kind */
};

/* The run effects of one family, shared by compare and the history:
 * m[r * ncols + c] is configuration c's log run median in run r, NaN where
 * the run has none.  A row holding fewer than half the columns takes no
 * part.  Rows [0, nmean) that take part give each column its mean (left
 * out with fewer than min_rows of them; into mean[c] when mean is not
 * NULL); effect[r], for every row, is the median over the columns left in
 * of m - mean, NaN for a row that takes no part.  Returns how many columns
 * are left in. */
size_t family_effects(const double *m, size_t nrows, size_t nmean, size_t ncols, size_t min_rows,
		      double *mean, double *effect);
/* Builds c->fam from c's rows (their gated flags and run medians set),
 * tests and moderates them; verdicts come from compare_decide. */
void family_test(struct cmp *c);
void family_free(struct cmp *c);

#endif
