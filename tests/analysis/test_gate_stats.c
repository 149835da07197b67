/* The statistics of the regression gate and the history: Student's t
 * against closed forms and a numerical integral of its density,
 * Hodges-Lehmann against hand-worked cases and the Mann-Whitney table,
 * Benjamini-Hochberg against published worked examples, E-Divisive against
 * hand-worked series, a brute-force oracle and synthetic histories. */
#include <stdint.h>

#include "cb.h"
#include "check.h"
#include "ebayes.h"
#include "ediv.h"
#include "fdr.h"
#include "hl.h"
#include "ttest.h"

/* The t density integrated by Simpson's rule: an oracle that shares no
 * code with the incomplete beta function. */
static double t_cdf_numeric(double t, double df)
{
	double c = exp(lgamma((df + 1) / 2) - lgamma(df / 2)) / sqrt(df * M_PI);
	/* from 0 to |t|, then by symmetry */
	int n = 20000;
	double a = fabs(t), h = a / n, s = 0;
	for (int i = 0; i <= n; i++) {
		double x = i * h, f = c * pow(1 + x * x / df, -(df + 1) / 2);
		s += f * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
	}
	double half = s * h / 3;
	return t >= 0 ? 0.5 + half : 0.5 - half;
}

static void t_distribution(void)
{
	static const double ts[] = {-7.5, -2.1, -0.3, 0, 0.4, 1.7, 3.2, 12};
	for (size_t i = 0; i < CB_ARRAY_SIZE(ts); i++) {
		double t = ts[i];
		/* df 1 is Cauchy, df 2 and 4 have closed forms */
		CHECK_NEAR(stats_t_cdf(t, 1), 0.5 + atan(t) / M_PI, 1e-12);
		CHECK_NEAR(stats_t_cdf(t, 2), 0.5 + t / (2 * sqrt(2 + t * t)), 1e-12);
		double x = t / sqrt(1 + t * t / 4);
		CHECK_NEAR(stats_t_cdf(t, 4), 0.5 + 3.0 / 8 * x * (1 - t * t / (12 * (1 + t * t / 4))),
			   1e-12);
		CHECK_NEAR(stats_t_cdf(t, INFINITY), 0.5 * erfc(-t / sqrt(2)), 1e-12);
		static const double dfs[] = {3, 5.882, 17, 120};
		for (size_t k = 0; k < CB_ARRAY_SIZE(dfs); k++)
			CHECK_NEAR(stats_t_cdf(t, dfs[k]), t_cdf_numeric(t, dfs[k]), 1e-9);
		CHECK_NEAR(stats_t_p2(t, 7), 2 * (1 - stats_t_cdf(fabs(t), 7)), 1e-12);
	}
	/* quantiles: df 2 inverts in closed form, t = (2p - 1) / sqrt(2 p (1 - p)) */
	static const double ps[] = {0.001, 0.025, 0.3, 0.5, 0.975, 0.9995};
	for (size_t i = 0; i < CB_ARRAY_SIZE(ps); i++) {
		double p = ps[i];
		CHECK_NEAR(stats_t_quantile(p, 2), (2 * p - 1) / sqrt(2 * p * (1 - p)), 1e-9);
		CHECK_NEAR(stats_t_cdf(stats_t_quantile(p, 9.5), 9.5), p, 1e-12);
		CHECK_NEAR(stats_t_quantile(p, 1), tan(M_PI * (p - 0.5)), 1e-8 * fmax(1, fabs(tan(M_PI * (p - 0.5)))));
	}
	CHECK(isnan(stats_t_quantile(0, 3)) && isnan(stats_t_quantile(1, 3)));
	CHECK(stats_t_p2(INFINITY, 3) == 0);
	/* incomplete beta: I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b */
	CHECK_NEAR(stats_betai(1, 1, 0.3), 0.3, 1e-14);
	CHECK_NEAR(stats_betai(2.5, 1, 0.6), pow(0.6, 2.5), 1e-13);
	CHECK_NEAR(stats_betai(1, 3.5, 0.2), 1 - pow(0.8, 3.5), 1e-13);
}

