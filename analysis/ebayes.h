/* Variances borrowed across metrics (Smyth, "Linear models and empirical
 * Bayes methods for assessing differential expression in microarray
 * experiments", SAGMB 2004: limma's moderated t).  With a baseline of three
 * runs each metric's between-run variance rests on 2 degrees of freedom,
 * and a t-test on 2 degrees of freedom can detect nothing once hundreds of
 * metrics share one false-discovery budget.  But the runs are the same
 * runs for every metric, and much of what moves between them (the
 * machine's speed) moves every metric: so each metric's variance is shrunk
 * toward a prior fitted to all of them, and its t gains the prior's
 * degrees of freedom. */
#ifndef COWBENCH_EBAYES_H
#define COWBENCH_EBAYES_H

#include <stddef.h>

/* psi and psi' (GSL), NaN for x <= 0. */
double stats_digamma(double x);
double stats_trigamma(double x);
/* The y > 0 with trigamma(y) = x, for x > 0. */
double stats_trigamma_inverse(double x);

struct ebayes_prior {
	double d0;  /* prior degrees of freedom; capped at the family's total */
	double s0sq; /* prior variance */
};

/* The prior from n sample variances s2[i] on df[i] degrees of freedom
 * (Smyth's moment estimates on log variances).  Zero or non-finite
 * variances are left out; with fewer than 3 left, d0 = 0 (no borrowing). */
void stats_ebayes_prior(const double *s2, const double *df, size_t n, struct ebayes_prior *out);
/* A metric's moderated variance: (d0 s0^2 + df s2) / (d0 + df), on d0 + df
 * degrees of freedom. */
double stats_ebayes_var(const struct ebayes_prior *p, double s2, double df);

#endif
