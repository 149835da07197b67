/* Student's t distribution and Welch's two-sample t-test: the significance
 * test of the regression gate (on log run-level units) and of the
 * change-point search (on a metric's history), as in Apache Otava, which
 * replaced E-Divisive's permutation test with a t-test so that the answer
 * is deterministic. */
#ifndef COWBENCH_TTEST_H
#define COWBENCH_TTEST_H

#include <stddef.h>

/* P(T <= t) for Student's t with df > 0 degrees of freedom (df = +inf: the
 * standard normal), through GSL; NaN for a df or t outside the domain. */
double stats_t_cdf(double t, double df);
/* Two-sided tail P(|T| >= |t|); 0 for t = +-inf. */
double stats_t_p2(double t, double df);
/* The t with P(T <= t) = p, for 0 < p < 1. */
double stats_t_quantile(double p, double df);
/* Regularized incomplete beta I_x(a, b), 0 <= x <= 1. */
double stats_betai(double a, double b, double x);

struct stats_ttest {
	double diff; /* mean(b) - mean(a) */
	double se;   /* its standard error */
	double t, df, p;
};

/* Welch's unequal-variance test of mean(b) - mean(a), NaNs dropped.  p is
 * NaN when a side has fewer than two values.  When both sides have no
 * spread at all, t is +-inf and p 0 if the means differ, else t 0, p 1. */
void stats_welch(const double *a, size_t na, const double *b, size_t nb, struct stats_ttest *out);

/* Mean and sample variance (n - 1) of x, NaNs dropped; returns the count. */
size_t stats_mean_var(const double *x, size_t n, double *mean, double *var);

#endif
