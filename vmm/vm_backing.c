#include "vm_backing.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MIB (1024ull * 1024)

const char *const vm_backing_names[] = {
	"anon4k", "thp", "hugetlb2m", "hugetlb1g", NULL,
};

_Static_assert(CB_ARRAY_SIZE(vm_backing_names) == VM_BACKING_COUNT + 1,
	       "vm_backing_names is incomplete");

uint64_t vm_backing_round(enum vm_backing b, uint64_t bytes)
{
	uint64_t page = mem_kinds[b].page_bytes;
	uint64_t unit = page > 2 * MIB ? page : 2 * MIB;
	bytes = bytes ? bytes : 1;
	return (bytes + unit - 1) / unit * unit;
}

int vm_ram_map(struct vm_ram *r, enum vm_backing b, uint64_t bytes, bool pre, cb_error *e)
{
	memset(r, 0, sizeof(*r));
	if (bytes == 0) {
		cb_error_set(e, "guest RAM of 0 bytes");
		return -1;
	}
	if (anon_mem_map(&r->mem, (enum mem_kind)b, bytes, e) < 0) {
		char why[sizeof(e->msg)];
		snprintf(why, sizeof(why), "%s", e->msg);
		cb_error_set(e, "guest RAM (%s): %s", vm_backing_names[b], why);
		return -1;
	}
	if (pre) {
		uint64_t t0 = cb_now_ns();
		if (anon_mem_populate(&r->mem, e) < 0) {
			vm_ram_unmap(r);
			return -1;
		}
		r->prefault_ns = cb_now_ns() - t0;
		if (r->prefault_ns == 0)
			r->prefault_ns = 1;
	}
	return 0;
}

void vm_ram_unmap(struct vm_ram *r)
{
	anon_mem_unmap(&r->mem);
}

int vm_ram_residency(const struct vm_ram *r, uint64_t *rss, uint64_t *huge)
{
	struct smaps_range s;
	if (smaps_read(r->mem.base, r->mem.bytes, &s) <= 0)
		return -1;
	/* hugetlb pages are not counted in Rss. */
	*rss = (s.rss_kib + s.hugetlb_kib) * 1024;
	*huge = (s.anon_huge_kib + s.hugetlb_kib) * 1024;
	return 0;
}
