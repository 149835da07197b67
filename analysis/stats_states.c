/* Machine-speed states in a probe series: is this one machine, or one that
 * switched between speeds during the run?  The vCPUs cowbench runs on have
 * been seen running a fixed loop in either ~660 us or ~1500 us, switching
 * at random; a report must say so instead of averaging the two. */
#include <math.h>
#include <stdlib.h>

#include "cb.h"
#include "stats.h"
#include "stats_impl.h"

#define MIN_VALUES 20
#define MIN_SHARE 0.03
#define MIN_BIC_GAIN 10.0
#define MIN_ASHMAN_D 3.0
/* Log-scale spread below which a component is a point mass (a timer's
 * resolution repeating one value): floored so EM cannot collapse onto it. */
#define SIGMA_FLOOR 1e-4

struct comp {
	double w, mu, sigma;
};

static double log_normal_pdf(double y, const struct comp *c)
{
	double z = (y - c->mu) / c->sigma;
	return log(c->w) - log(c->sigma) - 0.5 * log(2 * M_PI) - 0.5 * z * z;
}

static double log_add(double a, double b)
{
	double m = a > b ? a : b;
	return m + log(exp(a - m) + exp(b - m));
}

static double fit_one(const double *y, size_t n, struct comp *c)
{
	double mean = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		mean += y[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (y[i] - mean) * (y[i] - mean);
	*c = (struct comp){1, mean, fmax(sqrt(ss / (double)n), SIGMA_FLOOR)};
	double ll = 0;
	for (size_t i = 0; i < n; i++)
		ll += log_normal_pdf(y[i], c);
	return ll;
}

/* Starts EM from the split of sorted y that minimises the within-class
 * sum of squares (Otsu's threshold, by prefix sums). */
static void otsu_start(const double *y, size_t n, struct comp c[2])
{
	double total = 0, total2 = 0;
	for (size_t i = 0; i < n; i++) {
		total += y[i];
		total2 += y[i] * y[i];
	}
	double best = INFINITY, s = 0, s2 = 0;
	size_t cut = n / 2;
	for (size_t i = 1; i < n; i++) {
		s += y[i - 1];
		s2 += y[i - 1] * y[i - 1];
		double a = (double)i, b = (double)(n - i);
		double wss = (s2 - s * s / a) + ((total2 - s2) - (total - s) * (total - s) / b);
		if (wss < best) {
			best = wss;
			cut = i;
		}
	}
	struct comp one;
	fit_one(y, cut, &one);
	c[0] = (struct comp){(double)cut / (double)n, one.mu, one.sigma};
	fit_one(y + cut, n - cut, &one);
	c[1] = (struct comp){(double)(n - cut) / (double)n, one.mu, one.sigma};
}

static double fit_two(const double *y, size_t n, struct comp c[2])
{
	otsu_start(y, n, c);
	double *resp = cb_xmalloc(n * sizeof(*resp)); /* P(component 1 | y_i) */
	double ll = -INFINITY;
	for (int it = 0; it < 500; it++) {
		double prev = ll;
		ll = 0;
		for (size_t i = 0; i < n; i++) {
			double a = log_normal_pdf(y[i], &c[0]), b = log_normal_pdf(y[i], &c[1]);
			double tot = log_add(a, b);
			resp[i] = exp(b - tot);
			ll += tot;
		}
		double w1 = 0, m1 = 0, m0 = 0;
		for (size_t i = 0; i < n; i++) {
			w1 += resp[i];
			m1 += resp[i] * y[i];
			m0 += (1 - resp[i]) * y[i];
		}
		double w0 = (double)n - w1;
		if (w0 < 1 || w1 < 1)
			break; /* one component emptied: two states do not fit */
		m0 /= w0;
		m1 /= w1;
		double v0 = 0, v1 = 0;
		for (size_t i = 0; i < n; i++) {
			v0 += (1 - resp[i]) * (y[i] - m0) * (y[i] - m0);
			v1 += resp[i] * (y[i] - m1) * (y[i] - m1);
		}
		c[0] = (struct comp){w0 / (double)n, m0, fmax(sqrt(v0 / w0), SIGMA_FLOOR)};
		c[1] = (struct comp){w1 / (double)n, m1, fmax(sqrt(v1 / w1), SIGMA_FLOOR)};
		if (fabs(ll - prev) < 1e-10 * fabs(ll))
			break;
	}
	free(resp);
	if (c[0].mu > c[1].mu) {
		struct comp t = c[0];
		c[0] = c[1];
		c[1] = t;
	}
	return ll;
}

/* Where the two weighted densities cross between the means (bisection on
 * their log ratio); the midpoint when they do not cross there. */
static double crossing(const struct comp c[2])
{
	double lo = c[0].mu, hi = c[1].mu;
	double flo = log_normal_pdf(lo, &c[0]) - log_normal_pdf(lo, &c[1]);
	double fhi = log_normal_pdf(hi, &c[0]) - log_normal_pdf(hi, &c[1]);
	if (!(flo > 0 && fhi < 0))
		return (lo + hi) / 2;
	for (int i = 0; i < 100; i++) {
		double mid = (lo + hi) / 2;
		if (log_normal_pdf(mid, &c[0]) - log_normal_pdf(mid, &c[1]) > 0)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

void stats_detect_states(const double *x, size_t n, struct stats_states *out)
{
	*out = (struct stats_states){.k = 1, .threshold = INFINITY, .separation = NAN};
	out->center[0] = out->center[1] = NAN;
	out->share[1] = 0;
	double *y = cb_xmalloc((n ? n : 1) * sizeof(*y));
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (x[i] > 0 && isfinite(x[i]))
			y[m++] = log(x[i]);
	if (m == 0) {
		out->share[0] = 0;
		free(y);
		return;
	}
	qsort(y, m, sizeof(*y), stats_cmp_double);
	out->share[0] = 1;
	out->center[0] = exp(stats_quantile_sorted(y, m, 0.5));
	if (m >= MIN_VALUES) {
		struct comp one, two[2];
		double ll1 = fit_one(y, m, &one), ll2 = fit_two(y, m, two);
		double ln = log((double)m);
		double bic1 = -2 * ll1 + 2 * ln, bic2 = -2 * ll2 + 5 * ln;
		double d = M_SQRT2 * fabs(two[1].mu - two[0].mu) /
			   sqrt(two[0].sigma * two[0].sigma + two[1].sigma * two[1].sigma);
		double cut = crossing(two);
		size_t below = 0;
		while (below < m && y[below] < cut)
			below++;
		double share0 = (double)below / (double)m;
		if (bic2 < bic1 - MIN_BIC_GAIN && d > MIN_ASHMAN_D && share0 >= MIN_SHARE &&
		    1 - share0 >= MIN_SHARE) {
			out->k = 2;
			out->separation = d;
			out->threshold = exp(cut);
			out->share[0] = share0;
			out->share[1] = 1 - share0;
			out->center[0] = exp(stats_quantile_sorted(y, below, 0.5));
			out->center[1] = exp(stats_quantile_sorted(y + below, m - below, 0.5));
		}
	}
	free(y);
}

int stats_state_of(const struct stats_states *s, double x)
{
	return s->k == 2 && x >= s->threshold;
}
