/* common/anonmem: the memory-kind table, mapping, populating, and smaps
 * and status parsing against synthetic files (the huge fraction comes
 * from the range's own VMAs and nothing else) and against this process. */
#include <sys/mman.h>

#include "anonmem.h"
#include "check.h"

#define MIB (1024ull * 1024)
#define GIB (1024 * MIB)

static const char smaps[] =
	"55d0a0000000-55d0a0021000 r--p 00000000 08:01 1234   /usr/bin/cowbench\n"
	"Size:                132 kB\n"
	"Rss:                 132 kB\n"
	"AnonHugePages:         0 kB\n"
	"VmFlags: rd mr mw me\n"
	"7f0000000000-7f0000400000 rw-p 00000000 00:00 0\n"
	"Size:               4096 kB\n"
	"Rss:                4096 kB\n"
	"AnonHugePages:      2048 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"THPeligible:    1\n"
	"VmFlags: rd wr mr mw me ac hg\n"
	"7f0000400000-7f0000600000 rw-p 00000000 00:00 0\n"
	"Size:               2048 kB\n"
	"Rss:                2048 kB\n"
	"AnonHugePages:      2048 kB\n"
	"VmFlags: rd wr mr mw me ac hg\n"
	"7f4000000000-7f4080000000 rw-p 00000000 00:0f 5678   /anon_hugepage (deleted)\n"
	"Size:            2097152 kB\n"
	"Rss:                   0 kB\n"
	"Private_Hugetlb: 2097152 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"VmFlags: rd wr mr mw me de ht\n";

static const char status[] = "Name:\tcowbench\nVmPTE:\t    2100 kB\nVmSwap:\t       0 kB\n"
			     "VmPTEx:\t 1 kB\n";

static void parsers(void)
{
	struct smaps_range s;
	/* one THP VMA, half backed */
	CHECK(smaps_parse(smaps, 0x7f0000000000, 0x7f0000400000, &s) == 1);
	CHECK_EQ_U64(s.size_kib, 4096);
	CHECK_EQ_U64(s.anon_huge_kib, 2048);
	CHECK_NEAR(smaps_huge_fraction(&s, 4ull << 20), 0.5, 1e-12);
	/* a region spanning two VMAs sums both */
	CHECK(smaps_parse(smaps, 0x7f0000000000, 0x7f0000600000, &s) == 2);
	CHECK_EQ_U64(s.anon_huge_kib, 4096);
	CHECK_NEAR(smaps_huge_fraction(&s, 6ull << 20), 4.0 / 6.0, 1e-12);
	/* hugetlb counts through Private_Hugetlb, not AnonHugePages */
	CHECK(smaps_parse(smaps, 0x7f4000000000, 0x7f4080000000, &s) == 1);
	CHECK_EQ_U64(s.hugetlb_kib, 2097152);
	CHECK_NEAR(smaps_huge_fraction(&s, 2ull << 30), 1.0, 1e-12);
	/* ranges touching a VMA's end are not inside it */
	CHECK(smaps_parse(smaps, 0x55d0a0021000, 0x7f0000000000, &s) == 0);
	CHECK(isnan(smaps_huge_fraction(&s, 4096)));
	/* the file's own text VMA has no huge pages */
	CHECK(smaps_parse(smaps, 0x55d0a0000000, 0x55d0a0001000, &s) == 1);
	CHECK_NEAR(smaps_huge_fraction(&s, 4096), 0.0, 0);
	/* more huge memory than the region (a VMA larger than it) is clamped */
	CHECK(smaps_parse(smaps, 0x7f4000000000, 0x7f4000200000, &s) == 1);
	CHECK_NEAR(smaps_huge_fraction(&s, 2ull << 20), 1.0, 0);
	CHECK(isnan(smaps_huge_fraction(&s, 0)));
	/* not smaps at all */
	CHECK(smaps_parse("Size: 4 kB\nRss: 4 kB\n", 0, 1ull << 40, &s) == -1);
	CHECK(smaps_parse("", 0, 1, &s) == 0);

	uint64_t kib = 0;
	CHECK(status_kib(status, "VmPTE", &kib) == 0);
	CHECK_EQ_U64(kib, 2100);
	CHECK(status_kib(status, "VmSwap", &kib) == 0);
	CHECK_EQ_U64(kib, 0);
	CHECK(status_kib(status, "VmRSS", &kib) < 0);
	CHECK(status_kib(status, "Vm", &kib) < 0);

}

static void table(void)
{
	for (int k = 0; k < MEM_KIND_COUNT; k++) {
		const struct mem_kind_desc *d = &mem_kinds[k];
		CHECK(d->page_bytes >= 4096 && d->align >= d->page_bytes);
		CHECK(d->advice != MADV_MERGEABLE); /* never KSM: see anonmem.c */
		CHECK(!!d->pool_kib == !!(d->mmap_flags & MAP_HUGETLB));
		if (d->pool_kib)
			CHECK_EQ_U64((uint64_t)d->pool_kib * 1024, d->page_bytes);
	}
	CHECK(mem_kinds[MEM_4K].advice == MADV_NOHUGEPAGE);
	CHECK(mem_kinds[MEM_THP].advice == MADV_HUGEPAGE);
	CHECK_EQ_U64(mem_kinds[MEM_THP].align, 2 * MIB);
	CHECK_EQ_U64(mem_kinds[MEM_HUGETLB1G].page_bytes, GIB);
}

static void live(void)
{
	struct anon_mem m;
	struct smaps_range s;
	cb_error e;
	/* mapped lazily: its own VMA, nothing resident */
	CHECK(anon_mem_map(&m, MEM_4K, 4 * MIB, &e) == 0);
	CHECK(smaps_read(m.base, m.bytes, &s) == 1);
	CHECK_EQ_U64(s.size_kib, 4096);
	CHECK_EQ_U64(s.rss_kib, 0);
	m.base[4096] = 1;
	CHECK(smaps_read(m.base, m.bytes, &s) == 1);
	CHECK_EQ_U64(s.rss_kib, 4);
	/* populated: every page resident, none huge */
	CHECK(anon_mem_populate(&m, &e) == 0);
	CHECK(smaps_read(m.base, m.bytes, &s) == 1);
	CHECK_EQ_U64(s.rss_kib, 4096);
	CHECK_NEAR(smaps_huge_fraction(&s, m.bytes), 0, 0);
	CHECK(m.base[0] == 0 && m.base[4 * MIB - 1] == 0);
	anon_mem_unmap(&m);
	CHECK(m.base == NULL);

	CHECK(anon_mem_map(&m, MEM_THP, 4 * MIB, &e) == 0);
	CHECK(((uintptr_t)m.base & (2 * MIB - 1)) == 0);
	anon_mem_unmap(&m);
	CHECK(anon_mem_map(&m, MEM_4K, 0, &e) == 0 && m.base == NULL); /* nothing to map */
	CHECK(anon_mem_map(&m, MEM_HUGETLB2M, 3 * MIB, &e) == -1);
	CHECK(strstr(e.msg, "multiple") != NULL);

	char *st = cb_read_text("/proc/self/status");
	uint64_t kib = 0;
	CHECK(st && status_kib(st, "VmPTE", &kib) == 0 && kib > 0);
	free(st);
}

int main(void)
{
	parsers();
	table();
	live();
	return check_done();
}
