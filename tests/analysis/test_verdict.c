/* The verdict rules, one by one, on run-level units whose answer is known. */
#include "check.h"
#include "ttest.h"
#include "verdict.h"

/* n units around center, evenly spread (relative half-width `spread`) and
 * shuffled deterministically: no ties. */
static void fill(double *x, int n, double center, double spread)
{
	for (int i = 0; i < n; i++)
		x[i] = center * (1 + spread * ((double)((i * 7) % n) / (n - 1) - 0.5));
}

/* One base run: its units against the new run's. */
static void one(const double *b, size_t nb, const double *n, size_t nn, bool count,
		const struct verdict_opts *o, double q, struct verdict *v)
{
	const double *base[] = {b};
	size_t nbase[] = {nb};
	verdict_test(base, nbase, 1, n, nn, count, o, v);
	v->q = q;
	verdict_decide(v, o);
}

int main(void)
{
	struct verdict_opts o = {.threshold = 0.05, .fdr = 0.05, .p_cut = 0.05};
	struct verdict v;
	double a[12], b[12], c[12];

	/* one base run, 8 rounds each, 20% slower, 2% spread: regressed */
	fill(a, 8, 1000, 0.02);
	fill(b, 8, 1200, 0.02);
	const double *base1[] = {a};
	size_t n8[] = {8, 8, 8, 8};
	verdict_test(base1, n8, 1, b, 8, false, &o, &v);
	CHECK(v.testable && v.p < 1e-6);
	CHECK_NEAR(v.ratio, 1.2, 1e-9);
	CHECK(v.lo > 1.15 && v.hi < 1.25);
	v.q = v.p;
	verdict_decide(&v, &o);
	CHECK(v.kind == VERDICT_REGRESSED);
	CHECK_STR(verdict_name(v.kind), "regressed");
	CHECK(v.mde > 0.05 && v.mde < 0.1);
	/* significant, but BH's q says no: not a regression, too noisy */
	v.q = 0.2;
	verdict_decide(&v, &o);
	CHECK(v.kind == VERDICT_NOISY);

	/* and the other way round: improved */
	one(b, 8, a, 8, false, &o, 1e-9, &v);
	CHECK(v.kind == VERDICT_IMPROVED);
	CHECK(v.ratio < 0.84);

	/* the same distribution, tight: the interval lies within +-5%: unchanged */
	fill(c, 8, 1003, 0.02);
	one(a, 8, c, 8, false, &o, 0.9, &v);
	CHECK(v.kind == VERDICT_UNCHANGED);
	CHECK(v.lo > 1 / 1.05 && v.hi < 1.05);

	/* the same centre, 30% spread: nothing can be told */
	fill(b, 8, 1000, 0.3);
	fill(c, 8, 1010, 0.3);
	one(b, 8, c, 8, false, &o, 0.9, &v);
	CHECK(v.kind == VERDICT_NOISY);
	CHECK(v.mde > 0.1);

	/* one unit a side (runs without rounds): too few to test */
	one(a, 1, b, 1, false, &o, NAN, &v);
	CHECK(!v.testable && v.kind == VERDICT_NOISY);
	CHECK(strstr(v.why, "too few units") != NULL);
	CHECK(isinf(v.mde));

	/* several base runs: the between-run spread decides.  Three base runs
	 * whose medians are 1000, 1100 and 1210 (sd of the logs = log 1.1), a
	 * new run at 1331: ratio to their geometric mean 1.1^2, t = 2 / sqrt(4/3),
	 * 2 degrees of freedom; its rounds are tight, so only the runs' spread
	 * can say it is noise */
	double r1[6], r2[6], r3[6], nw[6];
	fill(r1, 6, 1000, 0.001);
	fill(r2, 6, 1100, 0.001);
	fill(r3, 6, 1210, 0.001);
	fill(nw, 6, 1331, 0.001);
	const double *base3[] = {r1, r2, r3};
	size_t n6[] = {6, 6, 6};
	verdict_test(base3, n6, 3, nw, 6, false, &o, &v);
	CHECK(v.testable);
	CHECK_NEAR(v.ratio, 1.21, 1e-6);
	CHECK_NEAR(v.se, log(1.1) * sqrt(4.0 / 3), 1e-6);
	CHECK_NEAR(v.df, 2, 0);
	CHECK_NEAR(v.p, stats_t_p2(2 / sqrt(4.0 / 3), 2), 1e-9);
	double tq = stats_t_quantile(0.975, 2);
	CHECK_NEAR(v.lo, exp(2 * log(1.1) - tq * v.se), 1e-6);
	CHECK_EQ_U64(v.runs, 3);
	CHECK_EQ_U64(v.nb, 18);
	v.q = v.p;
	verdict_decide(&v, &o);
	CHECK(v.kind == VERDICT_NOISY); /* +21%, yet within what runs here do */
	/* the minimum detectable effect in closed form: the larger of the
	 * interval's lower half-width past +5% and the t needed for p < fdr/m */
	double need = fmax(log(1.05) + tq * v.se, stats_t_quantile(1 - 0.05 / 2, 2) * v.se);
	CHECK_NEAR(v.mde, exp(need) - 1, 1e-9);
	/* the same runs, and a new run 3x slower: regressed */
	fill(nw, 6, 3630, 0.001);
	verdict_test(base3, n6, 3, nw, 6, false, &o, &v);
	v.q = v.p;
	verdict_decide(&v, &o);
	CHECK(v.kind == VERDICT_REGRESSED);
	/* a bigger family needs more: with m = 400 and no rejection, fdr/m is the bar */
	struct verdict_opts big = o;
	big.p_cut = 0.05 / 400;
	verdict_decide(&v, &big);
	CHECK(v.mde > exp(stats_t_quantile(1 - 0.05 / 800, 2) * v.se) - 1 - 1e-9);

	/* counts.  Base runs at 55, 55, 56 exits (a range of 1); 56 is
	 * unchanged, 58 is not a regression either (< 5%), 60 is */
	double e1[] = {55, 55, 55}, e2[] = {55, 56, 55}, e3[] = {56, 56, 57}, en[] = {56, 56, 56};
	const double *ec[] = {e1, e2, e3};
	size_t n3[] = {3, 3, 3};
	verdict_test(ec, n3, 3, en, 3, true, &o, &v);
	CHECK(v.count && !v.testable && v.kind == VERDICT_UNCHANGED);
	CHECK_NEAR(v.base, 55, 0);
	double e60[] = {60, 60, 61};
	verdict_test(ec, n3, 3, e60, 3, true, &o, &v);
	CHECK(v.kind == VERDICT_REGRESSED);
	double e58[] = {57, 57, 57};
	verdict_test(ec, n3, 3, e58, 3, true, &o, &v);
	CHECK(v.kind == VERDICT_UNCHANGED);
	/* more than one event is needed (one is what an asynchronous exit
	 * adds): 2 -> 3 is not a change, 2 -> 3.5 and 2 -> 4 are */
	double s2[] = {2, 2, 2}, s3[] = {3, 3, 3}, s35[] = {3, 4}, s4[] = {4, 4, 4};
	const double *sc[] = {s2};
	verdict_test(sc, n3, 1, s3, 3, true, &o, &v);
	CHECK(v.kind == VERDICT_UNCHANGED);
	verdict_test(sc, n3, 1, s35, 2, true, &o, &v);
	CHECK(v.kind == VERDICT_REGRESSED);
	verdict_test(sc, n3, 1, s4, 3, true, &o, &v);
	CHECK(v.kind == VERDICT_REGRESSED);
	CHECK_NEAR(v.mde, 0.5, 1e-12); /* more than 3: +50% */
	verdict_test(&ec[0], n3, 1, s2, 3, true, &o, &v);
	CHECK(v.kind == VERDICT_IMPROVED);
	/* one base run of one unit (a nested phase, one boot per run) shows
	 * nothing of how a count moves: 3 sd of a Poisson difference, 1 -> 5
	 * is not a change (slack 4.24), 1 -> 5.5 is */
	double o1[] = {1}, o5[] = {5}, o55[] = {5.5};
	const double *oc[] = {o1};
	size_t one1[] = {1};
	verdict_test(oc, one1, 1, o5, 1, true, &o, &v);
	CHECK(v.kind == VERDICT_UNCHANGED);
	verdict_test(oc, one1, 1, o55, 1, true, &o, &v);
	CHECK(v.kind == VERDICT_REGRESSED);
	/* with several units, their range stands in for the runs': 1 and 3
	 * (median 2, range 2), so 4 is unchanged and 4.5 regressed */
	double u13[] = {1, 3}, u4[] = {4}, u45[] = {4.5};
	const double *uc[] = {u13};
	size_t two[] = {2};
	verdict_test(uc, two, 1, u4, 1, true, &o, &v);
	CHECK(v.kind == VERDICT_UNCHANGED);
	verdict_test(uc, two, 1, u45, 1, true, &o, &v);
	CHECK(v.kind == VERDICT_REGRESSED);
	/* base runs that spread widen the slack by their range: 11..13 is a
	 * range of 2, so 15 is unchanged and 15.5 regressed; 8.5 improved */
	double r11[] = {11}, r12[] = {12}, r13[] = {13}, w15[] = {15}, w155[] = {15.5}, w85[] = {8.5};
	const double *rc[] = {r11, r12, r13};
	size_t n1[] = {1, 1, 1};
	verdict_test(rc, n1, 3, w15, 1, true, &o, &v);
	CHECK(v.kind == VERDICT_UNCHANGED);
	verdict_test(rc, n1, 3, w155, 1, true, &o, &v);
	CHECK(v.kind == VERDICT_REGRESSED);
	verdict_test(rc, n1, 3, w85, 1, true, &o, &v);
	CHECK(v.kind == VERDICT_IMPROVED);
	/* from zero too: one stray event is not a change, two are */
	double z[] = {0, 0, 0}, z1[] = {1, 1, 1}, z2[] = {2, 2, 2};
	const double *zc[] = {z};
	verdict_test(zc, n3, 1, z1, 3, true, &o, &v);
	CHECK(v.kind == VERDICT_UNCHANGED);
	verdict_test(zc, n3, 1, z2, 3, true, &o, &v);
	CHECK(v.kind == VERDICT_REGRESSED && isinf(v.ratio));
	return check_done();
}
