/* Guest RAM backings: names for common/anonmem.h's memory kinds, following
 * the KVM selftests' backing types (anonymous, anonymous_thp,
 * anonymous_hugetlb_2mb, _1gb), shortened; and guest RAM mapped with one. */
#ifndef COWBENCH_VM_BACKING_H
#define COWBENCH_VM_BACKING_H

#include "anonmem.h"
#include "cb.h"

/* The values are memory kinds: mem_kinds[backing] describes each. */
enum vm_backing {
	VM_BACKING_ANON4K = MEM_4K,
	VM_BACKING_THP = MEM_THP,
	VM_BACKING_HUGETLB2M = MEM_HUGETLB2M,
	VM_BACKING_HUGETLB1G = MEM_HUGETLB1G,
	VM_BACKING_COUNT = MEM_KIND_COUNT
};

/* NULL-terminated, for parse_name_list. */
extern const char *const vm_backing_names[];

/* Guest RAM as mapped for one boot: mem.base and mem.bytes are the
 * guest's RAM from gpa 0. */
struct vm_ram {
	struct anon_mem mem;
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
