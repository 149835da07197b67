/* Descriptive statistics and the tests the report and compare rely on.
 *
 * Medians get distribution-free confidence intervals (order statistics of
 * the binomial), because latency samples are skewed and heavy-tailed and a
 * mean +/- t*s interval would lie about them. */
#ifndef COWBENCH_STATS_H
#define COWBENCH_STATS_H

#include <stddef.h>

struct stats_summary {
	size_t n;
	double min, median, mean, p90, p99, max, stddev;
	double ci_lo, ci_hi; /* 95% CI of the median; [min,max] when n < 6 */
	int ci_exact;	     /* 1 when the interval reaches 95% coverage */
};

/* Sorts a copy of x; NaNs are ignored.  n == 0 gives all-NaN fields. */
void stats_summarize(const double *x, size_t n, struct stats_summary *out);
/* 1-based ranks (lo, hi) of the order statistics bounding the median with
 * at least `conf` coverage; returns 0 when n is too small (lo=1, hi=n). */
int stats_median_ci_ranks(size_t n, double conf, size_t *lo, size_t *hi);
/* Relative width of the CI: (ci_hi - ci_lo) / median. */
double stats_ci_rel_width(const struct stats_summary *s);

/* Two-sided Mann-Whitney U test p-value for "a and b come from the same
 * distribution".  Exact for small samples without ties, normal
 * approximation with tie and continuity correction otherwise. */
double stats_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb);

#endif
