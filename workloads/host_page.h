/* Page modes of the parent's region: one table row per mode, consumed by
 * generic map/populate code.  The names are the ones users know from the
 * KVM selftests' backing types, shortened. */
#ifndef COWBENCH_HOST_PAGE_H
#define COWBENCH_HOST_PAGE_H

#include "cb.h"

enum host_page_mode {
	HOST_PAGE_4K,
	HOST_PAGE_THP,
	HOST_PAGE_HUGETLB2M,
	HOST_PAGE_HUGETLB1G,
	HOST_PAGE_COUNT
};

struct host_page_desc {
	const char *name;
	uint64_t granule;	/* a region size must be a multiple of this */
	uint64_t align;		/* the region starts at a multiple of this */
	int mmap_flags;		/* added to MAP_PRIVATE | MAP_ANONYMOUS */
	int advice;		/* madvise() before populating; -1: none */
	unsigned long pool_kib; /* hugetlb pool page size; 0: no pool */
};

extern const struct host_page_desc host_pages[HOST_PAGE_COUNT];
/* NULL-terminated, for parse_name_list. */
extern const char *const host_page_names[HOST_PAGE_COUNT + 1];

/* The parent's populated memory for one (size, page mode) point. */
struct host_region {
	char *base;	   /* NULL when bytes == 0 */
	uint64_t bytes;
	void *map_base;	   /* the whole mapping, guards included */
	uint64_t map_bytes;
	enum host_page_mode mode;
};

/* Huge pages of the pool the point needs: the region, plus what fork
 * children copy on write (hugetlb COW copies whole pages). */
uint64_t host_page_pool_pages(enum host_page_mode m, uint64_t bytes, uint64_t cow_dirty_pages);

/* Bytes of a region of `bytes` that writing the first `dirty_pages` 4 KiB
 * pages makes a COW fault copy: whole huge pages under hugetlb. */
uint64_t host_page_touched_bytes(enum host_page_mode m, uint64_t bytes, uint64_t dirty_pages);

/* Maps `bytes` in mode m and writes every page, so each page is resident
 * before the first sample.  On failure e says why, fit for a skip note. */
int host_region_map(struct host_region *r, enum host_page_mode m, uint64_t bytes, cb_error *e);
void host_region_unmap(struct host_region *r);

#endif
