/* The sweep's matrix: (page mode, size) points, each with the
 * (primitive, dirty pages) configurations measured on one populated
 * region.  Pure: tests build matrices without touching memory. */
#ifndef COWBENCH_HOST_MATRIX_H
#define COWBENCH_HOST_MATRIX_H

#include "cb.h"
#include "host_page.h"
#include "parse.h"

struct host_config {
	int prim;	      /* enum host_prim_id */
	uint64_t dirty_pages; /* resolved against the point's size */
};

struct host_point {
	enum host_page_mode mode;
	uint64_t bytes;
	size_t first, count;	 /* configs[first .. first+count) */
	uint64_t cow_dirty_max;	 /* most pages a fork child copies here */
	char skip[160];		 /* non-empty: cannot run, and why */
};

struct host_matrix {
	struct host_point *points;
	size_t npoints;
	struct host_config *configs;
	size_t nconfigs; /* of runnable points only */
};

struct host_matrix_in {
	const int *prims;
	size_t nprims;
	const uint64_t *sizes;
	size_t nsizes;
	const int *pages;
	size_t npages;
	const struct dirty_spec *dirty;
	size_t ndirty;
};

/* Points are ordered by page mode, then size, as given.  Size 0 maps no
 * region, so it is one point, under the first page mode.  Sizes that are
 * not a multiple of a mode's huge page become skipped points.  Exec'd
 * primitives get dirty 0 only; dirty specs resolving to the same page
 * count are measured once. */
void host_matrix_build(const struct host_matrix_in *in, struct host_matrix *out);
void host_matrix_free(struct host_matrix *m);

/* The most memory one point holds at once: its region, what fork
 * children copy (whole huge pages under hugetlb), and 4 KiB page tables;
 * for hugetlb, the pool pages. */
uint64_t host_point_need(const struct host_point *pt);

#endif
