#include "ttest.h"

#include <float.h>
#include <math.h>

#include "stats_impl.h"

/* The continued fraction of I_x(a, b) (modified Lentz), which converges
 * quickly for x < (a + 1) / (a + b + 2); the other side by symmetry. */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double qab = a + b, qap = a + 1, qam = a - 1;
	double c = 1, d = 1 - qab * x / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	double h = d;
	for (int m = 1; m <= 500; m++) {
		int m2 = 2 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

double stats_betai(double a, double b, double x)
{
	if (!(x > 0))
		return 0;
	if (!(x < 1))
		return 1;
	double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lbt) * beta_cf(a, b, x) / a;
	return 1 - exp(lbt) * beta_cf(b, a, 1 - x) / b;
}

double stats_t_p2(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return 0;
	if (isinf(df))
		return 2 * stats_normal_sf(fabs(t));
	/* P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2) */
	return stats_betai(df / 2, 0.5, df / (df + t * t));
}

double stats_t_cdf(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return t > 0 ? 1 : 0;
	if (isinf(df))
		return 1 - stats_normal_sf(t);
	/* Near 0, df / (df + t^2) rounds to 1 and the tail form loses t: there
	 * P(|T| < |t|) = I_{t^2/(df+t^2)}(1/2, df/2) keeps it. */
	if (t * t < df) {
		double inner = stats_betai(0.5, df / 2, t * t / (df + t * t)) / 2;
		return t > 0 ? 0.5 + inner : 0.5 - inner;
	}
	double tail = stats_t_p2(t, df) / 2;
	return t > 0 ? 1 - tail : tail;
}

double stats_t_quantile(double p, double df)
{
	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	double lo = -1, hi = 1;
	while (stats_t_cdf(lo, df) > p)
		lo *= 2;
	while (stats_t_cdf(hi, df) < p)
		hi *= 2;
	/* the CDF is monotone: bisection to the last representable bit */
	for (int i = 0; i < 200 && hi - lo > 4 * DBL_EPSILON * fmax(1, fabs(lo)); i++) {
		double mid = (lo + hi) / 2;
		if (stats_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

size_t stats_mean_var(const double *x, size_t n, double *mean, double *var)
{
	/* Welford: stable for large values with a small spread */
	double m = 0, m2 = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i]))
			continue;
		k++;
		double d = x[i] - m;
		m += d / (double)k;
		m2 += d * (x[i] - m);
	}
	*mean = k ? m : NAN;
	*var = k > 1 ? m2 / (double)(k - 1) : NAN;
	return k;
}

void stats_welch(const double *a, size_t na, const double *b, size_t nb, struct stats_ttest *out)
{
	double ma, va, mb, vb;
	size_t ka = stats_mean_var(a, na, &ma, &va), kb = stats_mean_var(b, nb, &mb, &vb);
	out->diff = mb - ma;
	out->se = out->t = out->df = out->p = NAN;
	if (ka < 2 || kb < 2)
		return;
	double sa = va / (double)ka, sb = vb / (double)kb;
	out->se = sqrt(sa + sb);
	if (sa + sb == 0) {
		out->t = out->diff == 0 ? 0 : out->diff > 0 ? INFINITY : -INFINITY;
		out->df = (double)(ka + kb - 2);
		out->p = out->diff == 0 ? 1 : 0;
		return;
	}
	out->t = out->diff / out->se;
	/* Welch-Satterthwaite */
	out->df = (sa + sb) * (sa + sb) /
		  (sa * sa / (double)(ka - 1) + sb * sb / (double)(kb - 1));
	out->p = stats_t_p2(out->t, out->df);
}