static void welch(void)
{
	/* means 3 and 6, variances 2.5 and 10, n 5 each: se = sqrt(0.5 + 2),
	 * df = 2.5^2 / (0.5^2/4 + 2^2/4) */
	double a[] = {1, 2, 3, 4, 5}, b[] = {2, 4, 6, 8, 10};
	struct stats_ttest t;
	stats_welch(a, 5, b, 5, &t);
	CHECK_NEAR(t.diff, 3, 1e-12);
	CHECK_NEAR(t.se, sqrt(2.5), 1e-12);
	CHECK_NEAR(t.t, 3 / sqrt(2.5), 1e-12);
	CHECK_NEAR(t.df, 6.25 / (0.0625 + 1), 1e-12);
	CHECK_NEAR(t.p, 2 * (1 - t_cdf_numeric(t.t, t.df)), 1e-9);
	/* no spread on either side */
	double c[] = {4, 4, 4}, d[] = {5, 5};
	stats_welch(c, 3, d, 2, &t);
	CHECK(t.p == 0 && isinf(t.t) && t.t > 0);
	stats_welch(c, 3, c, 3, &t);
	CHECK(t.p == 1 && t.t == 0);
	/* a side of one: untestable */
	stats_welch(a, 5, d, 1, &t);
	CHECK(isnan(t.p));
	/* NaNs dropped */
	double e[] = {1, NAN, 2, 3, 4, 5};
	stats_welch(e, 6, b, 5, &t);
	CHECK_NEAR(t.t, 3 / sqrt(2.5), 1e-12);
}

static void hodges_lehmann(void)
{
	double cov;
	/* 3 vs 3: P(U = 0) = 1/20 > 0.025, so no 95% interval: the extremes,
	 * covering 1 - 2/20 */
	CHECK_EQ_U64(stats_hl_rank(3, 3, 0.95, &cov), 1);
	CHECK_NEAR(cov, 0.9, 1e-12);
	/* 5 vs 5: P(U <= 2) = 4/252 <= 0.025 < P(U <= 3) = 7/252 */
	CHECK_EQ_U64(stats_hl_rank(5, 5, 0.95, &cov), 3);
	CHECK_NEAR(cov, 1 - 8.0 / 252, 1e-12);
	/* 10 vs 10: the two-sided 5% critical U of the Mann-Whitney table is 23 */
	CHECK_EQ_U64(stats_hl_rank(10, 10, 0.95, &cov), 24);
	CHECK(cov >= 0.95);
	/* 6 vs 8: the table's critical U is 8 */
	CHECK_EQ_U64(stats_hl_rank(6, 8, 0.95, &cov), 9);
	/* large samples: the normal approximation, within a rank of the
	 * mean - 1.96 sd of U */
	size_t k = stats_hl_rank(60, 60, 0.95, &cov);
	double mu = 1800, sd = sqrt(3600.0 * 121 / 12);
	CHECK(fabs((double)k - (mu - 1.959964 * sd)) <= 1.5);
	CHECK(cov >= 0.949 && cov <= 0.952);

	/* x = {1,2,3}, y = {4,5,6}: differences 1,2,2,3,3,3,4,4,5 */
	double x[] = {1, 2, 3}, y[] = {6, 4, 5};
	struct stats_hl h;
	stats_hl_shift(x, 3, y, 3, 0.95, &h);
	CHECK_NEAR(h.est, 3, 0);
	CHECK_NEAR(h.lo, 1, 0);
	CHECK_NEAR(h.hi, 5, 0);
	CHECK_NEAR(h.coverage, 0.9, 1e-12);
	/* 5 vs 5 shifted by exactly 10: the estimate is 10; the interval is
	 * the 3rd smallest and 3rd largest of the 25 differences */
	double a[] = {0, 1, 2, 3, 4}, b[] = {10, 11, 12, 13, 14};
	stats_hl_shift(a, 5, b, 5, 0.95, &h);
	CHECK_NEAR(h.est, 10, 0);
	CHECK_NEAR(h.lo, 7, 0); /* differences 6,7,7,8,8,8,... */
	CHECK_NEAR(h.hi, 13, 0);
	/* shift equivariance: moving y moves everything by the same amount */
	double b2[5];
	for (int i = 0; i < 5; i++)
		b2[i] = b[i] + 0.25;
	struct stats_hl h2;
	stats_hl_shift(a, 5, b2, 5, 0.95, &h2);
	CHECK_NEAR(h2.est - h.est, 0.25, 1e-12);
	CHECK_NEAR(h2.lo - h.lo, 0.25, 1e-12);
	double n1[] = {NAN, 1};
	stats_hl_shift(n1, 2, b, 5, 0.95, &h);
	CHECK_EQ_U64(h.nx, 1);
	stats_hl_shift(n1, 1, b, 5, 0.95, &h);
	CHECK(isnan(h.est));
}

