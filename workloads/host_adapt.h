/* When to stop repeating a configuration.
 *
 * Samples are taken until the 95% confidence interval of the median of
 * every watched series is narrower than target_ci times the median, but
 * never fewer than min_reps, and no more than max_reps or max_time_ns of
 * sampling.  Pure: the tests drive it with synthetic samples. */
#ifndef COWBENCH_HOST_ADAPT_H
#define COWBENCH_HOST_ADAPT_H

#include "cb.h"

struct host_adapt {
	size_t min_reps, max_reps;
	double target_ci;     /* relative CI width, e.g. 0.02 */
	uint64_t max_time_ns; /* sampling time cap */
};

enum host_stop {
	HOST_STOP_NONE,	  /* keep sampling */
	HOST_STOP_CI,	  /* every watched CI within target */
	HOST_STOP_REPS,	  /* max_reps reached first */
	HOST_STOP_TIME,	  /* max_time_ns reached first */
	HOST_STOP_COUNT
};

extern const char *const host_stop_names[HOST_STOP_COUNT];

/* true when the median CI of x[0..n) is exact (n large enough for 95%
 * coverage) and within target. */
bool host_adapt_converged(const struct host_adapt *a, const double *x, size_t n);

/* series: nseries arrays of n samples each. */
enum host_stop host_adapt_decide(const struct host_adapt *a, const double *const *series,
				 size_t nseries, size_t n, uint64_t elapsed_ns);

#endif
