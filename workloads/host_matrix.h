/* The sweep's matrix: (page mode, size, mappings) points, each with the
 * (primitive, dirty pages, writer, pattern, threads) configurations
 * measured on one populated region.  Pure: tests build matrices without
 * touching memory. */
#ifndef COWBENCH_HOST_MATRIX_H
#define COWBENCH_HOST_MATRIX_H

#include "cb.h"
#include "host_dim.h"
#include "host_page.h"
#include "parse.h"

struct host_config {
	int prim;	      /* enum host_prim_id */
	uint64_t dirty_pages; /* resolved against the point's size and the pattern */
	/* writer, pattern, threads, vmas (the point's), by common/host_dims.h */
	uint64_t dim[HOST_DIM_COUNT];
	/* first writes to time at least (host_adapt.h), the most any slice
	 * that has this configuration asks for; 0 when it writes nothing */
	uint64_t min_writes;
};

struct host_point {
	enum host_page_mode mode;
	uint64_t bytes;
	uint64_t vmas;		 /* mappings the region is split into */
	size_t first, count;	 /* configs[first .. first+count) */
	uint64_t cow_bytes_max;	 /* most bytes a configuration's writes copy here */
	char skip[160];		 /* non-empty: cannot run, and why */
};

struct host_matrix {
	struct host_point *points;
	size_t npoints;
	struct host_config *configs;
	size_t nconfigs;      /* of runnable points only */
	size_t threads_over;  /* configurations left out: more threads than max_threads */
};

/* One cross product.  A dimension with no values (ndims 0) takes its
 * default only. */
struct host_matrix_in {
	const int *prims;
	size_t nprims;
	const uint64_t *sizes;
	size_t nsizes;
	const int *pages;
	size_t npages;
	const struct dirty_spec *dirty;
	size_t ndirty;
	const uint64_t *dims[HOST_DIM_COUNT];
	size_t ndims[HOST_DIM_COUNT];
	uint64_t min_writes; /* of every configuration that writes */
};

/* Points are ordered by page mode (in the order first given), then size
 * and mappings as first given.  Size 0 maps no region, so it is one point,
 * under the first page mode, with one mapping.  Sizes that are not a
 * multiple of a mode's huge page, or that the mappings do not divide into
 * whole pages, become skipped points.  A configuration takes what applies
 * to its primitive: exec'd primitives get dirty 0 only; only fork's child
 * lives beside a writing parent (others run with the child writing); a
 * pattern needs writes (dirty 0 is dense).  Dirty specs resolve against
 * the region and are clamped to the pattern's capacity; configurations
 * that resolve alike are measured once. */
void host_matrix_build(const struct host_matrix_in *in, struct host_matrix *out);
/* The union of n slices, in order, each configuration once; those with
 * more threads than max_threads are left out (counted in threads_over). */
void host_matrix_build_slices(const struct host_matrix_in *in, size_t n, uint64_t max_threads,
			      struct host_matrix *out);
void host_matrix_free(struct host_matrix *m);

/* Why the mappings cannot split a region of `bytes` at mode m, or NULL:
 * each must hold whole pages (whole 2 MiB pages under THP, so no mapping
 * boundary splits a huge page). */
const char *host_matrix_vmas_unfit(enum host_page_mode m, uint64_t bytes, uint64_t vmas,
				   char *why, size_t len);

/* The most memory one point holds at once: its region, what the writes
 * copy, and 4 KiB page tables; for hugetlb, the pool pages. */
uint64_t host_point_need(const struct host_point *pt);

/* "fork dirty=16 parent sparse threads=2": a configuration's name in
 * progress lines and as the random pattern's seed (with its point's). */
const char *host_config_name(const struct host_point *pt, const struct host_config *c, char *buf,
			     size_t len);

#endif
