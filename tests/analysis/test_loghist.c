/* The log-bucket histogram: bucket bounds, clamping, the round trip of a
 * bound through its printed form, and quantiles read back from the spread
 * values within the buckets' 4.5% half-width of the exact ones. */
#include "check.h"
#include "loghist.h"
#include "stats.h"

int main(void)
{
	CHECK(loghist_bucket(NAN) == -1);
	CHECK(loghist_bucket(0) == 0 && loghist_bucket(0.5) == 0);
	CHECK(loghist_bucket(1) == 0);
	CHECK(loghist_bucket(2) == LOGHIST_PER_OCTAVE);
	CHECK(loghist_bucket(1e30) == LOGHIST_BUCKETS - 1);
	for (int b = 0; b < LOGHIST_BUCKETS; b++) {
		/* a value just inside each bound lands in the bucket */
		CHECK(loghist_bucket(loghist_lo(b) * 1.000001) == b);
		CHECK(loghist_bucket(loghist_hi(b) * 0.999999) == b);
		char buf[32];
		snprintf(buf, sizeof(buf), "%.9g", loghist_lo(b));
		CHECK(loghist_bucket_of_lo(strtod(buf, NULL)) == b);
	}
	CHECK(loghist_bucket_of_lo(3) == -1); /* not a bound */
	CHECK(loghist_bucket_of_lo(0) == -1);

	/* 10000 values log-uniform between 1 us and 1 ms, and a tail of 30 */
	struct loghist h;
	memset(&h, 0, sizeof(h));
	static double x[10030], back[10030];
	size_t n = 0;
	for (int i = 0; i < 10000; i++)
		x[n++] = 1000 * pow(1000, (i + 0.5) / 10000.0);
	for (int i = 0; i < 30; i++) /* p99.9 lands among these */
		x[n++] = 5e7 + 1000 * i;
	for (size_t i = 0; i < n; i++)
		loghist_add(&h, x[i]);
	CHECK_EQ_U64(h.n, n);
	CHECK_EQ_U64(loghist_values(&h, back), n);
	for (size_t i = 1; i < n; i++)
		CHECK(back[i] >= back[i - 1]);
	struct stats_summary a, b;
	stats_summarize(x, n, &a);
	stats_summarize(back, n, &b);
	CHECK(fabs(b.median / a.median - 1) < 0.045);
	CHECK(fabs(b.p99 / a.p99 - 1) < 0.045);
	CHECK(fabs(b.p999 / a.p999 - 1) < 0.045);
	CHECK(fabs(b.max / a.max - 1) < 0.045);

	struct loghist m;
	memset(&m, 0, sizeof(m));
	loghist_merge(&m, &h);
	loghist_merge(&m, &h);
	CHECK_EQ_U64(m.n, 2 * n);
	loghist_add_count(&m, LOGHIST_BUCKETS, 5); /* out of range: ignored */
	CHECK_EQ_U64(m.n, 2 * n);
	return check_done();
}
