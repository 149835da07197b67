/* What the writes cost in memory: the bytes copy-on-write gave the writer
 * while the other process still maps the originals.
 *
 * Counted, when PFNs are visible (root), from /proc/PID/pagemap of both
 * processes over the region alone: every 4 KiB of the region whose frame
 * differs between parent and child was copied.  That is exact whatever the
 * page mode (a THP or hugetlb page is reported per 4 KiB, so a whole 2 MiB
 * copy shows as 512 differing frames and a split-and-copy-4 KiB as one),
 * it sees nothing but the region (the processes' own stack and heap copies
 * between fork and the reading do not count), and its cost grows with the
 * region, not with everything else mapped (a kept 4 GiB region elsewhere
 * would make every /proc/PID/smaps_rollup walk its million PTEs).  Not
 * Pss_Anon from smaps_rollup, then, except as the fallback where PFNs read
 * as 0 (no CAP_SYS_ADMIN), and not a cgroup's memory.current: the machine
 * may have cgroup v1's memory controller only (this one does), and a
 * cgroup charge includes the page tables and kernel allocations.
 *
 * For hugetlb the pool's free-page count is read before and after the
 * writes too: each copied huge page takes one from the pool, an
 * independent count of the same copies (hugetlb pages are not in Pss). */
#ifndef COWBENCH_HOST_ACCOUNT_H
#define COWBENCH_HOST_ACCOUNT_H

#include <sys/types.h>

#include "cb.h"

enum host_copied_by { HOST_COPIED_PAGEMAP, HOST_COPIED_PSS };
extern const char *const host_copied_by_names[];

struct host_account {
	enum host_copied_by by;
	char why[160];	      /* why this method */
	uint64_t *a, *b;      /* pagemap chunks, MADV_DONTFORK */
	double pss_before;    /* KiB, the pair's Pss_Anon (fallback) */
	long pool_before;     /* free huge pages, -1 when not hugetlb */
	unsigned long pool_kib;
};

/* Picks the method (COWBENCH_COPIED_BY=pss|pagemap forces one, for the
 * tests that compare them).  -1 with e set when the buffers cannot be had. */
int host_account_init(struct host_account *a, cb_error *e);
void host_account_free(struct host_account *a);

/* Before the writes, with the child alive: pool_kib the region's hugetlb
 * page size (0: not hugetlb). */
void host_account_before(struct host_account *a, pid_t child, unsigned long pool_kib);
/* After the writes, the child still alive: the bytes copied (NaN when it
 * cannot be told), and for hugetlb the pool's count (else NaN). */
void host_account_after(struct host_account *a, pid_t child, const void *base, uint64_t bytes,
			double *copied, double *pool_copied);

/* Frames that differ between two pagemap entry arrays, among entries
 * present in both (bit 63) with a nonzero PFN (bits 0-54). */
uint64_t host_account_differ(const uint64_t *a, const uint64_t *b, size_t n);

#endif
