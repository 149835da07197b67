#include "ediv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cb.h"
#include "ttest.h"

bool ediv_candidate(const double *z, size_t s, size_t e, size_t min_seg, size_t *tau,
		    size_t *kappa, double *qhat)
{
	if (min_seg < 1)
		min_seg = 1;
	if (e < s + 2 * min_seg)
		return false;
	size_t L = e - s;
	/* col[i * L + j] = sum over k < i of |z_k - z_j| (local indices): every
	 * sum of distances below is a difference of two of these, so each
	 * (tau, kappa) costs O(1) and an interval O(L^2). */
	double *col = cb_xcalloc((L + 1) * L, sizeof(*col));
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; j < L; j++)
			col[(i + 1) * L + j] = col[i * L + j] + fabs(z[s + i] - z[s + j]);
#define COL(i, j) col[(i) * L + (j)]
	bool found = false;
	double within_left = 0; /* sum over pairs inside [0, t) */
	for (size_t t = 1; t < L; t++) {
		within_left += COL(t - 1, t - 1); /* the pairs point t-1 closes */
		if (t < min_seg || L - t < min_seg)
			continue;
		double m1 = (double)t;
		double between = 0, within_right = 0;
		for (size_t k = t + 1; k <= L; k++) {
			between += COL(t, k - 1);
			within_right += COL(k - 1, k - 1) - COL(t, k - 1);
			if (k - t < min_seg)
				continue;
			double m2 = (double)(k - t);
			double ev = 2 * between / (m1 * m2);
			if (t > 1)
				ev -= within_left / (m1 * (m1 - 1) / 2);
			if (k - t > 1)
				ev -= within_right / (m2 * (m2 - 1) / 2);
			double q = m1 * m2 / (m1 + m2) * ev;
			if (!found || q > *qhat) {
				found = true;
				*qhat = q;
				*tau = s + t;
				*kappa = s + k;
			}
		}
	}
#undef COL
	free(col);
	return found;
}

static int by_index(const void *a, const void *b)
{
	const struct ediv_cp *x = a, *y = b;
	return (x->index > y->index) - (x->index < y->index);
}

size_t ediv_change_points(const double *z, size_t n, const struct ediv_opts *o,
			  struct ediv_cp *out)
{
	size_t min_seg = o->min_seg < 2 ? 2 : o->min_seg;
	size_t ncp = 0;
	for (;;) {
		/* the intervals between the change points found so far */
		bool any = false;
		struct ediv_cp best = {0};
		size_t best_s = 0, best_e = 0;
		for (size_t c = 0; c <= ncp; c++) {
			size_t s = c ? out[c - 1].index : 0, e = c < ncp ? out[c].index : n;
			size_t tau, kappa;
			double q;
			if (!ediv_candidate(z, s, e, min_seg, &tau, &kappa, &q))
				continue;
			if (!any || q > best.qhat) {
				any = true;
				best = (struct ediv_cp){.index = tau, .qhat = q};
				best_s = s;
				best_e = e;
			}
		}
		if (!any)
			break;
		struct stats_ttest t;
		stats_welch(z + best_s, best.index - best_s, z + best.index, best_e - best.index, &t);
		/* The split tested is the best of every split the interval allows,
		 * so its p is smaller than a fixed split's would be: Bonferroni
		 * over those splits keeps a history of pure noise free of change
		 * points at level max_p (Otava compares the raw p). */
		double splits = (double)(best_e - best_s - 2 * min_seg + 1);
		double p = fmin(1, t.p * splits);
		if (!(p < o->max_p))
			break;
		best.p = p;
		double mb, vb, ma, va;
		stats_mean_var(z + best_s, best.index - best_s, &mb, &vb);
		stats_mean_var(z + best.index, best_e - best.index, &ma, &va);
		best.before = mb;
		best.after = ma;
		out[ncp++] = best;
		qsort(out, ncp, sizeof(*out), by_index);
	}
	return ncp;
}
