#include "stats.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cb.h"
#include "stats_impl.h"

int stats_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Quantile of sorted data, linear interpolation between order statistics
 * (Hyndman & Fan type 7, as R and numpy default to). */
double stats_quantile_sorted(const double *s, size_t n, double q)
{
	if (n == 0)
		return NAN;
	if (q <= 0)
		return s[0];
	if (q >= 1)
		return s[n - 1];
	double h = (double)(n - 1) * q;
	size_t i = (size_t)floor(h);
	double frac = h - (double)i;
	if (i + 1 >= n)
		return s[n - 1];
	return s[i] + frac * (s[i + 1] - s[i]);
}

/* log of the binomial coefficient C(n, k) */
static double log_choose(size_t n, size_t k)
{
	return lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1);
}

int stats_median_ci_ranks(size_t n, double conf, size_t *lo, size_t *hi)
{
	double alpha = 1 - conf;
	*lo = 1;
	*hi = n;
	if (n == 0)
		return 0;
	/* Largest k with P(B <= k-1) <= alpha/2 for B ~ Binomial(n, 1/2); then
	 * [x_(k), x_(n-k+1)] covers the median with probability >= conf. */
	double cum = 0;
	size_t k = 0;
	double log_half_n = (double)n * log(0.5);
	for (size_t i = 0; i < n; i++) {
		double p = exp(log_choose(n, i) + log_half_n);
		if (cum + p > alpha / 2)
			break;
		cum += p;
		k = i + 1;
	}
	if (k == 0)
		return 0;
	*lo = k;
	*hi = n - k + 1;
	return 1;
}

double stats_median(const double *x, size_t n)
{
	double *s = cb_xmalloc((n ? n : 1) * sizeof(*s));
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			s[m++] = x[i];
	qsort(s, m, sizeof(*s), stats_cmp_double);
	double med = m ? stats_quantile_sorted(s, m, 0.5) : NAN;
	free(s);
	return med;
}

void stats_summarize(const double *x, size_t n, struct stats_summary *out)
{
	memset(out, 0, sizeof(*out));
	double *s = cb_xmalloc((n ? n : 1) * sizeof(*s));
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			s[m++] = x[i];
	out->n = m;
	if (m == 0) {
		out->min = out->median = out->mean = out->p90 = out->p99 = out->max = NAN;
		out->stddev = out->ci_lo = out->ci_hi = out->p999 = NAN;
		free(s);
		return;
	}
	qsort(s, m, sizeof(*s), stats_cmp_double);
	out->min = s[0];
	out->max = s[m - 1];
	out->median = stats_quantile_sorted(s, m, 0.5); /* as stats_median */
	out->p90 = stats_quantile_sorted(s, m, 0.90);
	out->p99 = stats_quantile_sorted(s, m, 0.99);
	out->p999 = stats_quantile_sorted(s, m, 0.999);
	/* Welford: stable for large latencies with small spread. */
	double mean = 0, m2 = 0;
	for (size_t i = 0; i < m; i++) {
		double d = s[i] - mean;
		mean += d / (double)(i + 1);
		m2 += d * (s[i] - mean);
	}
	out->mean = mean;
	out->stddev = m > 1 ? sqrt(m2 / (double)(m - 1)) : 0;
	size_t lo, hi;
	out->ci_exact = stats_median_ci_ranks(m, 0.95, &lo, &hi);
	out->ci_lo = s[lo - 1];
	out->ci_hi = s[hi - 1];
	free(s);
}

double stats_ci_rel_width(const struct stats_summary *s)
{
	if (s->n == 0 || s->median == 0)
		return INFINITY;
	return (s->ci_hi - s->ci_lo) / fabs(s->median);
}

double stats_normal_sf(double z)
{
	return 0.5 * erfc(z / sqrt(2.0));
}

struct ranked {
	double v;
	size_t at;
};

static int cmp_ranked(const void *a, const void *b)
{
	return stats_cmp_double(&((const struct ranked *)a)->v, &((const struct ranked *)b)->v);
}

