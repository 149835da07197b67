#include "vm_backing.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Never MADV_MERGEABLE: KSM would merge identical guest pages (all those
 * zero frames) into host-side COW pages, so the first guest write to one
 * would take a host COW fault: exactly the cost this project attributes to
 * the guest.  No row here may add it. */
const struct vm_backing_desc vm_backings[VM_BACKING_COUNT] = {
	[VM_BACKING_ANON4K] = {"anon4k", 0, MADV_NOHUGEPAGE, 4 * KIB, 4 * KIB, 0},
	/* THP only backs 2 MiB-aligned ranges with huge pages. */
	[VM_BACKING_THP] = {"thp", 0, MADV_HUGEPAGE, 4 * KIB, 2 * MIB, 0},
	[VM_BACKING_HUGETLB2M] = {"hugetlb2m", MAP_HUGETLB | (21 << MAP_HUGE_SHIFT), -1, 2 * MIB,
				  2 * MIB, 2048},
	[VM_BACKING_HUGETLB1G] = {"hugetlb1g", MAP_HUGETLB | (30 << MAP_HUGE_SHIFT), -1, GIB, GIB,
				  1048576},
};

const char *const vm_backing_names[VM_BACKING_COUNT + 1] = {
	"anon4k", "thp", "hugetlb2m", "hugetlb1g", NULL,
};

_Static_assert(CB_ARRAY_SIZE(vm_backings) == VM_BACKING_COUNT, "vm_backings is incomplete");
_Static_assert(CB_ARRAY_SIZE(vm_backing_names) == VM_BACKING_COUNT + 1,
	       "vm_backing_names is incomplete");

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

uint64_t vm_backing_round(enum vm_backing b, uint64_t bytes)
{
	uint64_t unit = vm_backings[b].page_bytes > 2 * MIB ? vm_backings[b].page_bytes : 2 * MIB;
	return round_up(bytes ? bytes : 1, unit);
}

/* MADV_POPULATE_WRITE (Linux 5.14) faults everything in with one call; a
 * user-space touch loop is the fallback. */
static int prefault(uint8_t *base, uint64_t bytes, uint64_t step, cb_error *e)
{
	if (madvise(base, bytes, MADV_POPULATE_WRITE) == 0)
		return 0;
	if (errno != EINVAL) {
		cb_error_errno(e, "cannot prefault %" PRIu64 " bytes of guest RAM", bytes);
		return -1;
	}
	for (uint64_t off = 0; off < bytes; off += step)
		((volatile uint8_t *)base)[off] = 0;
	return 0;
}

int vm_ram_map(struct vm_ram *r, enum vm_backing b, uint64_t bytes, bool pre, cb_error *e)
{
	const struct vm_backing_desc *d = &vm_backings[b];
	memset(r, 0, sizeof(*r));
	r->backing = b;
	if (bytes == 0 || bytes % d->page_bytes) {
		cb_error_set(e, "guest RAM of %" PRIu64 " bytes is not a multiple of the %s page",
			     bytes, d->name);
		return -1;
	}
	if (d->pool_kib) {
		/* hugetlb VMAs never merge with neighbours, and the kernel aligns
		 * them to their page size. */
		r->map_bytes = bytes;
		r->map_base = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | d->mmap_flags, -1, 0);
		if (r->map_base == MAP_FAILED) {
			r->map_base = NULL;
			cb_error_errno(e, "cannot map %" PRIu64 " bytes of %s", bytes, d->name);
			return -1;
		}
		r->hva = r->map_base;
	} else {
		/* PROT_NONE guards keep guest RAM its own VMA, so its smaps entry
		 * describes guest RAM and nothing else. */
		r->map_bytes = bytes + d->align + 2 * 4 * KIB;
		r->map_base = mmap(NULL, r->map_bytes, PROT_NONE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | d->mmap_flags, -1, 0);
		if (r->map_base == MAP_FAILED) {
			r->map_base = NULL;
			cb_error_errno(e, "cannot map %" PRIu64 " bytes", r->map_bytes);
			return -1;
		}
		r->hva = (uint8_t *)round_up((uintptr_t)r->map_base + 4 * KIB, d->align);
		if (mprotect(r->hva, bytes, PROT_READ | PROT_WRITE) < 0) {
			cb_error_errno(e, "cannot make %" PRIu64 " bytes of guest RAM writable", bytes);
			vm_ram_unmap(r);
			return -1;
		}
	}
	r->bytes = bytes;
	if (d->advice >= 0 && madvise(r->hva, bytes, d->advice) < 0) {
		cb_error_errno(e, "madvise(%s)", d->name);
		vm_ram_unmap(r);
		return -1;
	}
	if (pre) {
		uint64_t t0 = cb_now_ns();
		if (prefault(r->hva, bytes, d->page_bytes, e) < 0) {
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
	if (r->map_base)
		munmap(r->map_base, r->map_bytes);
	r->map_base = NULL;
	r->hva = NULL;
	r->bytes = r->map_bytes = 0;
}

int vm_ram_residency(const struct vm_ram *r, uint64_t *rss, uint64_t *huge)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	if (!f)
		return -1;
	uintptr_t lo = (uintptr_t)r->hva, hi = lo + r->bytes;
	bool in = false, found = false;
	uint64_t res = 0, hp = 0;
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		char c;
		if (sscanf(line, "%lx-%lx %c", &a, &b, &c) == 3 && strchr(line, '-') < strchr(line, ' ')) {
			in = a < hi && b > lo;
			found |= in;
			continue;
		}
		unsigned long long kb;
		if (!in)
			continue;
		if (sscanf(line, "Rss: %llu kB", &kb) == 1)
			res += kb * KIB;
		else if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
			hp += kb * KIB;
		else if (sscanf(line, "Private_Hugetlb: %llu kB", &kb) == 1 ||
			 sscanf(line, "Shared_Hugetlb: %llu kB", &kb) == 1) {
			/* hugetlb pages are not in Rss. */
			res += kb * KIB;
			hp += kb * KIB;
		}
	}
	fclose(f);
	if (!found)
		return -1;
	*rss = res;
	*huge = hp;
	return 0;
}
