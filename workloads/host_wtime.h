/* The clock around each first write: one write costs a COW fault (1 to
 * 100 us) or, warm, a few ns, so the clock's own cost must be small and
 * known.  Two candidates, both measured when the sweep starts:
 *
 * - the TSC read with rdtsc between lfences (the lfence before waits for
 *   the store, and the fault it raised, to complete; the one after keeps
 *   later loads from starting early), calibrated against
 *   CLOCK_MONOTONIC_RAW over 20 ms; only where the TSC is invariant
 *   (CPUID 0x80000007 EDX bit 8) and the kernel itself keeps time with it
 *   (clocksource "tsc"), else it could drift or differ between CPUs;
 * - clock_gettime(CLOCK_MONOTONIC_RAW), through the vDSO: the same TSC
 *   underneath when the clocksource is tsc, a system call (about 1 us
 *   under a hypervisor) when it is not.
 *
 * The TSC is used when it qualifies and costs no more than the clock;
 * host-run.json records both costs and the choice. */
#ifndef COWBENCH_HOST_WTIME_H
#define COWBENCH_HOST_WTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "cb.h"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

struct host_wtime {
	bool tsc;		 /* rdtsc, else the clock */
	double ns_per_tick;	 /* 1 for the clock */
	double tsc_overhead_ns;	 /* median empty interval; NaN when the TSC does not qualify */
	double clock_overhead_ns;
	char why[160];		 /* why this one */
};

void host_wtime_init(struct host_wtime *t);

static inline __attribute__((always_inline)) uint64_t host_wtime_now(const struct host_wtime *t)
{
#if defined(__x86_64__)
	if (t->tsc) {
		_mm_lfence();
		uint64_t v = __rdtsc();
		_mm_lfence();
		return v;
	}
#endif
	return cb_now_ns();
}

static inline double host_wtime_ns(const struct host_wtime *t, uint64_t ticks)
{
	return (double)ticks * t->ns_per_tick;
}

#endif
