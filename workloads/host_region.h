/* The populated regions of the sweep's (page mode, size) points: set up
 * for a visit, torn down after it or kept for the next one, and the
 * hugepage pools behind them.
 *
 * Populating a region again every round costs what the round measures
 * several times over when it is large (a 4 GiB THP region took 15 to 19 s
 * a round on the development VM: the guest's free-page reporting hands
 * the 2 MiB blocks THP wants back to the hypervisor, and each comes back
 * through a host fault), so after the second round the regions that were
 * slowest to set up stay populated for the rest of the sweep, as long as
 * they and the largest region not kept fit in 90% of the memory left
 * beside the pools.  Not after the first: the first touch of memory the
 * hypervisor has not backed yet makes every region slow once (a 4 GiB 4k
 * region took 17 s then and 2.7 s a round after, its THP twin 15-19 s
 * every round), so each region is judged by the faster of its first two
 * setups.  Between its visits such a region is MADV_DONTFORK: no
 * child sees it and fork copies none of its page tables, so it costs
 * another point's fork nothing, and host_regions_hidden_pte() says how
 * much of VmPTE it holds.  Hugetlb regions are mapped from their pool each
 * visit; the pools stay grown from the sweep's start to its end (every
 * round comes back, and growing a 1 GiB pool again took 8 to 17 s a round
 * here, the kernel compacting memory for contiguous gigabytes). */
#ifndef COWBENCH_HOST_REGION_H
#define COWBENCH_HOST_REGION_H

#include "anonmem.h"
#include "host_matrix.h"
#include "progress.h"

struct host_region {
	struct anon_mem mem;
	bool keep, mapped;
	double setup_s;	  /* its fastest setup so far, 0 before any */
	unsigned setups;
	double pte_bytes; /* its share of VmPTE */
};

struct host_regions {
	const struct host_matrix *m;
	uint64_t room; /* memory for regions beside the pools */
	struct host_region *r; /* one per point */
	struct anon_mem local; /* the region of a visit that is not kept */
	unsigned setup_rounds; /* rounds in which regions were set up */
	bool setups_now;       /* ... including the current one */
	bool chosen;
	double hidden_pte;
};

void host_regions_init(struct host_regions *h, const struct host_matrix *m, uint64_t room);
/* Grows every hugepage pool the matrix needs, biggest pages first, before
 * anything is populated (later, memory is more fragmented: a 4 GiB
 * hugetlb1g point once got 4 of its 5 pages mid-sweep).  What fails is
 * noted and tried again point by point. */
void host_regions_reserve_pools(struct host_regions *h, struct progress *prog);
/* The populated region of point p for a visit; -1 with e set when it
 * cannot be had (*fatal: because of the machine, not the point). */
int host_regions_get(struct host_regions *h, size_t p, struct anon_mem **mem, bool *fatal,
		     cb_error *e);
/* The visit is over: tears the region down or hides it until the next. */
void host_regions_put(struct host_regions *h, size_t p);
/* At the end of a round: after the second one that set regions up, picks
 * the ones to keep, slowest first (at least HOST_KEEP_MIN_S), while they
 * fit. */
void host_regions_choose(struct host_regions *h, struct progress *prog);
/* VmPTE of kept regions that are not being visited. */
double host_regions_hidden_pte(const struct host_regions *h);
/* Unmaps what is kept and puts the hugepage pools back. */
void host_regions_free(struct host_regions *h);

/* "4k 256M" */
const char *host_point_name(const struct host_point *pt, char *buf, size_t len);

#endif
