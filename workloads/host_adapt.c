#include "host_adapt.h"

#include "stats.h"

const char *const host_stop_names[HOST_STOP_COUNT] = {
	[HOST_STOP_NONE] = "none",
	[HOST_STOP_CI] = "ci",
	[HOST_STOP_ROUNDS] = "rounds",
	[HOST_STOP_REPS] = "reps",
	[HOST_STOP_TIME] = "time",
};

size_t host_adapt_block_min(const struct host_adapt *a)
{
	unsigned r = a->rounds ? a->rounds : 1;
	size_t k = (a->min_reps + r - 1) / r;
	return k ? k : 1;
}

bool host_adapt_block_more(const struct host_adapt *a, size_t block_n,
			   uint64_t block_elapsed_ns, size_t n, uint64_t elapsed_ns)
{
	if (n >= a->max_reps)
		return false;
	if (block_n < host_adapt_block_min(a))
		return true;
	return block_elapsed_ns < a->block_ns && elapsed_ns < a->max_time_ns;
}

bool host_adapt_block_more_writes(const struct host_adapt *a, uint64_t min_writes,
				  uint64_t block_writes, size_t n, uint64_t elapsed_ns)
{
	unsigned r = a->rounds ? a->rounds : 1;
	uint64_t want = (min_writes + r - 1) / r;
	return block_writes > 0 && block_writes < want && n < a->max_reps &&
	       elapsed_ns < a->max_time_ns;
}

enum host_stop host_adapt_decide_writes(enum host_stop stop, uint64_t min_writes,
					uint64_t writes)
{
	return stop == HOST_STOP_CI && writes < min_writes ? HOST_STOP_NONE : stop;
}

bool host_adapt_converged(const struct host_adapt *a, const double *x, const int *round,
			  size_t n)
{
	struct stats_rounds s;
	stats_rounds_summarize(x, round, n, &s);
	if (!s.ci_exact || !s.rounds_agree || s.median == 0)
		return false;
	return (s.ci_hi - s.ci_lo) / s.median <= a->target_ci;
}

enum host_stop host_adapt_decide(const struct host_adapt *a, const double *const *series,
				 size_t nseries, const int *round, size_t n, unsigned rounds_done,
				 uint64_t elapsed_ns)
{
	bool all = n >= a->min_reps;
	for (size_t i = 0; all && i < nseries; i++)
		all = host_adapt_converged(a, series[i], round, n);
	if (all)
		return HOST_STOP_CI;
	if (rounds_done >= a->rounds)
		return HOST_STOP_ROUNDS;
	if (n >= a->max_reps)
		return HOST_STOP_REPS;
	/* min_reps outranks the time cap: a slow configuration still gets
	 * the samples a comparison needs. */
	if (elapsed_ns >= a->max_time_ns && n >= a->min_reps)
		return HOST_STOP_TIME;
	return HOST_STOP_NONE;
}

enum host_stop host_adapt_decide_once(const struct host_adapt *a, const double *x, size_t n,
				      uint64_t elapsed_ns)
{
	if (n < a->min_reps)
		return HOST_STOP_NONE;
	struct stats_summary s;
	stats_summarize(x, n, &s);
	if (s.ci_exact && stats_ci_rel_width(&s) <= a->target_ci)
		return HOST_STOP_CI;
	if (n >= a->max_reps)
		return HOST_STOP_REPS;
	if (elapsed_ns >= a->max_time_ns)
		return HOST_STOP_TIME;
	return HOST_STOP_NONE;
}
