#include "host_page.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)

const struct host_page_desc host_pages[HOST_PAGE_COUNT] = {
	[HOST_PAGE_4K] = {"4k", 4 * KIB, 4 * KIB, 0, MADV_NOHUGEPAGE, 0},
	/* THP only backs 2 MiB-aligned ranges with huge pages, so align. */
	[HOST_PAGE_THP] = {"thp", 4 * KIB, 2 * MIB, 0, MADV_HUGEPAGE, 0},
	[HOST_PAGE_HUGETLB2M] = {"hugetlb2m", 2 * MIB, 2 * MIB, MAP_HUGETLB | (21 << MAP_HUGE_SHIFT),
				 -1, 2048},
	[HOST_PAGE_HUGETLB1G] = {"hugetlb1g", GIB, GIB, MAP_HUGETLB | (30 << MAP_HUGE_SHIFT), -1,
				 1048576},
};

const char *const host_page_names[HOST_PAGE_COUNT + 1] = {
	"4k", "thp", "hugetlb2m", "hugetlb1g", NULL,
};

_Static_assert(CB_ARRAY_SIZE(host_pages) == HOST_PAGE_COUNT, "host_pages is incomplete");

uint64_t host_page_pool_pages(enum host_page_mode m, uint64_t bytes, uint64_t cow_dirty_pages)
{
	const struct host_page_desc *d = &host_pages[m];
	if (!d->pool_kib)
		return 0;
	uint64_t page = (uint64_t)d->pool_kib * KIB;
	uint64_t dirty_bytes = cow_dirty_pages * 4 * KIB;
	return (bytes + page - 1) / page + (dirty_bytes + page - 1) / page;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

uint64_t host_page_touched_bytes(enum host_page_mode m, uint64_t bytes, uint64_t dirty_pages)
{
	uint64_t t = dirty_pages * 4 * KIB;
	if (host_pages[m].pool_kib)
		t = align_up(t, host_pages[m].pool_kib * KIB);
	return t < bytes ? t : bytes;
}

/* Writes every page.  MADV_POPULATE_WRITE (Linux 5.14) does it in one call;
 * touching from user space takes one trapped fault per page, which under a
 * hypervisor is ten times slower. */
static int populate(char *base, uint64_t bytes, uint64_t step, cb_error *e)
{
	if (madvise(base, bytes, MADV_POPULATE_WRITE) == 0)
		return 0;
	if (errno != EINVAL) {
		cb_error_errno(e, "cannot populate %llu bytes", (unsigned long long)bytes);
		return -1;
	}
	for (uint64_t off = 0; off < bytes; off += step)
		((volatile char *)base)[off] = 1;
	return 0;
}

int host_region_map(struct host_region *r, enum host_page_mode m, uint64_t bytes, cb_error *e)
{
	const struct host_page_desc *d = &host_pages[m];
	memset(r, 0, sizeof(*r));
	r->mode = m;
	if (bytes == 0)
		return 0;
	if (d->pool_kib) {
		/* hugetlb VMAs never merge with their neighbours: map it as is. */
		r->map_bytes = bytes;
		r->map_base = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | d->mmap_flags, -1, 0);
		if (r->map_base == MAP_FAILED) {
			cb_error_errno(e, "cannot map %llu bytes of %s", (unsigned long long)bytes,
				       d->name);
			r->map_base = NULL;
			return -1;
		}
		r->base = r->map_base;
	} else {
		/* PROT_NONE guard pages on both sides keep the region its own VMA,
		 * so its smaps entry describes it and nothing else. */
		r->map_bytes = bytes + 2 * d->align + 2 * 4 * KIB;
		r->map_base = mmap(NULL, r->map_bytes, PROT_NONE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | d->mmap_flags, -1, 0);
		if (r->map_base == MAP_FAILED) {
			cb_error_errno(e, "cannot map %llu bytes", (unsigned long long)r->map_bytes);
			r->map_base = NULL;
			return -1;
		}
		r->base = (char *)align_up((uintptr_t)r->map_base + 4 * KIB, d->align);
		if (mprotect(r->base, bytes, PROT_READ | PROT_WRITE) < 0) {
			cb_error_errno(e, "cannot make %llu bytes writable", (unsigned long long)bytes);
			host_region_unmap(r);
			return -1;
		}
	}
	r->bytes = bytes;
	if (d->advice >= 0 && madvise(r->base, bytes, d->advice) < 0) {
		cb_error_errno(e, "madvise(%s)", d->name);
		host_region_unmap(r);
		return -1;
	}
	if (populate(r->base, bytes, d->pool_kib ? d->pool_kib * KIB : 4 * KIB, e) < 0) {
		host_region_unmap(r);
		return -1;
	}
	return 0;
}

void host_region_unmap(struct host_region *r)
{
	if (r->map_base)
		munmap(r->map_base, r->map_bytes);
	r->map_base = NULL;
	r->base = NULL;
	r->bytes = r->map_bytes = 0;
}
