/* Guest RAM backings: one table row per kind, consumed by generic map,
 * prefault and unmap code.  Names follow the KVM selftests' backing types
 * (anonymous, anonymous_thp, anonymous_hugetlb_2mb, _1gb), shortened. */
#ifndef COWBENCH_VM_BACKING_H
#define COWBENCH_VM_BACKING_H

#include "cb.h"

enum vm_backing {
	VM_BACKING_ANON4K,
	VM_BACKING_THP,
	VM_BACKING_HUGETLB2M,
	VM_BACKING_HUGETLB1G,
	VM_BACKING_COUNT
};

struct vm_backing_desc {
	const char *name;
	int mmap_flags;		/* added to MAP_PRIVATE | MAP_ANONYMOUS */
	int advice;		/* madvise() on the whole of RAM; -1: none */
	uint64_t page_bytes;	/* host page size: RAM is a multiple of it */
	uint64_t align;		/* RAM starts at a multiple of this */
	unsigned long pool_kib; /* hugetlb pool page size; 0: no pool */
};

extern const struct vm_backing_desc vm_backings[VM_BACKING_COUNT];
extern const char *const vm_backing_names[VM_BACKING_COUNT + 1];

/* Guest RAM as mapped for one boot. */
struct vm_ram {
	uint8_t *hva;
	uint64_t bytes;
	void *map_base; /* the whole mapping, guard pages included */
	uint64_t map_bytes;
	enum vm_backing backing;
	uint64_t prefault_ns; /* 0 when not prefaulted */
};

/* RAM rounded up to what the backing (and 2 MiB identity paging) needs. */
uint64_t vm_backing_round(enum vm_backing b, uint64_t bytes);

/* Maps RAM (bytes already rounded); with prefault, writes every page
 * before returning and times it.  Hugetlb pools are not reserved here
 * (see hugepool.h); a failure says why in e. */
int vm_ram_map(struct vm_ram *r, enum vm_backing b, uint64_t bytes, bool prefault, cb_error *e);
void vm_ram_unmap(struct vm_ram *r);

/* Resident and huge-page-backed bytes of the RAM mapping, read from
 * /proc/self/smaps (never assumed); -1 when unreadable. */
int vm_ram_residency(const struct vm_ram *r, uint64_t *rss, uint64_t *huge);

#endif
