/* Matrix building: points per (page mode, size), size 0 once, sizes a
 * huge page cannot back skipped with a reason, dirty specs resolved per
 * size and deduplicated, exec'd primitives at dirty 0 only. */
#include "check.h"
#include "host_matrix.h"
#include "host_pattern.h"
#include "host_prim.h"

#define MIB (1ull << 20)

static const struct host_config *cfg(const struct host_matrix *m, const struct host_point *p,
				     size_t i);

/* The dimensions: only fork's child lives beside a writing parent, a
 * pattern needs writes, sparse writes are clamped to one per 2 MiB, the
 * random pattern's copies are bounded by the huge pages it can touch, and
 * mappings are points of their own. */
static void dims(void)
{
	int prims[] = {HOST_PRIM_FORK, HOST_PRIM_VFORK, HOST_PRIM_FORK_EXEC};
	uint64_t sizes[] = {64 * MIB};
	int pages[] = {HOST_PAGE_4K, HOST_PAGE_HUGETLB2M};
	struct dirty_spec dirty[2];
	cb_error e;
	CHECK(parse_dirty("0", &dirty[0], &e) == 0);
	CHECK(parse_dirty("100", &dirty[1], &e) == 0);
	uint64_t writers[] = {HOST_WRITER_CHILD, HOST_WRITER_PARENT};
	uint64_t patterns[] = {HOST_PATTERN_DENSE, HOST_PATTERN_SPARSE, HOST_PATTERN_RANDOM};
	uint64_t vmas[] = {1, 16, 3};
	struct host_matrix_in in = {.prims = prims, .nprims = 3, .sizes = sizes, .nsizes = 1,
				    .pages = pages, .npages = 2, .dirty = dirty, .ndirty = 2};
	in.dims[HOST_DIM_WRITER] = writers;
	in.ndims[HOST_DIM_WRITER] = 2;
	in.dims[HOST_DIM_PATTERN] = patterns;
	in.ndims[HOST_DIM_PATTERN] = 3;
	in.dims[HOST_DIM_VMAS] = vmas;
	in.ndims[HOST_DIM_VMAS] = 3;
	struct host_matrix m;
	host_matrix_build(&in, &m);
	/* 4k x {1, 16, 3 (skipped)}, hugetlb2m x {1, 16 (skipped: 4M each is
	 * fine, 2 pages), 3 (skipped)} */
	CHECK_EQ_U64(m.npoints, 6);
	const struct host_point *p = m.points;
	CHECK(p[0].mode == HOST_PAGE_4K && p[0].vmas == 1 && !p[0].skip[0]);
	CHECK(p[1].vmas == 16 && !p[1].skip[0]);
	CHECK(p[2].vmas == 3 && strstr(p[2].skip, "3 mappings do not split 64M") != NULL);
	CHECK(p[3].mode == HOST_PAGE_HUGETLB2M && p[4].vmas == 16 && !p[4].skip[0]);
	CHECK(p[5].skip[0] != '\0');
	/* fork: dirty 0 once (child, dense) + 100 pages x 2 writers x 3
	 * patterns, sparse clamped to 32; vfork: 1 + 3 (child only); fork_exec:
	 * dirty 0 once */
	CHECK_EQ_U64(p[0].count, 1 + 6 + 1 + 3 + 1);
	size_t parents = 0, sparse = 0;
	for (size_t i = 0; i < p[0].count; i++) {
		const struct host_config *c = cfg(&m, &p[0], i);
		CHECK(c->dim[HOST_DIM_VMAS] == 1);
		if (c->dim[HOST_DIM_WRITER] == HOST_WRITER_PARENT) {
			parents++;
			CHECK(c->prim == HOST_PRIM_FORK && c->dirty_pages > 0);
		}
		if (c->dim[HOST_DIM_PATTERN] == HOST_PATTERN_SPARSE) {
			sparse++;
			CHECK_EQ_U64(c->dirty_pages, 32);
		} else if (c->dirty_pages) {
			CHECK_EQ_U64(c->dirty_pages, 100);
		} else {
			CHECK(c->dim[HOST_DIM_PATTERN] == HOST_PATTERN_DENSE);
			CHECK(c->dim[HOST_DIM_WRITER] == HOST_WRITER_CHILD);
		}
	}
	CHECK_EQ_U64(parents, 3);
	CHECK_EQ_U64(sparse, 3); /* fork child, fork parent, vfork */
	CHECK(cfg(&m, &p[1], 0)->dim[HOST_DIM_VMAS] == 16);
	/* 4k: 100 pages copied at most; hugetlb2m: random 100 pages can touch
	 * all 32 huge pages, sparse 32 writes 32 of them */
	CHECK_EQ_U64(p[0].cow_bytes_max, 100 * 4096);
	CHECK_EQ_U64(p[3].cow_bytes_max, 64 * MIB);
	char why[128];
	CHECK(host_matrix_vmas_unfit(HOST_PAGE_THP, 64 * MIB, 64, why, sizeof(why)) != NULL);
	CHECK(host_matrix_vmas_unfit(HOST_PAGE_THP, 64 * MIB, 32, why, sizeof(why)) == NULL);
	CHECK(host_matrix_vmas_unfit(HOST_PAGE_4K, 64 * MIB, 16384, why, sizeof(why)) == NULL);
	CHECK(host_matrix_vmas_unfit(HOST_PAGE_4K, 64 * MIB, 32768, why, sizeof(why)) != NULL);
	char name[160];
	const struct host_config *last = cfg(&m, &p[0], 6);
	CHECK_STR(host_config_name(&p[0], last, name, sizeof(name)),
		  "fork 4k 64M dirty=100 writer=parent pattern=random");
	host_matrix_free(&m);
}

