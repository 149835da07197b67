/* How big a guest gets and how long it may run: pure formulas, so tests
 * and the documentation (results/README.md) agree. */
#ifndef COWBENCH_VM_SIZING_H
#define COWBENCH_VM_SIZING_H

#include "cb.h"

/* Default guest RAM:
 *   64 MiB (kernel, page tables, stacks) + region * (2 + reps * nprims)
 * rounded up to 2 MiB, then capped at `cap`.  The guest hands out
 * never-touched frames first, so with this much RAM every COW copy of
 * every rep lands on a fresh frame and lazily backed RAM takes its host
 * fault inside the phase that caused it.  *capped says the formula asked
 * for more than cap (frames will then be reused). */
uint64_t vm_ram_default(uint64_t region, uint64_t reps, uint64_t nprims, uint64_t cap,
			bool *capped);

/* The cap: half of the host's memory, at most the 64 GiB the boot page
 * tables can map. */
uint64_t vm_ram_cap(uint64_t host_mem_bytes);

/* Default watchdog per boot, in seconds: 60 s plus 2 ms per 4 KiB page of
 * the region for each pass over it (populate, then reps * nprims samples,
 * each of which may copy every page): a COW copy in emulated guest ring 0
 * costs about 0.5 ms on PVM hosts, so this is a generous bound for a
 * healthy guest and still stops a runaway one. */
double vm_timeout_default(uint64_t region, uint64_t reps, uint64_t nprims);

/* The longest watchdog: --timeout's own limit, and where the formula
 * above stops (it passes 2^64 ns near 1.8e10 s for huge plans). */
#define VM_TIMEOUT_MAX_S (7.0 * 86400)

/* Seconds to ns, saturating: NaN and negatives give 0, anything past
 * UINT64_MAX ns gives UINT64_MAX (a cast would be undefined there). */
uint64_t vm_seconds_to_ns(double s);

#endif
