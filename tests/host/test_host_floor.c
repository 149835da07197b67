/* Which floor a configuration is held against, with a synthetic floor:
 * page-table copy for fork's create, one page copy per COW fault, whole
 * huge pages when hugetlb faults say so, nothing for other primitives. */
#include "check.h"
#include "host_out.h"
#include "host_prim.h"

static void one(struct host_result *r, double pte, double faults, double cow)
{
	struct host_sample s = {.create_ns = 1000, .total_ns = 2000, .child_start_ns = 1500,
				.cow_ns = cow, .cow_faults = faults, .minflt = faults + 20};
	host_result_push(r, &s, 1, pte, 0, 0);
}

int main(void)
{
	struct host_floor f = {.measured = true};
	f.s[HOST_FLOOR_MEMCPY_BPS].median = 1e9; /* 1 byte per ns */
	f.s[HOST_FLOOR_COPY_4K].median = 400;
	f.s[HOST_FLOOR_COPY_2M].median = 200000;

	struct host_point pt = {.mode = HOST_PAGE_4K, .bytes = 1 << 30};
	struct host_config fork512 = {.prim = HOST_PRIM_FORK, .dirty_pages = 512};
	struct host_result r;
	host_result_init(&r, &pt, &fork512);
	one(&r, 2 << 20, 512, 1e6);
	CHECK_NEAR(host_out_floor_ns(&f, &r, HOST_M_CREATE), 2 << 20, 1e-6);
	CHECK_NEAR(host_out_floor_ns(&f, &r, HOST_M_COW), 512 * 400, 1e-6);
	CHECK_NEAR(host_out_floor_ns(&f, &r, HOST_M_COW_PER_PAGE), 400, 1e-9);
	CHECK(isnan(host_out_floor_ns(&f, &r, HOST_M_TOTAL)));
	CHECK(isnan(host_out_floor_ns(NULL, &r, HOST_M_CREATE)));
	host_result_free(&r);

	/* hugetlb2m: 512 pages, one fault: one 2 MiB copy */
	pt.mode = HOST_PAGE_HUGETLB2M;
	host_result_init(&r, &pt, &fork512);
	one(&r, 8192, 1, 3e5);
	CHECK_NEAR(host_out_floor_ns(&f, &r, HOST_M_COW), 200000, 1e-6);
	CHECK_NEAR(host_out_floor_ns(&f, &r, HOST_M_COW_PER_PAGE), 200000.0 / 512, 1e-9);
	host_result_free(&r);
	/* one dirtied page still copies the whole huge page */
	struct host_config fork1 = {.prim = HOST_PRIM_FORK, .dirty_pages = 1};
	host_result_init(&r, &pt, &fork1);
	one(&r, 8192, 1, 3e5);
	CHECK_NEAR(host_out_floor_ns(&f, &r, HOST_M_COW), 200000, 1e-6);
	host_result_free(&r);
	/* 1 GiB pages: 512 times a 2 MiB copy */
	pt.mode = HOST_PAGE_HUGETLB1G;
	host_result_init(&r, &pt, &fork1);
	one(&r, 8192, 1, 3e8);
	CHECK_NEAR(host_out_floor_ns(&f, &r, HOST_M_COW), 200000.0 * 512, 1e-3);
	host_result_free(&r);
	/* if hugetlb ever faulted per 4 KiB page, the 4 KiB floor applies */
	pt.mode = HOST_PAGE_HUGETLB2M;
	host_result_init(&r, &pt, &fork512);
	one(&r, 8192, 512, 3e5);
	CHECK_NEAR(host_out_floor_ns(&f, &r, HOST_M_COW), 512 * 400, 1e-6);
	host_result_free(&r);

	/* no floor for primitives that copy nothing, or without dirtying */
	struct host_config vfork512 = {.prim = HOST_PRIM_VFORK, .dirty_pages = 512}, fork0 = {.prim = HOST_PRIM_FORK};
	host_result_init(&r, &pt, &vfork512);
	one(&r, 8192, 0, 1e4);
	CHECK(isnan(host_out_floor_ns(&f, &r, HOST_M_CREATE)));
	CHECK(isnan(host_out_floor_ns(&f, &r, HOST_M_COW)));
	host_result_free(&r);
	host_result_init(&r, &pt, &fork0);
	one(&r, 8192, 0, 30);
	CHECK(isnan(host_out_floor_ns(&f, &r, HOST_M_COW)));
	CHECK(!isnan(host_out_floor_ns(&f, &r, HOST_M_CREATE)));
	host_result_free(&r);
	return check_done();
}
