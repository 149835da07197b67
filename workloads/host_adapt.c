#include "host_adapt.h"

#include "stats.h"

const char *const host_stop_names[HOST_STOP_COUNT] = {
	[HOST_STOP_NONE] = "none",
	[HOST_STOP_CI] = "ci",
	[HOST_STOP_REPS] = "reps",
	[HOST_STOP_TIME] = "time",
};

bool host_adapt_converged(const struct host_adapt *a, const double *x, size_t n)
{
	struct stats_summary s;
	stats_summarize(x, n, &s);
	return s.ci_exact && stats_ci_rel_width(&s) <= a->target_ci;
}

enum host_stop host_adapt_decide(const struct host_adapt *a, const double *const *series,
				 size_t nseries, size_t n, uint64_t elapsed_ns)
{
	if (n < a->min_reps)
		return HOST_STOP_NONE;
	bool all = true;
	for (size_t i = 0; all && i < nseries; i++)
		all = host_adapt_converged(a, series[i], n);
	if (all)
		return HOST_STOP_CI;
	if (n >= a->max_reps)
		return HOST_STOP_REPS;
	if (elapsed_ns >= a->max_time_ns)
		return HOST_STOP_TIME;
	return HOST_STOP_NONE;
}
