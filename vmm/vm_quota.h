/* Quotas on everything a guest can make the host store or print in one
 * boot.  A guest is untrusted: without a bound, one looping RESULT
 * hypercall grows the VMM by megabytes a second and its CSVs by gigabytes
 * over a long --timeout.  The bounds come from the boot's own plan (reps x
 * primitives x phases), so a healthy guest never meets them and a runaway
 * one ends within seconds with "guest exceeded ...". */
#ifndef COWBENCH_VM_QUOTA_H
#define COWBENCH_VM_QUOTA_H

#include <stddef.h>
#include <stdint.h>

struct vm_quota {
	uint64_t phases;	/* PHASE_BEGIN hypercalls (each may make one vm.csv row) */
	uint64_t results;	/* RESULT hypercalls (vm-results.csv rows) */
	uint64_t console_bytes; /* guest console bytes taken in, and bytes printed */
	uint64_t stats_per_phase; /* 0: not known yet; set once the KVM stats are open */
};

/* What a boot has used so far. */
struct vm_quota_use {
	uint64_t phases, results, console_in, console_out, stat_rows;
};

/* Margins over the plan: the guest's own populate phase and a few spare
 * phases, a few run-wide results, and room for a few screens of
 * diagnostics before a guest reports a failure. */
#define VM_QUOTA_PHASE_MARGIN 16u
#define VM_QUOTA_RESULT_MARGIN 64u
#define VM_QUOTA_CONSOLE_BYTES (256u << 10)

/* The quota of a boot that runs reps samples of each of nprims primitives;
 * every sample opens at most one phase of each kind. */
struct vm_quota vm_quota_plan(uint64_t reps, uint64_t nprims);

/* The stat-row bound: phases x (statistics per phase). */
uint64_t vm_quota_stat_rows(const struct vm_quota *q);

/* 0 when u is within q; otherwise -1 with "guest exceeded ..." in why. */
int vm_quota_check(const struct vm_quota *q, const struct vm_quota_use *u, char *why,
		   size_t len);

#endif
