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

int main(void)
{
	summary();
	mann_whitney();
	return check_done();
}
