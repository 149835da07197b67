/* Anonymous memory of a chosen page kind, and what the kernel says about
 * it.  One table serves the host sweep's page modes (the parent's region)
 * and the VMM's guest RAM backings: both are "map N bytes of private
 * memory backed by 4 KiB pages, THP or hugetlb pages", and both must read
 * the backing they really got from /proc/self/smaps, never assume it. */
#ifndef COWBENCH_ANONMEM_H
#define COWBENCH_ANONMEM_H

#include "cb.h"

enum mem_kind {
	MEM_4K,		/* MADV_NOHUGEPAGE */
	MEM_THP,	/* MADV_HUGEPAGE, 2 MiB-aligned */
	MEM_HUGETLB2M,	/* MAP_HUGETLB | MAP_HUGE_2MB */
	MEM_HUGETLB1G,	/* MAP_HUGETLB | MAP_HUGE_1GB */
	MEM_KIND_COUNT
};

struct mem_kind_desc {
	uint64_t page_bytes;	/* sizes must be a multiple of this */
	uint64_t align;		/* the memory starts at a multiple of this */
	int mmap_flags;		/* added to MAP_PRIVATE | MAP_ANONYMOUS */
	int advice;		/* madvise() on the whole range; -1: none */
	unsigned long pool_kib; /* hugetlb pool page size; 0: no pool */
};

extern const struct mem_kind_desc mem_kinds[MEM_KIND_COUNT];

struct anon_mem {
	uint8_t *base;	   /* NULL when bytes == 0 */
	uint64_t bytes;
	void *map_base;	   /* the whole mapping, guard pages included */
	uint64_t map_bytes;
	enum mem_kind kind;
};

/* Maps `bytes` (a multiple of the kind's page) of kind k, not yet
 * populated; bytes == 0 maps nothing.  Non-hugetlb memory gets PROT_NONE
 * guards so it stays its own VMA and its smaps entry describes it alone.
 * Hugetlb pools are not reserved here (hugepool.h). */
int anon_mem_map(struct anon_mem *m, enum mem_kind k, uint64_t bytes, cb_error *e);
/* Makes every page resident (MADV_POPULATE_WRITE, or a write per page on
 * kernels before 5.14). */
int anon_mem_populate(const struct anon_mem *m, cb_error *e);
void anon_mem_unmap(struct anon_mem *m);

/* What /proc/self/smaps says about the VMAs overlapping a range. */
struct smaps_range {
	size_t vmas;		/* VMAs overlapping the range */
	uint64_t size_kib;	/* their Size: */
	uint64_t rss_kib;	/* their Rss: (hugetlb pages are not in it) */
	uint64_t anon_huge_kib; /* AnonHugePages: (THP) */
	uint64_t hugetlb_kib;	/* Private_Hugetlb: + Shared_Hugetlb: */
};

/* Sums the entries of every VMA overlapping [start, end) in smaps text.
 * Returns the number of such VMAs, or -1 when the text is not smaps. */
int smaps_parse(const char *text, uint64_t start, uint64_t end, struct smaps_range *out);
/* The same for this process; -1 when smaps is unreadable. */
int smaps_read(const void *base, uint64_t bytes, struct smaps_range *out);
/* Share of `bytes` backed by huge pages (THP or hugetlb), clamped to 1;
 * NaN when nothing was found or bytes == 0. */
double smaps_huge_fraction(const struct smaps_range *s, uint64_t bytes);
/* "Field:   1234 kB" in /proc/<pid>/status text. */
int status_kib(const char *text, const char *field, uint64_t *kib);

#endif