static void benjamini_hochberg(void)
{
	/* R's p.adjust(c(0.008, 0.03, 0.123, 0.6, 0.2), "BH"), as the stdlib.io
	 * documentation of padjust shows it: 0.04, 0.075, 0.205, 0.6, 0.25 */
	double p[] = {0.008, 0.03, 0.123, 0.6, 0.2}, q[5];
	stats_bh_adjust(p, 5, q);
	CHECK_NEAR(q[0], 0.04, 1e-12);
	CHECK_NEAR(q[1], 0.075, 1e-12);
	CHECK_NEAR(q[2], 0.205, 1e-12);
	CHECK_NEAR(q[3], 0.6, 1e-12);
	CHECK_NEAR(q[4], 0.25, 1e-12);
	/* Benjamini & Hochberg (1995), section 4: the 15 p-values of a
	 * myocardial-infarction study; at q = 0.05 the procedure rejects the
	 * four smallest (Bonferroni would reject three) */
	double bh[] = {0.0201, 0.0001, 0.0004, 0.0019, 0.0095, 0.0278, 0.0298, 0.0344,
		       0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000};
	double adj[15];
	stats_bh_adjust(bh, 15, adj);
	int rejected = 0, bonf = 0;
	for (int i = 0; i < 15; i++) {
		rejected += adj[i] <= 0.05;
		bonf += bh[i] * 15 <= 0.05;
	}
	CHECK_EQ_U64(rejected, 4);
	CHECK_EQ_U64(bonf, 3);
	CHECK(adj[4] <= 0.05 && adj[0] > 0.05); /* 0.0095 in, 0.0201 out */
	/* NaN p-values are not tests: they do not count in m */
	double pn[] = {0.01, NAN, 0.04}, qn[3];
	stats_bh_adjust(pn, 3, qn);
	CHECK(isnan(qn[1]));
	CHECK_NEAR(qn[0], 0.02, 1e-12);
	CHECK_NEAR(qn[2], 0.04, 1e-12);
}

/* Q by its definition, for the oracle. */
static double qhat_naive(const double *z, size_t s, size_t t, size_t k)
{
	double m1 = (double)(t - s), m2 = (double)(k - t), b = 0, wl = 0, wr = 0;
	for (size_t i = s; i < t; i++)
		for (size_t j = t; j < k; j++)
			b += fabs(z[i] - z[j]);
	for (size_t i = s; i < t; i++)
		for (size_t j = i + 1; j < t; j++)
			wl += fabs(z[i] - z[j]);
	for (size_t i = t; i < k; i++)
		for (size_t j = i + 1; j < k; j++)
			wr += fabs(z[i] - z[j]);
	double e = 2 * b / (m1 * m2) - (m1 > 1 ? wl / (m1 * (m1 - 1) / 2) : 0) -
		   (m2 > 1 ? wr / (m2 * (m2 - 1) / 2) : 0);
	return m1 * m2 / (m1 + m2) * e;
}

static uint64_t rng = 88172645463325252ull;
static double unif(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void)
{
	return sqrt(-2 * log(unif())) * cos(2 * M_PI * unif());
}

static void edivisive(void)
{
	size_t tau, kappa;
	double q;
	/* hand-worked: {1,2,1,2} | {5,6,5,6}: between-sum 64 over 16 pairs,
	 * within 4 over 6 pairs each side: Q = 16/8 (2*64/16 - 4/6 - 4/6) = 40/3 */
	double z1[] = {1, 2, 1, 2, 5, 6, 5, 6};
	CHECK(ediv_candidate(z1, 0, 8, 2, &tau, &kappa, &q));
	CHECK_EQ_U64(tau, 4);
	CHECK_EQ_U64(kappa, 8);
	CHECK_NEAR(q, 40.0 / 3, 1e-12);
	/* {0,0,0} | {10,10,10}: 9 pairs of 10 apart, nothing within: Q = 9/6 * 20 */
	double z2[] = {0, 0, 0, 10, 10, 10};
	CHECK(ediv_candidate(z2, 0, 6, 2, &tau, &kappa, &q));
	CHECK(tau == 3 && kappa == 6);
	CHECK_NEAR(q, 30, 1e-12);
	struct ediv_cp cp[8];
	struct ediv_opts o = {.max_p = 0.001, .min_seg = 2};
	CHECK_EQ_U64(ediv_change_points(z2, 6, &o, cp), 1);
	CHECK_EQ_U64(cp[0].index, 3);
	CHECK_NEAR(cp[0].before, 0, 0);
	CHECK_NEAR(cp[0].after, 10, 0);
	CHECK(cp[0].p == 0);
	/* too short to split */
	CHECK(!ediv_candidate(z2, 0, 3, 2, &tau, &kappa, &q));
	/* the O(L^2) search against Q by its definition on a random series,
	 * on a sub-interval too */
	double z3[23];
	for (int i = 0; i < 23; i++)
		z3[i] = gauss() + (i >= 15 ? 2 : 0);
	for (size_t s = 0; s <= 5; s += 5) {
		double best = -INFINITY;
		size_t bt = 0, bk = 0;
		for (size_t t = s + 2; t + 2 <= 23; t++)
			for (size_t k = t + 2; k <= 23; k++) {
				double v = qhat_naive(z3, s, t, k);
				if (v > best) {
					best = v;
					bt = t;
					bk = k;
				}
			}
		CHECK(ediv_candidate(z3, s, 23, 2, &tau, &kappa, &q));
		CHECK_NEAR(q, best, 1e-9 * fabs(best));
		CHECK(tau == bt && kappa == bk);
	}
	/* two steps: both found, in order */
	double z4[30];
	for (int i = 0; i < 30; i++)
		z4[i] = 100 + (i >= 10 ? 10 : 0) + (i >= 20 ? 10 : 0) + gauss();
	size_t n4 = ediv_change_points(z4, 30, &o, cp);
	CHECK_EQ_U64(n4, 2);
	if (n4 == 2)
		CHECK(cp[0].index == 10 && cp[1].index == 20 && cp[0].after > cp[0].before);
	/* pure noise: no change point, whatever the seed */
	for (int seed = 0; seed < 40; seed++) {
		double z[40];
		rng = 0x9E3779B97F4A7C15ull * (uint64_t)(seed + 1);
		for (int i = 0; i < 40; i++)
			z[i] = 1e6 * exp(0.03 * gauss());
		struct ediv_cp c[40];
		size_t nc = ediv_change_points(z, 40, &o, c);
		CHECK_EQ_U64(nc, 0);
		/* one outlier run, anywhere: still none */
		for (int at = 0; at < 40; at += 13) {
			double zo[40];
			memcpy(zo, z, sizeof(zo));
			zo[at] *= 1.5;
			size_t no = ediv_change_points(zo, 40, &o, c);
			CHECK_EQ_U64(no, 0);
			if (no)
				fprintf(stderr, "seed %d outlier at %d: change at %zu p=%g\n", seed, at, c[0].index, c[0].p);
		}
	}
}

