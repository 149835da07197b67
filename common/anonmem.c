#include "anonmem.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
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

/* Never MADV_MERGEABLE: KSM would merge identical pages (all those zero
 * frames) into host-side COW pages, so a first write to one would take a
 * COW fault: exactly the cost this project measures and attributes. */
const struct mem_kind_desc mem_kinds[MEM_KIND_COUNT] = {
	[MEM_4K] = {4 * KIB, 4 * KIB, 0, MADV_NOHUGEPAGE, 0},
	/* THP only backs 2 MiB-aligned ranges with huge pages. */
	[MEM_THP] = {4 * KIB, 2 * MIB, 0, MADV_HUGEPAGE, 0},
	[MEM_HUGETLB2M] = {2 * MIB, 2 * MIB, MAP_HUGETLB | (21 << MAP_HUGE_SHIFT), -1, 2048},
	[MEM_HUGETLB1G] = {GIB, GIB, MAP_HUGETLB | (30 << MAP_HUGE_SHIFT), -1, 1048576},
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

int anon_mem_map(struct anon_mem *m, enum mem_kind k, uint64_t bytes, cb_error *e)
{
	const struct mem_kind_desc *d = &mem_kinds[k];
	memset(m, 0, sizeof(*m));
	m->kind = k;
	if (bytes == 0)
		return 0;
	if (bytes % d->page_bytes) {
		cb_error_set(e, "%" PRIu64 " bytes is not a multiple of the %" PRIu64 "-byte page",
			     bytes, d->page_bytes);
		return -1;
	}
	if (d->pool_kib) {
		/* hugetlb VMAs never merge with neighbours, and the kernel aligns
		 * them to their page size. */
		m->map_bytes = bytes;
		m->map_base = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | d->mmap_flags, -1, 0);
		if (m->map_base == MAP_FAILED) {
			m->map_base = NULL;
			cb_error_errno(e, "cannot map %" PRIu64 " bytes of %lu KiB huge pages", bytes,
				       d->pool_kib);
			return -1;
		}
		m->base = m->map_base;
	} else {
		m->map_bytes = bytes + 2 * d->align + 2 * 4 * KIB;
		m->map_base = mmap(NULL, m->map_bytes, PROT_NONE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | d->mmap_flags, -1, 0);
		if (m->map_base == MAP_FAILED) {
			m->map_base = NULL;
			cb_error_errno(e, "cannot map %" PRIu64 " bytes", m->map_bytes);
			return -1;
		}
		m->base = (uint8_t *)align_up((uintptr_t)m->map_base + 4 * KIB, d->align);
		if (mprotect(m->base, bytes, PROT_READ | PROT_WRITE) < 0) {
			cb_error_errno(e, "cannot make %" PRIu64 " bytes writable", bytes);
			anon_mem_unmap(m);
			return -1;
		}
	}
	m->bytes = bytes;
	if (d->advice >= 0 && madvise(m->base, bytes, d->advice) < 0) {
		cb_error_errno(e, "madvise(%s)", d->advice == MADV_HUGEPAGE ? "MADV_HUGEPAGE"
									    : "MADV_NOHUGEPAGE");
		anon_mem_unmap(m);
		return -1;
	}
	return 0;
}

int anon_mem_populate(const struct anon_mem *m, cb_error *e)
{
	if (m->bytes == 0 || madvise(m->base, m->bytes, MADV_POPULATE_WRITE) == 0)
		return 0;
	if (errno != EINVAL) {
		cb_error_errno(e, "cannot populate %" PRIu64 " bytes", m->bytes);
		return -1;
	}
	uint64_t step = mem_kinds[m->kind].page_bytes;
	for (uint64_t off = 0; off < m->bytes; off += step)
		((volatile uint8_t *)m->base)[off] = 0;
	return 0;
}

void anon_mem_unmap(struct anon_mem *m)
{
	if (m->map_base)
		munmap(m->map_base, m->map_bytes);
	m->map_base = NULL;
	m->base = NULL;
	m->bytes = m->map_bytes = 0;
}

/* A VMA header line: "start-end perms offset dev inode [path]". */
static int parse_header(const char *line, uint64_t *lo, uint64_t *hi)
{
	char perms[8];
	return sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", lo, hi, perms) == 3 ? 0 : -1;
}

static void add_field(const char *line, struct smaps_range *s)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{"Size:", offsetof(struct smaps_range, size_kib)},
		{"Rss:", offsetof(struct smaps_range, rss_kib)},
		{"AnonHugePages:", offsetof(struct smaps_range, anon_huge_kib)},
		{"Private_Hugetlb:", offsetof(struct smaps_range, hugetlb_kib)},
		{"Shared_Hugetlb:", offsetof(struct smaps_range, hugetlb_kib)},
	};
	for (size_t i = 0; i < CB_ARRAY_SIZE(fields); i++) {
		size_t n = strlen(fields[i].name);
		if (strncmp(line, fields[i].name, n) != 0)
			continue;
		uint64_t v;
		if (sscanf(line + n, " %" SCNu64 " kB", &v) == 1)
			*(uint64_t *)((char *)s + fields[i].off) += v;
		return;
	}
}

int smaps_parse(const char *text, uint64_t start, uint64_t end, struct smaps_range *out)
{
	memset(out, 0, sizeof(*out));
	bool in = false, any_header = false;
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		uint64_t lo, hi;
		/* Field lines start with a capital letter; headers with a hex digit. */
		if (!(*line >= 'A' && *line <= 'Z') && parse_header(line, &lo, &hi) == 0) {
			any_header = true;
			in = lo < end && hi > start;
			out->vmas += in;
		} else if (in) {
			add_field(line, out);
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!any_header && text && *text)
		return -1;
	return (int)out->vmas;
}

int smaps_read(const void *base, uint64_t bytes, struct smaps_range *out)
{
	void *data;
	size_t len;
	if (cb_read_file("/proc/self/smaps", &data, &len, NULL) < 0)
		return -1;
	uint64_t lo = (uintptr_t)base;
	int n = smaps_parse(data, lo, lo + bytes, out);
	free(data);
	return n;
}

double smaps_huge_fraction(const struct smaps_range *s, uint64_t bytes)
{
	if (bytes == 0 || s->vmas == 0)
		return NAN;
	double f = (double)(s->anon_huge_kib + s->hugetlb_kib) * 1024.0 / (double)bytes;
	return f > 1 ? 1 : f;
}

int status_kib(const char *text, const char *field, uint64_t *kib)
{
	size_t n = strlen(field);
	for (const char *line = text; line && *line;) {
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			return sscanf(line + n + 1, " %" SCNu64 " kB", kib) == 1 ? 0 : -1;
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return -1;
}
