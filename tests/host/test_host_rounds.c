/* The round scheduler: every configuration exactly once per round, a
 * point's configurations together, the order a pure function of (seed,
 * round), different seeds and rounds giving different orders, and every
 * position reachable (the shuffle is not a fixed permutation). */
#include "check.h"
#include "host_matrix.h"
#include "host_prim.h"
#include "host_rounds.h"

#define MIB (1ull << 20)

static bool same(const struct host_visit *a, const struct host_visit *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].config != b[i].config || a[i].point != b[i].point)
			return false;
	return true;
}

/* Every runnable configuration once; points contiguous and consistent. */
static void check_round(const struct host_matrix *m, const struct host_visit *o)
{
	static int seen[256];
	memset(seen, 0, sizeof(seen));
	bool point_done[64] = {false};
	for (size_t i = 0; i < m->nconfigs; i++) {
		CHECK(o[i].config < m->nconfigs);
		seen[o[i].config]++;
		const struct host_point *pt = &m->points[o[i].point];
		CHECK(o[i].config >= pt->first && o[i].config < pt->first + pt->count);
		CHECK(!pt->skip[0]);
		if (i == 0 || o[i].point != o[i - 1].point) {
			CHECK(!point_done[o[i].point]); /* a point is visited once */
			point_done[o[i].point] = true;
		}
	}
	for (size_t c = 0; c < m->nconfigs; c++)
		CHECK(seen[c] == 1);
}

int main(void)
{
	int prims[] = {HOST_PRIM_FORK, HOST_PRIM_VFORK, HOST_PRIM_CLONE_VM, HOST_PRIM_POSIX_SPAWN};
	uint64_t sizes[] = {0, 1 * MIB, 3 * MIB, 4 * MIB};
	int pages[] = {HOST_PAGE_4K, HOST_PAGE_HUGETLB2M};
	struct dirty_spec dirty[2];
	cb_error e;
	CHECK(parse_dirty("0", &dirty[0], &e) == 0);
	CHECK(parse_dirty("1", &dirty[1], &e) == 0);
	struct host_matrix m;
	host_matrix_build(&(struct host_matrix_in){.prims = prims, .nprims = 4, .sizes = sizes, .nsizes = 4,
						    .pages = pages, .npages = 2, .dirty = dirty, .ndirty = 2},
			  &m);
	/* 3M and 1M under hugetlb2m: 1M is not a multiple, 3M neither */
	CHECK(m.nconfigs > 20 && m.nconfigs < 256);
	size_t n = m.nconfigs;
	struct host_visit *a = cb_xcalloc(n, sizeof(*a)), *b = cb_xcalloc(n, sizeof(*b));

	/* reproducible: the same seed and round give the same order */
	for (unsigned r = 1; r <= 20; r++) {
		host_rounds_order(&m, 12345, r, a);
		check_round(&m, a);
		host_rounds_order(&m, 12345, r, b);
		CHECK(same(a, b, n));
	}
	/* different rounds and different seeds differ (n! orders: a
	 * collision among these few would be a broken mix, not luck) */
	host_rounds_order(&m, 12345, 1, a);
	for (unsigned r = 2; r <= 20; r++) {
		host_rounds_order(&m, 12345, r, b);
		CHECK(!same(a, b, n));
	}
	for (uint64_t s = 0; s < 20; s++) {
		host_rounds_order(&m, s, 1, b);
		check_round(&m, b);
		CHECK(!same(a, b, n));
	}
	host_rounds_order(&m, 0, 1, a);
	host_rounds_order(&m, 1, 1, b);
	CHECK(!same(a, b, n));

	/* every configuration comes first in its point, and every point comes
	 * first in its round, about equally often */
	size_t first_pt[64] = {0}, runnable = 0;
	for (size_t i = 0; i < m.npoints; i++)
		runnable += !m.points[i].skip[0];
	const unsigned rounds = 4000;
	for (unsigned r = 1; r <= rounds; r++) {
		host_rounds_order(&m, 7, r, a);
		first_pt[a[0].point]++;
	}
	for (size_t i = 0; i < m.npoints; i++) {
		if (m.points[i].skip[0]) {
			CHECK(first_pt[i] == 0);
			continue;
		}
		double expect = (double)rounds / (double)runnable;
		CHECK(fabs((double)first_pt[i] - expect) < 0.25 * expect);
	}
	const struct host_point *big = &m.points[1]; /* 4k 1M: 2+2+2+1 configs */
	CHECK_EQ_U64(big->count, 7);
	size_t first_cfg[16] = {0};
	for (unsigned r = 1; r <= rounds; r++) {
		host_rounds_order(&m, 99, r, a);
		for (size_t i = 0; i < n; i++) {
			if (a[i].point == 1) {
				first_cfg[a[i].config - big->first]++;
				break;
			}
		}
	}
	for (size_t c = 0; c < big->count; c++)
		CHECK(fabs((double)first_cfg[c] - rounds / 7.0) < 0.25 * rounds / 7.0);

	/* the fresh seed fits the recorded range */
	for (int i = 0; i < 100; i++)
		CHECK(host_rounds_fresh_seed() <= HOST_SEED_MAX);
	free(a);
	free(b);
	host_matrix_free(&m);
	return check_done();
}
