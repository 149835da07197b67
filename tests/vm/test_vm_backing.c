/* Backing names and RAM rounding; RAM and timeout formulas; mapping small
 * RAM lazily and prefaulted (the memory kinds themselves are tested in
 * tests/common/test_anonmem.c). */
#include "check.h"
#include "vm_backing.h"
#include "vm_boot.h"
#include "vm_sizing.h"

#define MIB (1024ull * 1024)
#define GIB (1024 * MIB)

static void test_table(void)
{
	static const char *const want[] = {"anon4k", "thp", "hugetlb2m", "hugetlb1g"};
	for (int b = 0; b < VM_BACKING_COUNT; b++)
		CHECK_STR(vm_backing_names[b], want[b]);
	CHECK(vm_backing_names[VM_BACKING_COUNT] == NULL);
	CHECK_EQ_U64(mem_kinds[VM_BACKING_HUGETLB1G].page_bytes, GIB);

	/* RAM is a multiple of 2 MiB (boot page tables), of 1 GiB for hugetlb1g. */
	CHECK_EQ_U64(vm_backing_round(VM_BACKING_ANON4K, 1), 2 * MIB);
	CHECK_EQ_U64(vm_backing_round(VM_BACKING_ANON4K, 2 * MIB), 2 * MIB);
	CHECK_EQ_U64(vm_backing_round(VM_BACKING_THP, 2 * MIB + 1), 4 * MIB);
	CHECK_EQ_U64(vm_backing_round(VM_BACKING_HUGETLB2M, 65 * MIB), 66 * MIB);
	CHECK_EQ_U64(vm_backing_round(VM_BACKING_HUGETLB1G, 65 * MIB), GIB);
}

static void test_sizing(void)
{
	bool capped;
	/* 64 MiB + region * (2 + reps * prims), rounded up to 2 MiB */
	CHECK_EQ_U64(vm_ram_default(2 * MIB, 5, 4, 64 * GIB, &capped), 64 * MIB + 44 * MIB);
	CHECK(!capped);
	CHECK_EQ_U64(vm_ram_default(0, 5, 4, 64 * GIB, &capped), 64 * MIB);
	CHECK_EQ_U64(vm_ram_default(4096, 1, 1, 64 * GIB, &capped), 66 * MIB);
	CHECK_EQ_U64(vm_ram_default(1 * GIB, 100, 4, 8 * GIB, &capped), 8 * GIB);
	CHECK(capped);
	/* No overflow on absurd inputs: saturate, then cap. */
	CHECK_EQ_U64(vm_ram_default(UINT64_MAX, UINT64_MAX, 4, 8 * GIB, &capped), 8 * GIB);
	CHECK(capped);
	CHECK_EQ_U64(vm_ram_cap(24 * GIB), 12 * GIB);
	CHECK_EQ_U64(vm_ram_cap(1024 * GIB), VM_RAM_MAX);
	CHECK_EQ_U64(vm_ram_cap(0), 128 * MIB);
	CHECK(vm_timeout_default(0, 5, 4) == 60.0);
	CHECK(vm_timeout_default(64 * MIB, 5, 4) > vm_timeout_default(4 * MIB, 5, 4));
	CHECK(vm_timeout_default(4 * MIB, 10, 4) > vm_timeout_default(4 * MIB, 5, 4));
	/* The largest plan --sizes and --reps allow asks for ~1e13 s: clamped,
	 * and the watchdog's conversion saturates instead of wrapping. */
	CHECK(vm_timeout_default(16 * GIB, 1000000, 4) == VM_TIMEOUT_MAX_S);
	CHECK_EQ_U64(vm_seconds_to_ns(VM_TIMEOUT_MAX_S), 604800ull * 1000000000ull);
	CHECK_EQ_U64(vm_seconds_to_ns(1.5), 1500000000ull);
	CHECK_EQ_U64(vm_seconds_to_ns(1.9e10), UINT64_MAX);
	CHECK_EQ_U64(vm_seconds_to_ns(1e300), UINT64_MAX);
	CHECK_EQ_U64(vm_seconds_to_ns(-1), 0);
	CHECK_EQ_U64(vm_seconds_to_ns(NAN), 0);
}

static void test_map(void)
{
	struct vm_ram r;
	cb_error e;
	uint64_t rss = 1, huge = 1;
	CHECK(vm_ram_map(&r, VM_BACKING_ANON4K, 4 * MIB, false, &e) == 0);
	CHECK(r.prefault_ns == 0);
	CHECK(vm_ram_residency(&r, &rss, &huge) == 0);
	CHECK_EQ_U64(rss, 0); /* lazy: nothing touched yet */
	r.mem.base[4096] = 1;
	CHECK(vm_ram_residency(&r, &rss, &huge) == 0);
	CHECK_EQ_U64(rss, 4096);
	vm_ram_unmap(&r);

	CHECK(vm_ram_map(&r, VM_BACKING_ANON4K, 4 * MIB, true, &e) == 0);
	CHECK(r.prefault_ns > 0);
	CHECK(vm_ram_residency(&r, &rss, &huge) == 0);
	CHECK_EQ_U64(rss, 4 * MIB);
	CHECK_EQ_U64(huge, 0);
	CHECK(r.mem.base[0] == 0 && r.mem.base[4 * MIB - 1] == 0);
	vm_ram_unmap(&r);

	CHECK(vm_ram_map(&r, VM_BACKING_THP, 4 * MIB, false, &e) == 0);
	CHECK(((uintptr_t)r.mem.base & (2 * MIB - 1)) == 0);
	vm_ram_unmap(&r);

	CHECK(vm_ram_map(&r, VM_BACKING_ANON4K, 0, false, &e) == -1);
	CHECK(vm_ram_map(&r, VM_BACKING_HUGETLB2M, 3 * MIB, false, &e) == -1);
	CHECK(strstr(e.msg, "multiple") != NULL);
	CHECK(strstr(e.msg, "hugetlb2m") != NULL);
}

int main(void)
{
	test_table();
	test_sizing();
	test_map();
	return check_done();
}
