#include "check.h"
#include "stats.h"

static void summary(void)
{
	/* 1..10 shuffled: every statistic known in closed form */
	double x[] = {7, 3, 10, 1, 5, 9, 2, 8, 4, 6};
	struct stats_summary s;
	stats_summarize(x, 10, &s);
	CHECK_EQ_U64(s.n, 10);
	CHECK_NEAR(s.min, 1, 0);
	CHECK_NEAR(s.max, 10, 0);
	CHECK_NEAR(s.median, 5.5, 1e-12);
	CHECK_NEAR(s.mean, 5.5, 1e-12);
	CHECK_NEAR(s.stddev, 3.0276503540974917, 1e-12); /* sqrt(55/6) */
	CHECK_NEAR(s.p90, 9.1, 1e-12);			   /* type 7: 1 + 0.9*9 */
	CHECK_NEAR(s.p99, 9.91, 1e-12);
	CHECK_NEAR(s.p999, 9.991, 1e-12); /* 1 + 0.999*9 */
	/* 1000 values, one far out: p99.9 sees it, p99 does not */
	double tail[1000];
	for (int i = 0; i < 1000; i++)
		tail[i] = i == 999 ? 1e6 : i + 1;
	struct stats_summary t;
	stats_summarize(tail, 1000, &t);
	CHECK_NEAR(t.p99, 990.01, 1e-9);
	CHECK_NEAR(t.p999, 999 + 0.001 * (1e6 - 999), 1e-6);
	/* n=10: P(B<=1) = 11/1024 <= 0.025 < P(B<=2) = 56/1024, so ranks 2 and 9 */
	CHECK(s.ci_exact);
	CHECK_NEAR(s.ci_lo, 2, 0);
	CHECK_NEAR(s.ci_hi, 9, 0);

	size_t lo, hi;
	CHECK(stats_median_ci_ranks(5, 0.95, &lo, &hi) == 0); /* 2/32 > 0.05: no 95% CI */
	CHECK(lo == 1 && hi == 5);
	CHECK(stats_median_ci_ranks(6, 0.95, &lo, &hi) == 1); /* 1/64 <= 0.025 */
	CHECK(lo == 1 && hi == 6);
	/* n=100: the classic table gives ranks 40 and 61 */
	CHECK(stats_median_ci_ranks(100, 0.95, &lo, &hi) == 1);
	CHECK_EQ_U64(lo, 40);
	CHECK_EQ_U64(hi, 61);

	double odd[] = {3, NAN, 1, 2};
	stats_summarize(odd, 4, &s);
	CHECK_EQ_U64(s.n, 3);
	CHECK_NEAR(s.median, 2, 0);
	stats_summarize(odd, 0, &s);
	CHECK(s.n == 0 && isnan(s.median));
	double one[] = {42};
	stats_summarize(one, 1, &s);
	CHECK(s.median == 42 && s.stddev == 0 && s.ci_lo == 42 && s.ci_hi == 42);
	CHECK_NEAR(stats_ci_rel_width(&s), 0, 0);
}

static void mann_whitney(void)
{
	/* Completely separated samples of 5 and 5: U = 0, exact two-sided
	 * p = 2 / C(10,5) = 2/252. */
	double a[] = {1, 2, 3, 4, 5}, b[] = {6, 7, 8, 9, 10};
	CHECK_NEAR(stats_mann_whitney_p(a, 5, b, 5), 2.0 / 252, 1e-12);
	CHECK_NEAR(stats_mann_whitney_p(b, 5, a, 5), 2.0 / 252, 1e-12);
	/* Interleaved: U = 10 of 25; enumerating all 252 splits gives
	 * 174 at least as extreme, p = 0.690476. */
	double c[] = {1, 3, 5, 7, 9}, d[] = {2, 4, 6, 8, 10};
	CHECK_NEAR(stats_mann_whitney_p(c, 5, d, 5), 174.0 / 252, 1e-12);
	/* Identical values everywhere: nothing to tell apart. */
	double e[] = {1, 1, 1}, f[] = {1, 1, 1};
	CHECK_NEAR(stats_mann_whitney_p(e, 3, f, 3), 1, 0);
	/* Ties force the normal approximation.  By hand: midranks give
	 * U = 14.5, tie term sum(t^3 - t) = 54, var = 64/12 * (17 - 54/240)
	 * = 89.4667, z = (32 - 14.5 - 0.5) / sqrt(var) = 1.79729,
	 * p = erfc(z / sqrt 2) = 0.0722895. */
	double g[] = {1, 2, 2, 3, 4, 5, 6, 7}, h[] = {3, 4, 5, 5, 6, 8, 9, 9};
	CHECK_NEAR(stats_mann_whitney_p(g, 8, h, 8), 0.0722895, 1e-6);
	/* Large shifted samples: clearly significant. */
	double big_a[200], big_b[200];
	for (int i = 0; i < 200; i++) {
		big_a[i] = 100 + (i * 37 % 200) * 0.1;
		big_b[i] = 110 + (i * 53 % 200) * 0.1;
	}
	CHECK(stats_mann_whitney_p(big_a, 200, big_b, 200) < 1e-6);
	CHECK(stats_mann_whitney_p(big_a, 200, big_a, 200) > 0.9);
	CHECK(isnan(stats_mann_whitney_p(a, 0, b, 5)));
}