static double chi2(int df)
{
	double s = 0;
	for (int i = 0; i < df; i++) {
		double z = gauss();
		s += z * z;
	}
	return s;
}

static void empirical_bayes(void)
{
	const double euler = 0.57721566490153286;
	/* closed forms: psi(1) = -gamma, psi(1/2) = -gamma - 2 ln 2,
	 * psi'(1) = pi^2/6, psi'(1/2) = pi^2/2; psi(x+1) = psi(x) + 1/x */
	CHECK_NEAR(stats_digamma(1), -euler, 1e-12);
	CHECK_NEAR(stats_digamma(0.5), -euler - 2 * log(2), 1e-12);
	CHECK_NEAR(stats_digamma(10.5) - stats_digamma(9.5), 1 / 9.5, 1e-12);
	CHECK_NEAR(stats_trigamma(1), M_PI * M_PI / 6, 1e-12);
	CHECK_NEAR(stats_trigamma(0.5), M_PI * M_PI / 2, 1e-11);
	CHECK_NEAR(stats_trigamma(40) - stats_trigamma(41), 1 / 1600.0, 1e-14);
	CHECK_NEAR(stats_trigamma(stats_trigamma_inverse(0.37)), 0.37, 1e-12);
	/* identical variances: no spread beyond chance, so one shared
	 * variance on the family's total df; for df 2, E[log s2] = log s^2 +
	 * psi(1) - log 1, which the prior undoes */
	double s2[50], df[50];
	for (int i = 0; i < 50; i++) {
		s2[i] = 0.0009;
		df[i] = 2;
	}
	struct ebayes_prior pr;
	stats_ebayes_prior(s2, df, 50, &pr);
	CHECK_NEAR(pr.d0, 100, 0);
	CHECK_NEAR(pr.s0sq, 0.0009 * exp(euler), 1e-12);
	CHECK_NEAR(stats_ebayes_var(&pr, 0.0036, 2), (100 * pr.s0sq + 2 * 0.0036) / 102, 1e-15);
	/* too few to fit: no borrowing */
	stats_ebayes_prior(s2, df, 2, &pr);
	CHECK(pr.d0 == 0 && stats_ebayes_var(&pr, 0.5, 2) == 0.5);
	/* the model itself: sigma^2 ~ s0^2 d0 / chi2(d0), s^2 ~ sigma^2 chi2(2) / 2,
	 * with d0 = 10 and s0^2 = 1: the moments find them again */
	enum { G = 20000 };
	static double v[G], d[G];
	rng = 12345;
	for (int i = 0; i < G; i++) {
		double sigma2 = 10 / chi2(10);
		v[i] = sigma2 * chi2(2) / 2;
		d[i] = 2;
	}
	stats_ebayes_prior(v, d, G, &pr);
	CHECK(pr.d0 > 7 && pr.d0 < 14);
	CHECK(pr.s0sq > 0.9 && pr.s0sq < 1.1);
}

int main(void)
{
	empirical_bayes();
	t_distribution();
	welch();
	hodges_lehmann();
	benjamini_hochberg();
	edivisive();
	return check_done();
}
