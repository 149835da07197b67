#include "ebayes.h"

#include <gsl/gsl_sf_psi.h>
#include <math.h>

double stats_digamma(double x)
{
	return x > 0 ? gsl_sf_psi(x) : NAN;
}

double stats_trigamma(double x)
{
	return x > 0 ? gsl_sf_psi_1(x) : NAN;
}

double stats_trigamma_inverse(double x)
{
	/* trigamma falls monotonically from +inf to 0: bisection in log y */
	double lo = log(1e-12), hi = log(1e12);
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;
		if (stats_trigamma(exp(mid)) > x)
			lo = mid;
		else
			hi = mid;
	}
	return exp((lo + hi) / 2);
}

void stats_ebayes_prior(const double *s2, const double *df, size_t n, struct ebayes_prior *out)
{
	out->d0 = 0;
	out->s0sq = NAN;
	double sum_e = 0, total_df = 0;
	size_t g = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(s2[i] > 0) || !isfinite(s2[i]) || !(df[i] > 0))
			continue;
		sum_e += log(s2[i]) - stats_digamma(df[i] / 2) + log(df[i] / 2);
		total_df += df[i];
		g++;
	}
	if (g < 3)
		return;
	double mean_e = sum_e / (double)g, var = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(s2[i] > 0) || !isfinite(s2[i]) || !(df[i] > 0))
			continue;
		double e = log(s2[i]) - stats_digamma(df[i] / 2) + log(df[i] / 2) - mean_e;
		var += e * e / (double)(g - 1) - stats_trigamma(df[i] / 2) / (double)g;
	}
	if (var > 0) {
		double d0 = 2 * stats_trigamma_inverse(var);
		out->d0 = fmin(d0, total_df);
		out->s0sq = exp(mean_e + stats_digamma(d0 / 2) - log(d0 / 2));
	} else {
		/* the variances differ no more than chance makes them: one shared variance */
		out->d0 = total_df;
		out->s0sq = exp(mean_e);
	}
}

double stats_ebayes_var(const struct ebayes_prior *p, double s2, double df)
{
	if (!(p->d0 > 0) || !isfinite(p->s0sq))
		return s2;
	if (!(s2 >= 0) || !isfinite(s2))
		return p->s0sq;
	return (p->d0 * p->s0sq + df * s2) / (p->d0 + df);
}
