/* The verdict rules, one by one, on samples whose answer is known. */
#include "check.h"
#include "verdict.h"

static void fill(double *x, int n, double center, double spread)
{
	/* evenly spread and shuffled deterministically: no ties */
	for (int i = 0; i < n; i++)
		x[i] = center + spread * ((double)((i * 7) % n) / (n - 1) - 0.5);
}

int main(void)
{
	struct verdict_opts o = {.threshold = 0.05, .alpha = 0.01};
	struct verdict v;
	double a[40], b[40];

	/* 20% slower, tight samples: regressed */
	fill(a, 30, 1000, 20);
	fill(b, 30, 1200, 20);
	verdict_compute(a, 30, b, 30, &o, &v);
	CHECK(v.kind == VERDICT_REGRESSED);
	CHECK_NEAR(v.change, 0.2, 1e-9);
	CHECK(v.p < 1e-6);
	CHECK_STR(verdict_name(v.kind), "regressed");

	/* and the other way round: improved */
	verdict_compute(b, 30, a, 30, &o, &v);
	CHECK(v.kind == VERDICT_IMPROVED);
	CHECK(v.change < -0.16);

	/* significant but smaller than the threshold: unchanged */
	fill(b, 30, 1030, 20);
	verdict_compute(a, 30, b, 30, &o, &v);
	CHECK(v.p < o.alpha);
	CHECK(v.kind == VERDICT_UNCHANGED);

	/* the same samples: unchanged, p = 1 */
	verdict_compute(a, 30, a, 30, &o, &v);
	CHECK(v.kind == VERDICT_UNCHANGED);
	CHECK_NEAR(v.change, 0, 0);
	CHECK(v.p > 0.9);

	/* 8 samples on one side: too noisy, even for a huge change */
	fill(b, 8, 5000, 10);
	verdict_compute(a, 30, b, 8, &o, &v);
	CHECK(v.kind == VERDICT_NOISY);
	CHECK(strstr(v.why, "too few samples") != NULL);
	CHECK(isnan(v.p));
	/* 9 is enough */
	fill(b, 9, 5000, 10);
	verdict_compute(a, 30, b, 9, &o, &v);
	CHECK(v.kind == VERDICT_REGRESSED);

	/* wide spread, no significant shift: the CI is wider than 5%, so
	 * "unchanged" would be a claim the data cannot back */
	fill(a, 12, 1000, 1000);
	fill(b, 12, 1010, 1000);
	verdict_compute(a, 12, b, 12, &o, &v);
	CHECK(v.kind == VERDICT_NOISY);
	CHECK(strstr(v.why, "CI") != NULL);

	/* exact counters: identical constants are unchanged, a constant that
	 * doubles is a regression */
	for (int i = 0; i < 20; i++) {
		a[i] = 33;
		b[i] = 66;
	}
	verdict_compute(a, 20, a, 20, &o, &v);
	CHECK(v.kind == VERDICT_UNCHANGED);
	verdict_compute(a, 20, b, 20, &o, &v);
	CHECK(v.kind == VERDICT_REGRESSED);
	CHECK_NEAR(v.change, 1, 1e-12);

	/* counts: 2 -> 2.5 exits (an odd exit more often) is significant but
	 * less than one whole event: unchanged when min_abs = 1, and with
	 * min_abs = 0 (times) a regression */
	for (int i = 0; i < 20; i++) {
		a[i] = i < 2 ? 3 : 2;
		b[i] = i < 10 ? 3 : 2;
	}
	struct verdict_opts oc = o;
	oc.min_abs = 1;
	verdict_compute(a, 20, b, 20, &oc, &v);
	CHECK(v.p < 0.01);
	CHECK(v.kind != VERDICT_REGRESSED);
	verdict_compute(a, 20, b, 20, &o, &v);
	CHECK(v.kind == VERDICT_REGRESSED);
	/* a whole exit more per sample is a change */
	for (int i = 0; i < 20; i++)
		b[i] = a[i] + 1;
	verdict_compute(a, 20, b, 20, &oc, &v);
	CHECK(v.kind == VERDICT_REGRESSED);

	/* zero base: any growth is +inf, still a regression when significant */
	for (int i = 0; i < 20; i++) {
		a[i] = 0;
		b[i] = 2;
	}
	verdict_compute(a, 20, b, 20, &o, &v);
	CHECK(isinf(v.change) && v.change > 0);
	CHECK(v.kind == VERDICT_REGRESSED);

	struct stats_summary s = {.median = 100, .ci_lo = 90, .ci_hi = 110};
	CHECK_NEAR(verdict_ci_half_rel(&s), 0.1, 1e-12);
	s = (struct stats_summary){.median = 0, .ci_lo = 0, .ci_hi = 0};
	CHECK_NEAR(verdict_ci_half_rel(&s), 0, 0);
	return check_done();
}
