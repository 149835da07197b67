/* The parent's other threads (--threads N: N - 1 of them).  Each runs on a
 * CPU of its own, away from the measuring thread, and keeps reading the
 * region one byte per 4 KiB page, so this mm stays loaded on that CPU with
 * the region's translations in its TLB.  fork then cannot write-protect
 * the parent's pages with a local flush alone: it must shoot down the
 * other CPU's TLB, and so must every COW fault the parent takes while its
 * child lives (each replaces a PTE that CPU may cache).  Reading, not
 * writing: writes would take COW faults of their own while a child lives,
 * and the copies would be counted as the measured writer's.
 *
 * Each thread opens its own kernel counters (host_kev.h), so the TLB
 * flushes it takes are counted too. */
#ifndef COWBENCH_HOST_TOUCH_H
#define COWBENCH_HOST_TOUCH_H

#include <pthread.h>

#include "cb.h"
#include "host_kev.h"

struct host_touch_thread {
	pthread_t tid;
	int cpu;
	struct host_touch *owner;
	struct host_kev_thread kev;
	volatile uint64_t passes; /* pages read so far */
};

struct host_touch {
	struct host_touch_thread *t;
	size_t n;
	const volatile char *region;
	uint64_t bytes;
	volatile int stop;
	unsigned ready; /* threads running with their counters open (atomic) */
};

/* Starts n threads reading [region, region + bytes) (bytes may be 0: they
 * then spin, still holding the mm), pinned round-robin to cpus[0..ncpus).
 * Returns once every thread runs and has its counters open; -1 with e set
 * when a thread cannot be started or pinned (all are stopped). */
int host_touch_start(struct host_touch *t, size_t n, const volatile char *region, uint64_t bytes,
		     const int *cpus, size_t ncpus, cb_error *e);
/* Stops and joins them (a no-op for a touch that never started). */
void host_touch_stop(struct host_touch *t);

#endif