/* A fixed-seed standard normal (Box-Muller over a 64-bit LCG), so the
 * synthetic series below are the same on every machine. */
static double gauss(unsigned long long *st)
{
	double u[2];
	for (int i = 0; i < 2; i++) {
		*st = *st * 6364136223846793005ull + 1442695040888963407ull;
		u[i] = ((double)(*st >> 11) + 0.5) / 9007199254740992.0;
	}
	return sqrt(-2 * log(u[0])) * cos(2 * M_PI * u[1]);
}

static void chi2_and_kruskal(void)
{
	/* Closed forms: df = 2 is exp(-x/2); df = 1 is erfc(sqrt(x/2)). */
	CHECK_NEAR(stats_chi2_sf(7.2, 2), exp(-3.6), 1e-12);
	CHECK_NEAR(stats_chi2_sf(0.5, 2), exp(-0.25), 1e-12);
	CHECK_NEAR(stats_chi2_sf(3.0, 1), erfc(sqrt(1.5)), 1e-12);
	CHECK_NEAR(stats_chi2_sf(40, 1), erfc(sqrt(20)), 1e-20);
	/* df = 4: (1 + x/2) exp(-x/2) */
	CHECK_NEAR(stats_chi2_sf(9.0, 4), (1 + 4.5) * exp(-4.5), 1e-12);
	CHECK_NEAR(stats_chi2_sf(0, 3), 1, 0);

	/* {1,2,3} {4,5,6} {7,8,9}: ranks are the values, mean ranks 2, 5, 8;
	 * H = 12/90 * 3 * (4 + 25 + 64) - 30 = 7.2, df 2. */
	double x[] = {4, 1, 7, 2, 5, 8, 3, 6, 9};
	int g[] = {1, 0, 2, 0, 1, 2, 0, 1, 2};
	CHECK_NEAR(stats_kruskal_wallis_p(x, g, 9), exp(-3.6), 1e-12);
	/* Ties: {1,1,2} {2,3,3}: midranks give rank sums 6.5 and 14.5,
	 * H = 12/42 * (6.5^2 + 14.5^2) / 3 - 21 = 3.047619; tie correction
	 * 1 - 3 * 6 / 210; H' = 10/3, df 1. */
	double y[] = {1, 1, 2, 2, 3, 3};
	int h[] = {5, 5, 5, 9, 9, 9};
	CHECK_NEAR(stats_kruskal_wallis_p(y, h, 6), erfc(sqrt(10.0 / 6)), 1e-12);
	/* Untestable: one group, or only singletons; all equal: no evidence. */
	int one[] = {0, 0, 0, 0, 0, 0};
	CHECK(isnan(stats_kruskal_wallis_p(y, one, 6)));
	int single[] = {0, 1, 2, 3, 4, 5};
	CHECK(isnan(stats_kruskal_wallis_p(y, single, 6)));
	double same[] = {2, 2, 2, 2};
	int sg[] = {0, 0, 1, 1};
	CHECK_NEAR(stats_kruskal_wallis_p(same, sg, 4), 1, 0);
}

static void rounds(void)
{
	/* Six rounds whose medians are 10..15 (rounds named out of order,
	 * three samples each, one NaN): median 12.5; n = 6 order statistics
	 * (1, 6) bound it, so [10, 15]; each side widened by sqrt 2 for the
	 * next run: 12.5 -+ 2.5 sqrt 2. */
	double x[] = {10, 9, 100, 11, 1, 50, 12, 12, 12, 13, 0, 99, 14, NAN, 14, 15, 16, 14};
	int r[] = {7, 7, 7, 3, 3, 3, 42, 42, 42, 1, 1, 1, 8, 8, 8, 2, 2, 2};
	struct stats_rounds s;
	stats_rounds_summarize(x, r, 18, &s);
	CHECK_EQ_U64(s.n, 17);
	CHECK_EQ_U64(s.nrounds, 6);
	CHECK_NEAR(s.median, 12.5, 1e-12);
	CHECK(s.ci_exact);
	CHECK_NEAR(s.ci_lo, 12.5 - 2.5 * M_SQRT2, 1e-12);
	CHECK_NEAR(s.ci_hi, 12.5 + 2.5 * M_SQRT2, 1e-12);
	CHECK_NEAR(s.spread, 1.5, 1e-12);
	/* Five rounds cannot reach 95% (2/32 > 5%). */
	stats_rounds_summarize(x, r, 15, &s);
	CHECK_EQ_U64(s.nrounds, 5);
	CHECK(!s.ci_exact);
	/* Never below zero for values that are not. */
	double z[] = {0.1, 1, 1, 1, 1, 100};
	int zr[] = {0, 1, 2, 3, 4, 5};
	stats_rounds_summarize(z, zr, 6, &s);
	CHECK(s.ci_lo == 0 && s.median == 1);
	CHECK(isnan(s.agree_p) && s.rounds_agree); /* one sample per round: untestable */

	/* Rounds drawn from one distribution agree; rounds whose level climbs
	 * 8% per round (a machine slowing down) disagree and are flagged. */
	double v[200];
	int vr[200];
	unsigned long long st = 1;
	for (int i = 0; i < 200; i++) {
		vr[i] = i / 20;
		v[i] = 100 * (1 + 0.02 * gauss(&st));
	}
	stats_rounds_summarize(v, vr, 200, &s);
	CHECK(s.rounds_agree && s.agree_p > 0.001);
	CHECK(s.ci_lo < 100 && s.ci_hi > 100);
	for (int i = 0; i < 200; i++)
		v[i] *= 1 + 0.08 * vr[i];
	stats_rounds_summarize(v, vr, 200, &s);
	CHECK(!s.rounds_agree && s.agree_p < 1e-6 && s.spread > 1.5);
	/* Significant but immaterial (1% per round over 10 rounds is < 10%
	 * between extremes): not flagged. */
	for (int i = 0; i < 200; i++)
		v[i] = 100 * (1 + 0.002 * gauss(&st)) * (1 + 0.01 * vr[i]);
	stats_rounds_summarize(v, vr, 200, &s);
	CHECK(s.agree_p < 0.001 && s.spread < 1.10 && s.rounds_agree);
	stats_rounds_summarize(v, vr, 0, &s);
	CHECK(s.n == 0 && isnan(s.median) && s.nrounds == 0);
}

