#include "host_page.h"

#define KIB 1024ull

const char *const host_page_names[] = {
	"4k", "thp", "hugetlb2m", "hugetlb1g", NULL,
};

_Static_assert(CB_ARRAY_SIZE(host_page_names) == HOST_PAGE_COUNT + 1,
	       "host_page_names is incomplete");

uint64_t host_page_pool_pages(enum host_page_mode m, uint64_t bytes, uint64_t cow_dirty_pages)
{
	const struct mem_kind_desc *d = &mem_kinds[m];
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
	if (mem_kinds[m].pool_kib)
		t = align_up(t, mem_kinds[m].pool_kib * KIB);
	return t < bytes ? t : bytes;
}
