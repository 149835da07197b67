/* What the kernel says about the parent's region: huge-page backing from
 * /proc/self/smaps and page-table size from /proc/self/status.  The
 * parsers take text so tests can feed them synthetic files. */
#ifndef COWBENCH_HOST_SMAPS_H
#define COWBENCH_HOST_SMAPS_H

#include "cb.h"

struct host_vma_stats {
	size_t vmas;		/* VMAs overlapping the range */
	uint64_t size_kib;	/* their Size: */
	uint64_t rss_kib;	/* their Rss: */
	uint64_t anon_huge_kib; /* AnonHugePages: (THP) */
	uint64_t hugetlb_kib;	/* Private_Hugetlb: + Shared_Hugetlb: */
};

/* Sums the entries of every VMA overlapping [start, end).  Returns the
 * number of such VMAs, or -1 when the text is not smaps. */
int host_smaps_parse(const char *text, uint64_t start, uint64_t end, struct host_vma_stats *out);
/* Share of `bytes` backed by huge pages (THP or hugetlb), clamped to 1. */
double host_smaps_huge_fraction(const struct host_vma_stats *s, uint64_t bytes);
/* "Field:   1234 kB" in /proc/<pid>/status. */
int host_status_kib(const char *text, const char *field, uint64_t *kib);

/* Read from this process; NaN / -1 when unreadable or bytes == 0. */
double host_huge_fraction(const void *base, uint64_t bytes);
int64_t host_pte_bytes(void);

#endif
