/* Statistics over rounds: the interval a configuration's rounds promise
 * for the next run, and whether the rounds agree at all. */
#include <math.h>
#include <stdlib.h>

#include "cb.h"
#include "stats.h"
#include "stats_impl.h"

/* Regularized upper incomplete gamma Q(a, x), by the series of P for
 * x < a + 1 and by Lentz's continued fraction for Q otherwise (the split
 * where each converges fast). */
static double gamma_q(double a, double x)
{
	if (x <= 0)
		return 1;
	double lg = lgamma(a);
	if (x < a + 1) {
		double term = 1 / a, sum = term;
		for (int k = 1; k < 1000 && fabs(term) > fabs(sum) * 1e-16; k++) {
			term *= x / (a + k);
			sum += term;
		}
		double q = 1 - sum * exp(-x + a * log(x) - lg);
		return q < 0 ? 0 : q;
	}
	const double tiny = 1e-300;
	double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
	for (int i = 1; i < 1000; i++) {
		double an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		double delta = d * c;
		h *= delta;
		if (fabs(delta - 1) < 1e-16)
			break;
	}
	return exp(-x + a * log(x) - lg) * h;
}

double stats_chi2_sf(double x, double df)
{
	if (isnan(x) || df <= 0)
		return NAN;
	return gamma_q(df / 2, x / 2);
}

struct tagged {
	int round;
	double v;
};

static int cmp_tagged(const void *a, const void *b)
{
	const struct tagged *x = a, *y = b;
	if (x->round != y->round)
		return (x->round > y->round) - (x->round < y->round);
	return stats_cmp_double(&x->v, &y->v);
}

/* The non-NaN values sorted by group, then value; returns how many. */
static size_t tag_sort(const double *x, const int *group, size_t n, struct tagged **out)
{
	struct tagged *t = cb_xmalloc((n ? n : 1) * sizeof(*t));
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			t[m++] = (struct tagged){group[i], x[i]};
	qsort(t, m, sizeof(*t), cmp_tagged);
	*out = t;
	return m;
}

double stats_kruskal_wallis_p(const double *x, const int *group, size_t n)
{
	struct tagged *t;
	size_t m = tag_sort(x, group, n, &t);
	double *v = cb_xmalloc((m ? m : 1) * sizeof(*v)), *rank = cb_xmalloc((m ? m : 1) * sizeof(*rank));
	for (size_t i = 0; i < m; i++)
		v[i] = t[i].v;
	double tie_term = stats_midranks(v, m, rank);
	/* H = 12 / (N (N+1)) * sum(R_g^2 / n_g) - 3 (N+1), over the groups'
	 * rank sums R_g, divided by the tie correction 1 - T / (N^3 - N). */
	double sum = 0, N = (double)m;
	size_t groups = 0, biggest = 0;
	for (size_t i = 0; i < m;) {
		size_t j = i;
		double rs = 0;
		while (j < m && t[j].round == t[i].round)
			rs += rank[j++];
		sum += rs * rs / (double)(j - i);
		groups++;
		if (j - i > biggest)
			biggest = j - i;
		i = j;
	}
	free(t);
	free(v);
	free(rank);
	if (groups < 2 || biggest < 2)
		return NAN;
	double corr = 1 - tie_term / (N * N * N - N);
	if (corr <= 0)
		return 1; /* every value the same */
	double h = (12 / (N * (N + 1)) * sum - 3 * (N + 1)) / corr;
	return stats_chi2_sf(h < 0 ? 0 : h, (double)(groups - 1));
}

void stats_rounds_summarize(const double *x, const int *round, size_t n, struct stats_rounds *out)
{
	*out = (struct stats_rounds){0};
	out->median = out->ci_lo = out->ci_hi = out->spread = out->agree_p = NAN;
	out->rounds_agree = 1;
	struct tagged *t;
	size_t m = tag_sort(x, round, n, &t);
	out->n = m;
	if (m == 0) {
		free(t);
		return;
	}
	/* Each round's median; within a round the values are sorted. */
	double *med = cb_xmalloc(m * sizeof(*med)), *vals = cb_xmalloc(m * sizeof(*vals));
	size_t r = 0;
	for (size_t i = 0; i < m;) {
		size_t j = i;
		while (j < m && t[j].round == t[i].round) {
			vals[j - i] = t[j].v;
			j++;
		}
		med[r++] = stats_quantile_sorted(vals, j - i, 0.5);
		i = j;
	}
	free(t);
	free(vals);
	qsort(med, r, sizeof(*med), stats_cmp_double);
	out->nrounds = r;
	out->median = stats_quantile_sorted(med, r, 0.5);
	size_t lo, hi;
	out->ci_exact = stats_median_ci_ranks(r, 0.95, &lo, &hi);
	out->ci_lo = out->median - M_SQRT2 * (out->median - med[lo - 1]);
	out->ci_hi = out->median + M_SQRT2 * (med[hi - 1] - out->median);
	if (med[0] >= 0 && out->ci_lo < 0)
		out->ci_lo = 0; /* a time or a count never goes below zero */
	if (med[0] > 0)
		out->spread = med[r - 1] / med[0];
	free(med);
	out->agree_p = stats_kruskal_wallis_p(x, round, n);
	out->rounds_agree = !(out->agree_p < 0.001 && out->spread > 1.10);
}

void stats_summarize_by_round(const double *x, const int *round, size_t n,
			      struct stats_summary *out)
{
	stats_summarize(x, n, out);
	struct stats_rounds r;
	stats_rounds_summarize(x, round, n, &r);
	if (r.nrounds >= 2) {
		out->median = r.median;
		out->ci_lo = r.ci_lo;
		out->ci_hi = r.ci_hi;
		out->ci_exact = r.ci_exact;
	}
}

int stats_unit_id(double field)
{
	return isfinite(field) && fabs(field) < 1e9 ? (int)field : 0;
}
