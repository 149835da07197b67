/* Grouping rows into configurations and matching them by key. */
#include <stdlib.h>

#include "check.h"
#include "group.h"
#include "host_prims.h"

static struct csv_table *parse(const char *text)
{
	cb_error e;
	struct csv_table *t = csv_parse(text, strlen(text), "test", &e);
	if (!t)
		fprintf(stderr, "parse: %s\n", e.msg);
	return t;
}

static void groups_and_order(void)
{
	/* Out of order on purpose: vfork before fork, 64M before 4096, thp
	 * before 4k; a duplicate key spelled "4096.0". */
	struct csv_table *t = parse("primitive,page_mode,mem_bytes,x\n"
				    "vfork,4k,4096,1\n"
				    "fork,thp,67108864,2\n"
				    "fork,4k,67108864,3\n"
				    "fork,4k,4096,4\n"
				    "fork,4k,4096.0,5\n"
				    "clone_vm,4k,4096,6\n"
				    "zeta,4k,4096,7\n");
	static const char *const keys[] = {"primitive", "page_mode", "mem_bytes", NULL};
	struct grouping gr;
	grouping_build(&gr, t, keys, NULL, NULL);
	CHECK_EQ_U64(gr.n, 6);
	/* documented order: fork, vfork, clone_vm; unknown names last */
	CHECK_STR(group_value(&gr, &gr.g[0], 0), "fork");
	CHECK_STR(group_value(&gr, &gr.g[0], 1), "4k");
	CHECK_STR(group_value(&gr, &gr.g[0], 2), "4096");
	CHECK_EQ_U64(gr.g[0].nrows, 2); /* 4096 and 4096.0 are one size */
	CHECK_STR(group_value(&gr, &gr.g[1], 2), "67108864");
	CHECK_STR(group_value(&gr, &gr.g[2], 1), "thp");
	CHECK_STR(group_value(&gr, &gr.g[3], 0), "vfork");
	CHECK_STR(group_value(&gr, &gr.g[4], 0), "clone_vm");
	CHECK_STR(group_value(&gr, &gr.g[5], 0), "zeta");
	/* the host primitives sort in their one list's order (host_prims.h),
	 * the guest-only names after them */
	static const char *const order[] = {HOST_PRIMS(HOST_PRIM_NAME) "spawn", "none"};
	for (size_t i = 0; i + 1 < CB_ARRAY_SIZE(order); i++)
		CHECK(group_cmp_values("primitive", order[i], order[i + 1]) < 0);
	double v[8];
	size_t n = group_column(&gr, &gr.g[0], "x", v);
	CHECK_EQ_U64(n, 2);
	CHECK(v[0] == 4 && v[1] == 5);
	CHECK_EQ_U64(group_column(&gr, &gr.g[0], "nope", v), 0);

	/* Matching: the key of a row of another table with the same values
	 * finds the group, whatever the number's spelling. */
	struct csv_table *u = parse("mem_bytes,page_mode,primitive\n4096.00,4k,fork\n");
	struct grouping gu;
	grouping_build(&gu, u, keys, NULL, NULL);
	CHECK(grouping_find(&gr, gu.g[0].key) == &gr.g[0]);
	char *k = grouping_row_key(&gr, 3);
	CHECK(grouping_find(&gr, k) == &gr.g[0]);
	free(k);
	CHECK(grouping_find(&gr, "fork") == NULL);
	grouping_free(&gu);
	csv_free(u);
	grouping_free(&gr);
	csv_free(t);
}

static bool only_dirty(const struct csv_table *t, size_t row, void *arg)
{
	return !strcmp(csv_get(t, row, csv_col(t, "phase")), arg);
}

static void filter_and_many(void)
{
	/* enough groups to grow the hash table several times */
	char *text = malloc(200000);
	size_t at = (size_t)sprintf(text, "sample,phase\n");
	for (int i = 0; i < 3000; i++)
		at += (size_t)sprintf(text + at, "%d,null\n%d,dirty\n", i % 1000, i % 1000);
	struct csv_table *t = parse(text);
	free(text);
	static const char *const keys[] = {"sample", "phase", NULL};
	struct grouping gr;
	grouping_build(&gr, t, keys, only_dirty, "dirty");
	CHECK_EQ_U64(gr.n, 1000);
	size_t total = 0;
	for (size_t i = 0; i < gr.n; i++) {
		total += gr.g[i].nrows;
		CHECK(grouping_find(&gr, gr.g[i].key) == &gr.g[i]);
	}
	CHECK_EQ_U64(total, 3000);
	/* numeric order, not text order: 2 before 10 */
	CHECK_STR(group_value(&gr, &gr.g[2], 0), "2");
	CHECK_STR(group_value(&gr, &gr.g[10], 0), "10");
	grouping_free(&gr);
	csv_free(t);
}

static void compare_values(void)
{
	CHECK(group_cmp_values("phase", "null", "dirty") < 0);
	CHECK(group_cmp_values("phase", "reuse", "reap") > 0);
	CHECK(group_cmp_values("page_mode", "4k", "hugetlb1g") < 0);
	CHECK(group_cmp_values("fork_design", "full", "eager") < 0);
	CHECK(group_cmp_values("fork_design", "odf", "eager") > 0);
	CHECK(group_cmp_values("mem_bytes", "9", "10") < 0);
	CHECK(group_cmp_values("other", "b", "a") > 0);
	char buf[64];
	CHECK_STR(group_norm_field("1e3", buf, sizeof(buf)), "1000");
	CHECK_STR(group_norm_field("0.5", buf, sizeof(buf)), "0.5");
	CHECK_STR(group_norm_field("fork", buf, sizeof(buf)), "fork");
}

int main(void)
{
	groups_and_order();
	filter_and_many();
	compare_values();
	return check_done();
}
