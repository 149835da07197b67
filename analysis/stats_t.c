/* Student's t through GSL (libgsl, already the project's for its robust
 * fits), and Welch's test on top.  GSL aborts on a domain error unless its
 * handler is off, so every input is checked here first. */
#include "ttest.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>

#include "stats_impl.h"

double stats_betai(double a, double b, double x)
{
	if (!(x > 0))
		return 0;
	if (!(x < 1))
		return 1;
	if (!(a > 0) || !(b > 0))
		return NAN;
	return gsl_sf_beta_inc(a, b, x);
}

double stats_t_p2(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return 0;
	if (isinf(df))
		return 2 * stats_normal_sf(fabs(t));
	return 2 * gsl_cdf_tdist_Q(fabs(t), df);
}

double stats_t_cdf(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return t > 0 ? 1 : 0;
	if (isinf(df))
		return gsl_cdf_ugaussian_P(t);
	return gsl_cdf_tdist_P(t, df);
}

double stats_t_quantile(double p, double df)
{
	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	if (isinf(df))
		return gsl_cdf_ugaussian_Pinv(p);
	return gsl_cdf_tdist_Pinv(p, df);
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
