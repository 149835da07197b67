/* Page modes of the parent's region: names for common/anonmem.h's memory
 * kinds, and what a point needs from the hugepage pool. */
#ifndef COWBENCH_HOST_PAGE_H
#define COWBENCH_HOST_PAGE_H

#include "anonmem.h"
#include "cb.h"

/* The values are common/anonmem.h's memory kinds: mem_kinds[mode] has
 * the page size, alignment, flags and pool of each. */
enum host_page_mode {
	HOST_PAGE_4K = MEM_4K,
	HOST_PAGE_THP = MEM_THP,
	HOST_PAGE_HUGETLB2M = MEM_HUGETLB2M,
	HOST_PAGE_HUGETLB1G = MEM_HUGETLB1G,
	HOST_PAGE_COUNT = MEM_KIND_COUNT
};

/* NULL-terminated, for parse_name_list.  Unsized here so that host_page.c
 * can assert its initializer names every mode. */
extern const char *const host_page_names[];

/* Huge pages of the pool the point needs: the region, plus cow_bytes of
 * copies on write (hugetlb COW copies whole pages). */
uint64_t host_page_pool_pages(enum host_page_mode m, uint64_t bytes, uint64_t cow_bytes);

/* The block a COW fault at mode m copies at most, in 4 KiB pages: the
 * pool page under hugetlb, 2 MiB under THP (kernels before 5.8 copied the
 * whole huge page; later ones split it and copy 4 KiB), else one page. */
uint64_t host_page_cow_unit(enum host_page_mode m);

#endif
