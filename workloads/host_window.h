/* The timed writes: one store to each page of a list, each timed on its
 * own, the whole loop timed and its page faults counted.  The child runs
 * it (--writer child) or the parent does (--writer parent) while the other
 * process still maps the pages.
 *
 * The fault count must be the region's faults and nothing else, but after
 * a fork both processes fault on much more than the region: every stack,
 * heap or .bss page either one writes is COW-shared, and the child has no
 * PTEs at all for shared mappings (fork copies page tables only for VMAs
 * with anonymous pages) until it touches them.  So host_window_prepare()
 * touches everything the window touches once before it: the stack below
 * it, the latency buffer's pages (MAP_SHARED: never COW-shared, but not
 * mapped in a child yet) and errno's TLS page, and a warm pass of the same
 * code over a stack buffer maps the text and the vDSO.  What the window counts is then the
 * region's faults (getrusage(RUSAGE_THREAD): the parent's reading threads
 * fault too, elsewhere). */
#ifndef COWBENCH_HOST_WINDOW_H
#define COWBENCH_HOST_WINDOW_H

#include "cb.h"
#include "host_wtime.h"

struct host_writes {
	volatile char *region;
	const uint32_t *pages; /* 4 KiB page indices, in write order */
	uint64_t n;
	uint8_t value;	       /* what each store writes */
	const struct host_wtime *timer;
	uint32_t *lat;	       /* n timer ticks, one per store (MAP_SHARED) */
};

struct host_window_out {
	uint64_t ns;	 /* the loop, CLOCK_MONOTONIC_RAW */
	uint64_t faults; /* minor faults of this thread inside it */
};

/* parent: the parent's side, whose readings around the window need more
 * stack than a child's window. */
void host_window_prepare(const struct host_writes *w, bool parent);
void host_window_run(const struct host_writes *w, struct host_window_out *out);

#endif
