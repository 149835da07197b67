/* smaps and status parsing against synthetic files: the huge fraction
 * comes from the region's own VMAs and nothing else. */
#include "check.h"
#include "host_smaps.h"

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

int main(void)
{
	struct host_vma_stats s;
	/* one THP VMA, half backed */
	CHECK(host_smaps_parse(smaps, 0x7f0000000000, 0x7f0000400000, &s) == 1);
	CHECK_EQ_U64(s.size_kib, 4096);
	CHECK_EQ_U64(s.anon_huge_kib, 2048);
	CHECK_NEAR(host_smaps_huge_fraction(&s, 4ull << 20), 0.5, 1e-12);
	/* a region spanning two VMAs sums both */
	CHECK(host_smaps_parse(smaps, 0x7f0000000000, 0x7f0000600000, &s) == 2);
	CHECK_EQ_U64(s.anon_huge_kib, 4096);
	CHECK_NEAR(host_smaps_huge_fraction(&s, 6ull << 20), 4.0 / 6.0, 1e-12);
	/* hugetlb counts through Private_Hugetlb, not AnonHugePages */
	CHECK(host_smaps_parse(smaps, 0x7f4000000000, 0x7f4080000000, &s) == 1);
	CHECK_EQ_U64(s.hugetlb_kib, 2097152);
	CHECK_NEAR(host_smaps_huge_fraction(&s, 2ull << 30), 1.0, 1e-12);
	/* ranges touching a VMA's end are not inside it */
	CHECK(host_smaps_parse(smaps, 0x55d0a0021000, 0x7f0000000000, &s) == 0);
	CHECK(isnan(host_smaps_huge_fraction(&s, 4096)));
	/* the file's own text VMA has no huge pages */
	CHECK(host_smaps_parse(smaps, 0x55d0a0000000, 0x55d0a0001000, &s) == 1);
	CHECK_NEAR(host_smaps_huge_fraction(&s, 4096), 0.0, 0);
	/* more huge memory than the region (a VMA larger than it) is clamped */
	CHECK(host_smaps_parse(smaps, 0x7f4000000000, 0x7f4000200000, &s) == 1);
	CHECK_NEAR(host_smaps_huge_fraction(&s, 2ull << 20), 1.0, 0);
	CHECK(isnan(host_smaps_huge_fraction(&s, 0)));
	/* not smaps at all */
	CHECK(host_smaps_parse("Size: 4 kB\nRss: 4 kB\n", 0, 1ull << 40, &s) == -1);
	CHECK(host_smaps_parse("", 0, 1, &s) == 0);

	uint64_t kib = 0;
	CHECK(host_status_kib(status, "VmPTE", &kib) == 0);
	CHECK_EQ_U64(kib, 2100);
	CHECK(host_status_kib(status, "VmSwap", &kib) == 0);
	CHECK_EQ_U64(kib, 0);
	CHECK(host_status_kib(status, "VmRSS", &kib) < 0);
	CHECK(host_status_kib(status, "Vm", &kib) < 0);

	/* and the live readers agree with themselves on this process */
	CHECK(host_pte_bytes() > 0);
	CHECK(isnan(host_huge_fraction(status, 0)));
	return check_done();
}
