/* Matrix building: points per (page mode, size), size 0 once, sizes a
 * huge page cannot back skipped with a reason, dirty specs resolved per
 * size and deduplicated, exec'd primitives at dirty 0 only. */
#include "check.h"
#include "host_matrix.h"
#include "host_prim.h"

#define MIB (1ull << 20)

static const struct host_config *cfg(const struct host_matrix *m, const struct host_point *p,
				     size_t i)
{
	return &m->configs[p->first + i];
}

int main(void)
{
	int prims[] = {HOST_PRIM_FORK, HOST_PRIM_VFORK, HOST_PRIM_POSIX_SPAWN};
	uint64_t sizes[] = {0, 1 * MIB, 4 * MIB};
	int pages[] = {HOST_PAGE_4K, HOST_PAGE_HUGETLB2M};
	struct dirty_spec dirty[4];
	cb_error e;
	CHECK(parse_dirty("0", &dirty[0], &e) == 0);
	CHECK(parse_dirty("1", &dirty[1], &e) == 0);
	CHECK(parse_dirty("100%", &dirty[2], &e) == 0);
	CHECK(parse_dirty("50%", &dirty[3], &e) == 0);
	struct host_matrix m;
	host_matrix_build(&(struct host_matrix_in){prims, 3, sizes, 3, pages, 2, dirty, 4}, &m);

	CHECK_EQ_U64(m.npoints, 5); /* 4k: 0, 1M, 4M; hugetlb2m: 1M (skipped), 4M */
	const struct host_point *p = m.points;
	CHECK(p[0].mode == HOST_PAGE_4K && p[0].bytes == 0);
	/* every dirty spec is 0 pages of nothing: one config per primitive */
	CHECK_EQ_U64(p[0].count, 3);
	CHECK_EQ_U64(p[0].cow_dirty_max, 0);
	CHECK(cfg(&m, &p[0], 0)->prim == HOST_PRIM_FORK);
	CHECK_EQ_U64(cfg(&m, &p[0], 0)->dirty_pages, 0);

	CHECK(p[1].mode == HOST_PAGE_4K && p[1].bytes == MIB);
	CHECK_EQ_U64(p[1].count, 4 + 4 + 1);
	uint64_t want[] = {0, 1, 256, 128};
	for (size_t i = 0; i < 4; i++) {
		CHECK(cfg(&m, &p[1], i)->prim == HOST_PRIM_FORK);
		CHECK_EQ_U64(cfg(&m, &p[1], i)->dirty_pages, want[i]);
		CHECK(cfg(&m, &p[1], 4 + i)->prim == HOST_PRIM_VFORK);
	}
	CHECK(cfg(&m, &p[1], 8)->prim == HOST_PRIM_POSIX_SPAWN);
	CHECK_EQ_U64(cfg(&m, &p[1], 8)->dirty_pages, 0);
	CHECK_EQ_U64(p[1].cow_dirty_max, 256);
	CHECK(p[1].skip[0] == '\0');

	CHECK(p[3].mode == HOST_PAGE_HUGETLB2M && p[3].bytes == MIB);
	CHECK(strstr(p[3].skip, "not a multiple") != NULL);
	CHECK_EQ_U64(p[3].count, 0);

	CHECK(p[4].mode == HOST_PAGE_HUGETLB2M && p[4].bytes == 4 * MIB);
	CHECK_EQ_U64(p[4].count, 9);
	CHECK_EQ_U64(p[4].cow_dirty_max, 1024);
	/* 2 pages of region + 2 for a child dirtying all of it */
	CHECK_EQ_U64(host_page_pool_pages(HOST_PAGE_HUGETLB2M, 4 * MIB, 1024), 4);
	CHECK_EQ_U64(host_page_pool_pages(HOST_PAGE_HUGETLB2M, 4 * MIB, 1), 3);
	CHECK_EQ_U64(host_page_pool_pages(HOST_PAGE_4K, 4 * MIB, 1024), 0);
	/* one dirtied byte makes hugetlb copy the whole page */
	CHECK_EQ_U64(host_page_touched_bytes(HOST_PAGE_HUGETLB2M, 4 * MIB, 1), 2 * MIB);
	CHECK_EQ_U64(host_page_touched_bytes(HOST_PAGE_4K, 4 * MIB, 3), 12288);
	CHECK_EQ_U64(host_page_touched_bytes(HOST_PAGE_HUGETLB1G, 1ull << 30, 512), 1ull << 30);
	CHECK_EQ_U64(m.nconfigs, 3 + 9 + 9 + 9);
	host_matrix_free(&m);

	/* size 0 rides with the first page mode, whichever it is */
	int thp_first[] = {HOST_PAGE_THP, HOST_PAGE_4K};
	uint64_t zero[] = {0};
	host_matrix_build(&(struct host_matrix_in){prims, 1, zero, 1, thp_first, 2, dirty, 1}, &m);
	CHECK_EQ_U64(m.npoints, 1);
	CHECK(m.points[0].mode == HOST_PAGE_THP);
	host_matrix_free(&m);
	return check_done();
}
