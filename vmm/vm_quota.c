#include "vm_quota.h"

#include <inttypes.h>
#include <stdio.h>

#include "cb.h"
#include "cb_abi.h"

struct vm_quota vm_quota_plan(uint64_t reps, uint64_t nprims)
{
	uint64_t samples = cb_sat_mul(reps, nprims);
	return (struct vm_quota){
		.phases = cb_sat_add(cb_sat_mul(samples, CB_PHASE_COUNT), VM_QUOTA_PHASE_MARGIN),
		.results = cb_sat_add(samples, VM_QUOTA_RESULT_MARGIN),
		.console_bytes = VM_QUOTA_CONSOLE_BYTES,
	};
}

uint64_t vm_quota_stat_rows(const struct vm_quota *q)
{
	return q->stats_per_phase ? cb_sat_mul(q->phases, q->stats_per_phase) : UINT64_MAX;
}

int vm_quota_check(const struct vm_quota *q, const struct vm_quota_use *u, char *why,
		   size_t len)
{
	const struct {
		uint64_t used, max;
		const char *what;
	} limits[] = {
		{u->phases, q->phases, "phases (reps x primitives x phase kinds + margin)"},
		{u->results, q->results, "results (reps x primitives + margin)"},
		{u->console_in, q->console_bytes, "bytes of console output"},
		{u->console_out, q->console_bytes, "bytes printed for its console (--verbose)"},
		{u->stat_rows, vm_quota_stat_rows(q), "statistic rows (phases x statistics)"},
	};
	for (size_t i = 0; i < CB_ARRAY_SIZE(limits); i++) {
		if (limits[i].used <= limits[i].max)
			continue;
		snprintf(why, len, "guest exceeded its quota of %" PRIu64 " %s per boot",
			 limits[i].max, limits[i].what);
		return -1;
	}
	return 0;
}