static void states(void)
{
	/* The two speeds this project's VMs were seen at: 660 and 1500 us,
	 * 30% / 70% of the probes, 2% noise, shuffled together. */
	enum { N = 1000 };
	static double x[N];
	unsigned long long st = 7;
	for (int i = 0; i < N; i++)
		x[i] = (i % 10 < 3 ? 660 : 1500) * (1 + 0.02 * gauss(&st));
	struct stats_states s;
	stats_detect_states(x, N, &s);
	CHECK_EQ_U64(s.k, 2);
	CHECK_NEAR(s.center[0], 660, 660 * 0.01);
	CHECK_NEAR(s.center[1], 1500, 1500 * 0.01);
	CHECK_NEAR(s.share[0], 0.3, 0.005);
	CHECK_NEAR(s.share[1], 0.7, 0.005);
	CHECK(s.threshold > 800 && s.threshold < 1300 && s.separation > 10);
	CHECK(stats_state_of(&s, 700) == 0 && stats_state_of(&s, 1400) == 1);
	/* The slower state can be the rarer one too (5%). */
	for (int i = 0; i < N; i++)
		x[i] = (i % 20 == 0 ? 1500 : 660) * (1 + 0.02 * gauss(&st));
	stats_detect_states(x, N, &s);
	CHECK(s.k == 2 && fabs(s.share[1] - 0.05) < 0.005);

	/* One state: normal, skewed (lognormal, sigma 0.3), and normal with 1%
	 * of probes hit by an interrupt (3x); and too few values to tell. */
	for (int i = 0; i < N; i++)
		x[i] = 660 * (1 + 0.02 * gauss(&st));
	stats_detect_states(x, N, &s);
	CHECK(s.k == 1 && s.share[0] == 1 && fabs(s.center[0] - 660) < 7);
	CHECK(stats_state_of(&s, 1e9) == 0);
	for (int i = 0; i < N; i++)
		x[i] = 660 * exp(0.3 * gauss(&st));
	stats_detect_states(x, N, &s);
	CHECK_EQ_U64(s.k, 1);
	for (int i = 0; i < N; i++)
		x[i] = 660 * (i % 100 == 0 ? 3 : 1) * (1 + 0.02 * gauss(&st));
	stats_detect_states(x, N, &s);
	CHECK_EQ_U64(s.k, 1);
	/* A floor with an exponential tail: how timings of a fixed loop look. */
	for (int i = 0; i < N; i++)
		x[i] = 660 + 30 * -log(1e-12 + 0.5 * erfc(gauss(&st) / M_SQRT2)); /* Exp(1) */
	stats_detect_states(x, N, &s);
	CHECK_EQ_U64(s.k, 1);
	double few[] = {660, 1500, 660, 1500, 660, 1500, 660, 1500, 660, 1500};
	stats_detect_states(few, 10, &s);
	CHECK_EQ_U64(s.k, 1);
	/* A timer that repeats exact values must not collapse a component. */
	for (int i = 0; i < N; i++)
		x[i] = i % 2 ? 640 : 680;
	stats_detect_states(x, N, &s);
	CHECK(s.k == 2 || s.k == 1); /* either reading, but no NaN and no crash */
	CHECK(!isnan(s.center[0]));
	stats_detect_states(x, 0, &s);
	CHECK(s.k == 1 && isnan(s.center[0]));
}

int main(void)
{
	summary();
	mann_whitney();
	chi2_and_kruskal();
	rounds();
	states();
	return check_done();
}
