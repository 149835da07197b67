/* Robust linear models: y ~ X b by Huber M-estimation (GSL's
 * gsl_multifit_robust), so the few samples a noisy machine spoils cannot
 * drag a coefficient the way least squares lets them.  Used for the cost
 * model of fork (create_ns ~ a + b VMAs + c PTEs + d PMD entries). */
#ifndef COWBENCH_FIT_H
#define COWBENCH_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "cb.h"

#define FIT_MAX_TERMS 8

struct fit_result {
	size_t n, p;		    /* rows used (finite), terms */
	double coef[FIT_MAX_TERMS]; /* NaN for a term the data cannot identify */
	double ci_lo[FIT_MAX_TERMS], ci_hi[FIT_MAX_TERMS]; /* 95%, Student t on n - rank */
	bool identified[FIT_MAX_TERMS]; /* false: the term is constant zero or a linear
					   combination of the others in this data */
	size_t rank;		    /* identified terms */
	double sigma;		    /* robust residual scale (relative: a fraction) */
	bool converged;		    /* false: the iterations ran out (GSL_EMAXITER) */
};

/* x: n rows of p values (row-major; include a column of ones for an
 * intercept); rows with a NaN anywhere are left out.  Terms that this
 * data cannot separate are dropped (identified[j] = false) and the rest
 * fitted.  relative: the noise is a fraction of y (timings on a machine
 * whose speed changes), so rows are weighted by 1/fitted y.  Fails (-1, e
 * set) when fewer rows than identified terms + 2 remain, or
 * p > FIT_MAX_TERMS. */
int fit_robust(const double *x, const double *y, size_t n, size_t p, bool relative,
	       struct fit_result *out, cb_error *e);

#endif
