/* The stopping rule with synthetic samples. */
#include "check.h"
#include "host_adapt.h"

#define N 400

int main(void)
{
	struct host_adapt a = {.min_reps = 10, .max_reps = 300, .target_ci = 0.02,
			       .max_time_ns = 1000000000ull};
	static double flat[N], noisy[N], tight[N];
	for (int i = 0; i < N; i++) {
		flat[i] = 1000;
		/* half at 1000, half at 2000: the median's CI never narrows */
		noisy[i] = i % 2 ? 1000 : 2000;
		/* 1% spread around 1000 */
		tight[i] = 995 + (i * 37 % 11);
	}
	const double *one[] = {flat};
	/* never before min_reps, whatever the data or the clock says */
	CHECK(host_adapt_decide(&a, one, 1, 9, 0) == HOST_STOP_NONE);
	CHECK(host_adapt_decide(&a, one, 1, 9, 1ull << 40) == HOST_STOP_NONE);
	CHECK(host_adapt_decide(&a, one, 1, 10, 0) == HOST_STOP_CI);

	/* below 6 samples the interval is [min, max] and not a 95% one */
	struct host_adapt low = a;
	low.min_reps = 1;
	CHECK(host_adapt_decide(&low, one, 1, 5, 0) == HOST_STOP_NONE);
	CHECK(host_adapt_decide(&low, one, 1, 6, 0) == HOST_STOP_CI);

	const double *bad[] = {noisy};
	CHECK(host_adapt_decide(&a, bad, 1, 100, 0) == HOST_STOP_NONE);
	CHECK(host_adapt_decide(&a, bad, 1, 300, 0) == HOST_STOP_REPS);
	CHECK(host_adapt_decide(&a, bad, 1, 100, 1000000000ull) == HOST_STOP_TIME);

	/* every watched series must converge */
	const double *both[] = {flat, noisy};
	CHECK(host_adapt_decide(&a, both, 2, 100, 0) == HOST_STOP_NONE);
	const double *good[] = {flat, tight};
	CHECK(host_adapt_decide(&a, good, 2, 100, 0) == HOST_STOP_CI);
	CHECK(host_adapt_converged(&a, tight, 100));
	a.target_ci = 0.001;
	CHECK(!host_adapt_converged(&a, tight, 100));
	CHECK(host_adapt_converged(&a, flat, 100));

	/* a zero median has no relative width: never converged, capped */
	static double zeros[N];
	const double *z[] = {zeros};
	CHECK(host_adapt_decide(&a, z, 1, 300, 0) == HOST_STOP_REPS);
	return check_done();
}
