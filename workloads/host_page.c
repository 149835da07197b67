#include "host_page.h"

#define KIB 1024ull

const char *const host_page_names[] = {
	"4k", "thp", "hugetlb2m", "hugetlb1g", NULL,
};

_Static_assert(CB_ARRAY_SIZE(host_page_names) == HOST_PAGE_COUNT + 1,
	       "host_page_names is incomplete");

uint64_t host_page_pool_pages(enum host_page_mode m, uint64_t bytes, uint64_t cow_bytes)
{
	const struct mem_kind_desc *d = &mem_kinds[m];
	if (!d->pool_kib)
		return 0;
	uint64_t page = (uint64_t)d->pool_kib * KIB;
	return (bytes + page - 1) / page + (cow_bytes + page - 1) / page;
}

uint64_t host_page_cow_unit(enum host_page_mode m)
{
	if (mem_kinds[m].pool_kib)
		return mem_kinds[m].pool_kib / 4;
	return m == HOST_PAGE_THP ? 512 : 1;
}