double stats_midranks(const double *v, size_t n, double *rank)
{
	struct ranked *r = cb_xmalloc((n ? n : 1) * sizeof(*r));
	for (size_t i = 0; i < n; i++)
		r[i] = (struct ranked){v[i], i};
	qsort(r, n, sizeof(*r), cmp_ranked);
	double tie_term = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && r[j + 1].v == r[i].v)
			j++;
		double avg = ((double)i + (double)j) / 2 + 1; /* 1-based average rank */
		double t = (double)(j - i + 1);
		tie_term += t * t * t - t;
		for (size_t k = i; k <= j; k++)
			rank[r[k].at] = avg;
		i = j + 1;
	}
	free(r);
	return tie_term;
}

/* The null distribution of U (the number of a-b pairs won by a) without
 * ties: how many of the C(na+nb, na) orderings reach each value, by dynamic
 * programming over f(i, j, u) = f(i-1, j, u-j) + f(i, j-1, u). */
void stats_mw_null_counts(size_t na, size_t nb, double *counts)
{
	size_t umax = na * nb;
	/* counts[j][u] for the current i, rolling over i. */
	double *cur = cb_xcalloc((nb + 1) * (umax + 1), sizeof(double));
	double *prev = cb_xcalloc((nb + 1) * (umax + 1), sizeof(double));
#define AT(arr, j, uu) arr[(j) * (umax + 1) + (uu)]
	for (size_t j = 0; j <= nb; j++)
		AT(prev, j, 0) = 1; /* i = 0: only u = 0 */
	for (size_t i = 1; i <= na; i++) {
		memset(cur, 0, (nb + 1) * (umax + 1) * sizeof(double));
		AT(cur, 0, 0) = 1;
		for (size_t j = 1; j <= nb; j++)
			for (size_t uu = 0; uu <= i * j; uu++)
				AT(cur, j, uu) = (uu >= j ? AT(prev, j, uu - j) : 0) + AT(cur, j - 1, uu);
		double *t = prev;
		prev = cur;
		cur = t;
	}
	for (size_t uu = 0; uu <= umax; uu++)
		counts[uu] = AT(prev, nb, uu);
#undef AT
	free(cur);
	free(prev);
}

/* Exact two-sided p for U without ties. */
static double mw_exact(size_t na, size_t nb, double u)
{
	size_t umax = na * nb;
	double *counts = cb_xmalloc((umax + 1) * sizeof(*counts));
	stats_mw_null_counts(na, nb, counts);
	double total = 0, tail = 0;
	double mu = (double)umax / 2;
	double dist = fabs(u - mu);
	for (size_t uu = 0; uu <= umax; uu++) {
		total += counts[uu];
		if (fabs((double)uu - mu) >= dist - 1e-9)
			tail += counts[uu];
	}
	free(counts);
	double p = tail / total;
	return p > 1 ? 1 : p;
}

double stats_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb)
{
	if (na == 0 || nb == 0)
		return NAN;
	size_t n = na + nb;
	double *v = cb_xmalloc(n * sizeof(*v)), *rank = cb_xmalloc(n * sizeof(*rank));
	memcpy(v, a, na * sizeof(*v));
	memcpy(v + na, b, nb * sizeof(*v));
	double tie_term = stats_midranks(v, n, rank);
	bool ties = tie_term > 0;
	double rank_sum_a = 0;
	for (size_t i = 0; i < na; i++)
		rank_sum_a += rank[i];
	free(v);
	free(rank);
	double u = rank_sum_a - (double)na * (double)(na + 1) / 2;
	if (!ties && na * nb <= 2500)
		return mw_exact(na, nb, u);
	double mu = (double)na * (double)nb / 2;
	double var = (double)na * (double)nb / 12 *
		     ((double)n + 1 - tie_term / ((double)n * ((double)n - 1)));
	if (var <= 0)
		return 1; /* every value identical */
	double z = (fabs(u - mu) - 0.5) / sqrt(var);
	if (z < 0)
		z = 0;
	double p = 2 * stats_normal_sf(z);
	return p > 1 ? 1 : p;
}
