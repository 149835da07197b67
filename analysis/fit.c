#include "fit.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Column scales: the terms of a cost model differ by six orders of
 * magnitude (one intercept, a million PTEs), which the rank test and the
 * solver must not read as near-dependence. */
static void column_scales(const gsl_matrix *x, double *scale)
{
	for (size_t j = 0; j < x->size2; j++) {
		double m = 0;
		for (size_t i = 0; i < x->size1; i++)
			m = fmax(m, fabs(gsl_matrix_get(x, i, j)));
		scale[j] = m > 0 ? m : 1;
	}
}

/* Which columns the data identifies: column-pivoted QR of the scaled
 * matrix; a pivot below 1e-9 of the largest ends the rank. */
static size_t identify(const gsl_matrix *xs, bool *keep)
{
	size_t n = xs->size1, p = xs->size2;
	gsl_matrix *qr = gsl_matrix_alloc(n, p);
	gsl_matrix_memcpy(qr, xs);
	gsl_vector *tau = gsl_vector_alloc(p < n ? p : n), *norm = gsl_vector_alloc(p);
	gsl_permutation *perm = gsl_permutation_alloc(p);
	int sign;
	gsl_linalg_QRPT_decomp(qr, tau, perm, &sign, norm);
	size_t rank = 0, k = p < n ? p : n;
	double top = k ? fabs(gsl_matrix_get(qr, 0, 0)) : 0;
	for (size_t j = 0; j < p; j++)
		keep[j] = false;
	for (size_t i = 0; i < k; i++) {
		if (top == 0 || fabs(gsl_matrix_get(qr, i, i)) <= 1e-9 * top)
			break;
		keep[gsl_permutation_get(perm, i)] = true;
		rank++;
	}
	gsl_permutation_free(perm);
	gsl_vector_free(norm);
	gsl_vector_free(tau);
	gsl_matrix_free(qr);
	return rank;
}

int fit_robust(const double *x, const double *y, size_t n, size_t p, bool relative,
	       struct fit_result *out, cb_error *e)
{
	memset(out, 0, sizeof(*out));
	out->p = p;
	for (size_t j = 0; j < FIT_MAX_TERMS; j++)
		out->coef[j] = out->ci_lo[j] = out->ci_hi[j] = NAN;
	out->sigma = NAN;
	if (p == 0 || p > FIT_MAX_TERMS) {
		cb_error_set(e, "%zu terms (1 to %d)", p, FIT_MAX_TERMS);
		return -1;
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		bool ok = isfinite(y[i]);
		for (size_t j = 0; ok && j < p; j++)
			ok = isfinite(x[i * p + j]);
		m += ok;
	}
	out->n = m;
	if (m < 3) {
		cb_error_set(e, "%zu usable rows: too few to fit", m);
		return -1;
	}
	gsl_matrix *xs = gsl_matrix_alloc(m, p);
	gsl_vector *ys = gsl_vector_alloc(m);
	for (size_t i = 0, r = 0; i < n; i++) {
		bool ok = isfinite(y[i]);
		for (size_t j = 0; ok && j < p; j++)
			ok = isfinite(x[i * p + j]);
		if (!ok)
			continue;
		for (size_t j = 0; j < p; j++)
			gsl_matrix_set(xs, r, j, x[i * p + j]);
		gsl_vector_set(ys, r++, y[i]);
	}
	double scale[FIT_MAX_TERMS];
	column_scales(xs, scale);
	for (size_t j = 0; j < p; j++) {
		gsl_vector_view c = gsl_matrix_column(xs, j);
		gsl_vector_scale(&c.vector, 1 / scale[j]);
	}
	size_t rank = identify(xs, out->identified);
	out->rank = rank;
	int rc = -1;
	if (m < rank + 2) {
		cb_error_set(e, "%zu usable rows for %zu terms: too few to fit with an interval", m,
			     rank);
		goto done;
	}
	gsl_matrix *xk = gsl_matrix_alloc(m, rank);
	size_t col[FIT_MAX_TERMS];
	for (size_t j = 0, k = 0; j < p; j++) {
		if (!out->identified[j])
			continue;
		col[k] = j;
		gsl_vector_view src = gsl_matrix_column(xs, j), dst = gsl_matrix_column(xk, k++);
		gsl_vector_memcpy(&dst.vector, &src.vector);
	}
	gsl_vector *b = gsl_vector_alloc(rank), *yw = gsl_vector_alloc(m);
	gsl_matrix *cov = gsl_matrix_alloc(rank, rank), *xw = gsl_matrix_alloc(m, rank);
	gsl_multifit_robust_workspace *w = gsl_multifit_robust_alloc(gsl_multifit_robust_huber, m, rank);
	/* GSL's default handler aborts; an unconverged fit is an answer too. */
	gsl_error_handler_t *old = gsl_set_error_handler_off();
	/* Relative noise (a machine that runs 2x slower makes every term 2x
	 * dearer): each row is divided by its fitted value from the pass
	 * before, so a big configuration's noise does not outweigh a small
	 * one's (feasible weighted least squares, three passes). */
	int st = GSL_SUCCESS;
	for (int pass = 0; pass < (relative ? 3 : 1); pass++) {
		for (size_t i = 0; i < m; i++) {
			double wt = 1;
			if (pass > 0) {
				gsl_vector_const_view row = gsl_matrix_const_row(xk, i);
				double yhat;
				gsl_blas_ddot(&row.vector, b, &yhat);
				double yi = fabs(gsl_vector_get(ys, i));
				wt = 1 / fmax(yhat, fmax(0.1 * yi, 1e-300));
			}
			for (size_t k = 0; k < rank; k++)
				gsl_matrix_set(xw, i, k, gsl_matrix_get(xk, i, k) * wt);
			gsl_vector_set(yw, i, gsl_vector_get(ys, i) * wt);
		}
		st = gsl_multifit_robust(xw, yw, b, cov, w);
		if (st != GSL_SUCCESS && st != GSL_EMAXITER)
			break;
	}
	gsl_set_error_handler(old);
	if (st != GSL_SUCCESS && st != GSL_EMAXITER) {
		cb_error_set(e, "robust fit failed: %s", gsl_strerror(st));
	} else {
		gsl_multifit_robust_stats rs = gsl_multifit_robust_statistics(w);
		double t = gsl_cdf_tdist_Pinv(0.975, (double)(m - rank));
		for (size_t k = 0; k < rank; k++) {
			size_t j = col[k];
			double c = gsl_vector_get(b, k) / scale[j];
			double se = sqrt(gsl_matrix_get(cov, k, k)) / scale[j];
			out->coef[j] = c;
			out->ci_lo[j] = c - t * se;
			out->ci_hi[j] = c + t * se;
		}
		out->sigma = rs.sigma;
		out->converged = st == GSL_SUCCESS;
		rc = 0;
	}
	gsl_multifit_robust_free(w);
	gsl_matrix_free(xw);
	gsl_matrix_free(cov);
	gsl_vector_free(yw);
	gsl_vector_free(b);
	gsl_matrix_free(xk);
done:
	gsl_vector_free(ys);
	gsl_matrix_free(xs);
	return rc;
}
