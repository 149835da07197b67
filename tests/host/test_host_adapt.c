/* The stopping rules with synthetic samples: inside a block, after a
 * round (the interval over rounds), and in one go (the copy floor). */
#include "check.h"
#include "host_adapt.h"

#define N 400

/* rounds x per samples: x[i] = base(round) + jitter; round[i] 1-based. */
static size_t fill(double *x, int *round, int rounds, int per, double (*base)(int), double jitter)
{
	size_t n = 0;
	for (int r = 1; r <= rounds; r++)
		for (int k = 0; k < per; k++, n++) {
			x[n] = base(r) + jitter * (double)((k * 7) % 5 - 2);
			round[n] = r;
		}
	return n;
}

static double steady(int r)
{
	(void)r;
	return 1000;
}

static double drifting(int r)
{
	return 1000 + 10 * r; /* round medians 1010 .. 1060 */
}

static double two_speeds(int r)
{
	return r <= 3 ? 1000 : 2000; /* the machine changed speed mid-run */
}

int main(void)
{
	struct host_adapt a = {.min_reps = 24, .max_reps = 300, .target_ci = 0.02,
			       .max_time_ns = 1000000000ull, .rounds = 8, .block_ns = 20000000};
	/* --- inside a block --- */
	CHECK_EQ_U64(host_adapt_block_min(&a), 3); /* 24 over 8 rounds */
	struct host_adapt one = a;
	one.min_reps = 1;
	CHECK_EQ_U64(host_adapt_block_min(&one), 1);
	one.min_reps = 25;
	CHECK_EQ_U64(host_adapt_block_min(&one), 4); /* rounded up */
	/* the minimum first, whatever the clock says */
	CHECK(host_adapt_block_more(&a, 1, 1ull << 40, 10, 1ull << 40));
	CHECK(host_adapt_block_more(&a, 2, 1ull << 40, 10, 1ull << 40));
	/* then on until the block has sampled block_ns */
	CHECK(host_adapt_block_more(&a, 3, 19999999, 10, 19999999));
	CHECK(!host_adapt_block_more(&a, 3, 20000000, 10, 20000000));
	/* the configuration's time cap ends a block early, after the minimum */
	CHECK(!host_adapt_block_more(&a, 3, 1000, 10, 1000000000ull));
	/* max_reps ends it at once */
	CHECK(!host_adapt_block_more(&a, 1, 0, 300, 0));

	/* --- after a round --- */
	static double x[N], y[N];
	static int rd[N];
	size_t n = fill(x, rd, 6, 10, steady, 1);
	const double *s1[] = {x};
	CHECK(host_adapt_converged(&a, x, rd, n));
	CHECK(host_adapt_decide(&a, s1, 1, rd, n, 6, 0) == HOST_STOP_CI);
	/* five rounds are not a 95% interval however tight they are */
	n = fill(x, rd, 5, 10, steady, 1);
	CHECK(!host_adapt_converged(&a, x, rd, n));
	CHECK(host_adapt_decide(&a, s1, 1, rd, n, 5, 0) == HOST_STOP_NONE);
	/* ... and with five rounds allowed, that is where it ends */
	struct host_adapt five = a;
	five.rounds = 5;
	CHECK(host_adapt_decide(&five, s1, 1, rd, n, 5, 0) == HOST_STOP_ROUNDS);
	/* too few samples for min_reps: not converged yet */
	n = fill(x, rd, 6, 3, steady, 1);
	CHECK(host_adapt_decide(&a, s1, 1, rd, n, 6, 0) == HOST_STOP_NONE);

	/* drift between rounds widens the interval: 5% of drift is not 2%,
	 * though every round on its own is tight */
	n = fill(x, rd, 6, 10, drifting, 1);
	CHECK(!host_adapt_converged(&a, x, rd, n));
	struct host_adapt wide = a;
	wide.target_ci = 0.2;
	CHECK(host_adapt_converged(&wide, x, rd, n));
	/* rounds that disagree are never converged, however wide the target */
	n = fill(x, rd, 6, 10, two_speeds, 1);
	wide.target_ci = 10;
	CHECK(!host_adapt_converged(&wide, x, rd, n));
	CHECK(host_adapt_decide(&wide, s1, 1, rd, n, 6, 0) == HOST_STOP_NONE);

	/* the caps, in order: rounds, then samples, then time */
	CHECK(host_adapt_decide(&a, s1, 1, rd, n, 8, 0) == HOST_STOP_ROUNDS);
	CHECK(host_adapt_decide(&a, s1, 1, rd, n, 6, 1000000000ull) == HOST_STOP_TIME);
	/* but not before min_reps: a slow configuration still gets them */
	static int rd3[N];
	size_t short_n = fill(y, rd3, 6, 3, two_speeds, 1);
	const double *sy[] = {y};
	CHECK(host_adapt_decide(&a, sy, 1, rd3, short_n, 6, 1ull << 40) == HOST_STOP_NONE);
	struct host_adapt few = a;
	few.max_reps = 60;
	CHECK(host_adapt_decide(&few, s1, 1, rd, n, 6, 0) == HOST_STOP_REPS);

	/* every watched series must converge */
	n = fill(x, rd, 6, 10, steady, 1);
	fill(y, rd, 6, 10, two_speeds, 1);
	const double *both[] = {x, y};
	CHECK(host_adapt_decide(&a, both, 2, rd, n, 6, 0) == HOST_STOP_NONE);
	const double *same[] = {x, x};
	CHECK(host_adapt_decide(&a, same, 2, rd, n, 6, 0) == HOST_STOP_CI);

	/* --- first writes: a block goes on until its share of min_writes --- */
	const uint64_t want = 8000; /* 1000 per round of 8 */
	CHECK(host_adapt_block_more_writes(&a, want, 16, 1, 0));
	CHECK(host_adapt_block_more_writes(&a, want, 999, 60, 0));
	CHECK(!host_adapt_block_more_writes(&a, want, 1000, 61, 0));
	CHECK(!host_adapt_block_more_writes(&a, 0, 16, 1, 0));	  /* none asked for */
	CHECK(!host_adapt_block_more_writes(&a, want, 0, 1, 0)); /* none timed: no reason */
	CHECK(!host_adapt_block_more_writes(&a, want, 16, 1, a.max_time_ns)); /* the time cap holds */
	CHECK(!host_adapt_block_more_writes(&a, want, 16, a.max_reps, 0));    /* and the sample cap */
	/* converged intervals wait for the writes; other stops do not */
	CHECK(host_adapt_decide_writes(HOST_STOP_CI, want, 7999) == HOST_STOP_NONE);
	CHECK(host_adapt_decide_writes(HOST_STOP_CI, want, 8000) == HOST_STOP_CI);
	CHECK(host_adapt_decide_writes(HOST_STOP_TIME, want, 10) == HOST_STOP_TIME);
	CHECK(host_adapt_decide_writes(HOST_STOP_ROUNDS, want, 10) == HOST_STOP_ROUNDS);

	/* --- in one go (the floor) --- */
	struct host_adapt once = {.min_reps = 10, .max_reps = 300, .target_ci = 0.02,
				  .max_time_ns = 1000000000ull};
	static double flat[N], noisy[N], tight[N], zeros[N];
	for (int i = 0; i < N; i++) {
		flat[i] = 1000;
		/* half at 1000, half at 2000: the median's CI never narrows */
		noisy[i] = i % 2 ? 1000 : 2000;
		/* 1% spread around 1000 */
		tight[i] = 995 + (i * 37 % 11);
	}
	CHECK(host_adapt_decide_once(&once, flat, 9, 1ull << 40) == HOST_STOP_NONE);
	CHECK(host_adapt_decide_once(&once, flat, 10, 0) == HOST_STOP_CI);
	CHECK(host_adapt_decide_once(&once, tight, 100, 0) == HOST_STOP_CI);
	CHECK(host_adapt_decide_once(&once, noisy, 100, 0) == HOST_STOP_NONE);
	CHECK(host_adapt_decide_once(&once, noisy, 300, 0) == HOST_STOP_REPS);
	CHECK(host_adapt_decide_once(&once, noisy, 100, 1000000000ull) == HOST_STOP_TIME);
	/* below 6 samples the interval is [min, max] and not a 95% one */
	once.min_reps = 1;
	CHECK(host_adapt_decide_once(&once, flat, 5, 0) == HOST_STOP_NONE);
	CHECK(host_adapt_decide_once(&once, flat, 6, 0) == HOST_STOP_CI);
	/* a zero median has no relative width: never converged, capped */
	CHECK(host_adapt_decide_once(&once, zeros, 300, 0) == HOST_STOP_REPS);
	return check_done();
}