/* Slices: their union, each configuration once, the size-0 point shared,
 * page modes grouped in the order first given, threads above the limit
 * left out. */
static void slices(void)
{
	int fork[] = {HOST_PRIM_FORK}, p4k[] = {HOST_PAGE_4K}, pthp[] = {HOST_PAGE_THP, HOST_PAGE_4K};
	uint64_t s1[] = {0, 16 * MIB}, s2[] = {0, 32 * MIB, 16 * MIB};
	uint64_t threads[] = {1, 2, 3};
	struct dirty_spec d0;
	cb_error e;
	CHECK(parse_dirty("0", &d0, &e) == 0);
	struct host_matrix_in in[2] = {
		{.prims = fork, .nprims = 1, .sizes = s1, .nsizes = 2, .pages = p4k, .npages = 1,
		 .dirty = &d0, .ndirty = 1},
		{.prims = fork, .nprims = 1, .sizes = s2, .nsizes = 3, .pages = pthp, .npages = 2,
		 .dirty = &d0, .ndirty = 1},
	};
	in[1].dims[HOST_DIM_THREADS] = threads;
	in[1].ndims[HOST_DIM_THREADS] = 3;
	struct host_matrix m;
	host_matrix_build_slices(in, 2, 2, &m);
	/* 4k: 0, 16M, 32M; thp: 32M, 16M */
	CHECK_EQ_U64(m.npoints, 5);
	CHECK(m.points[0].mode == HOST_PAGE_4K && m.points[0].bytes == 0);
	CHECK(m.points[1].mode == HOST_PAGE_4K && m.points[1].bytes == 16 * MIB);
	CHECK(m.points[2].mode == HOST_PAGE_4K && m.points[2].bytes == 32 * MIB);
	CHECK(m.points[3].mode == HOST_PAGE_THP && m.points[3].bytes == 32 * MIB);
	CHECK(m.points[4].mode == HOST_PAGE_THP && m.points[4].bytes == 16 * MIB);
	/* size 0: threads 1 (both slices) and 2; 3 is over the limit */
	CHECK_EQ_U64(m.points[0].count, 2);
	CHECK_EQ_U64(m.points[1].count, 2);
	CHECK_EQ_U64(m.points[2].count, 2);
	CHECK(m.threads_over > 0);
	CHECK_EQ_U64(m.nconfigs, 10);
	host_matrix_free(&m);
}

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
	host_matrix_build(&(struct host_matrix_in){.prims = prims, .nprims = 3, .sizes = sizes,
						    .nsizes = 3, .pages = pages, .npages = 2,
						    .dirty = dirty, .ndirty = 4},
			  &m);

	CHECK_EQ_U64(m.npoints, 5); /* 4k: 0, 1M, 4M; hugetlb2m: 1M (skipped), 4M */
	const struct host_point *p = m.points;
	CHECK(p[0].mode == HOST_PAGE_4K && p[0].bytes == 0);
	/* every dirty spec is 0 pages of nothing: one config per primitive */
	CHECK_EQ_U64(p[0].count, 3);
	CHECK_EQ_U64(p[0].cow_bytes_max, 0);
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
	CHECK_EQ_U64(p[1].cow_bytes_max, 256 * 4096);
	/* every dimension at its default */
	for (size_t i = 0; i < p[1].count; i++) {
		CHECK(cfg(&m, &p[1], i)->dim[HOST_DIM_WRITER] == HOST_WRITER_CHILD);
		CHECK(cfg(&m, &p[1], i)->dim[HOST_DIM_PATTERN] == HOST_PATTERN_DENSE);
		CHECK(cfg(&m, &p[1], i)->dim[HOST_DIM_THREADS] == 1);
		CHECK(cfg(&m, &p[1], i)->dim[HOST_DIM_VMAS] == 1);
	}
	CHECK(p[1].skip[0] == '\0');

	CHECK(p[3].mode == HOST_PAGE_HUGETLB2M && p[3].bytes == MIB);
	CHECK(strstr(p[3].skip, "not a multiple") != NULL);
	CHECK_EQ_U64(p[3].count, 0);

	CHECK(p[4].mode == HOST_PAGE_HUGETLB2M && p[4].bytes == 4 * MIB);
	CHECK_EQ_U64(p[4].count, 9);
	CHECK_EQ_U64(p[4].cow_bytes_max, 4 * MIB); /* a child dirtying all of it */
	/* 2 pages of region + 2 for a child dirtying all of it */
	CHECK_EQ_U64(host_page_pool_pages(HOST_PAGE_HUGETLB2M, 4 * MIB, 4 * MIB), 4);
	CHECK_EQ_U64(host_page_pool_pages(HOST_PAGE_HUGETLB2M, 4 * MIB, 1), 3);
	CHECK_EQ_U64(host_page_pool_pages(HOST_PAGE_4K, 4 * MIB, 4 * MIB), 0);
	/* one dirtied byte makes hugetlb copy the whole page */
	CHECK_EQ_U64(host_page_cow_unit(HOST_PAGE_HUGETLB2M), 512);
	CHECK_EQ_U64(host_page_cow_unit(HOST_PAGE_HUGETLB1G), 262144);
	CHECK_EQ_U64(host_page_cow_unit(HOST_PAGE_THP), 512);
	CHECK_EQ_U64(host_page_cow_unit(HOST_PAGE_4K), 1);
	CHECK_EQ_U64(m.nconfigs, 3 + 9 + 9 + 9);
	host_matrix_free(&m);

	/* size 0 rides with the first page mode, whichever it is */
	int thp_first[] = {HOST_PAGE_THP, HOST_PAGE_4K};
	uint64_t zero[] = {0};
	host_matrix_build(&(struct host_matrix_in){.prims = prims, .nprims = 1, .sizes = zero,
						    .nsizes = 1, .pages = thp_first, .npages = 2,
						    .dirty = dirty, .ndirty = 1},
			  &m);
	CHECK_EQ_U64(m.npoints, 1);
	CHECK(m.points[0].mode == HOST_PAGE_THP);
	host_matrix_free(&m);
	dims();
	slices();
	return check_done();
}
