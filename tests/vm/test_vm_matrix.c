/* The sweep's configurations, and the default matrices parse. */
#include <stdlib.h>

#include "check.h"
#include "vm_matrix.h"

#define MIB (1024ull * 1024)

static int parses(const struct vm_matrix_spec *s)
{
	cb_error e;
	int *idx;
	size_t n;
	uint64_t *sizes;
	struct dirty_spec *d;
	int ok = 1;
#define NAMES(str, tbl)                                                    \
	if (parse_name_list(str, tbl, "x", &idx, &n, &e) < 0) {            \
		fprintf(stderr, "%s: %s\n", str, e.msg);                   \
		ok = 0;                                                    \
	} else                                                             \
		free(idx)
	NAMES(s->prims, vm_prim_names);
	for (int dim = 0; dim < VM_DIM_COUNT; dim++)
		NAMES(s->dims[dim], vm_dims[dim].names);
#undef NAMES
	if (parse_size_list(s->sizes, &sizes, &n, &e) < 0)
		ok = 0;
	else
		free(sizes);
	if (parse_dirty_list(s->dirty, &d, &n, &e) < 0)
		ok = 0;
	else
		free(d);
	return ok && s->reps > 0;
}

int main(void)
{
	CHECK(parses(&vm_matrix_default));
	CHECK(parses(&vm_matrix_quick));

	int gp[] = {VM_GPAGE_4K, VM_GPAGE_2M}, pol[] = {VM_POLICY_COPY, VM_POLICY_SPLIT};
	int bk[] = {VM_BACKING_ANON4K}, pf[] = {0, 1};
	uint64_t sizes[] = {256 * 1024, 4 * MIB};
	struct dirty_spec dirty[] = {{false, 16}, {true, 100}, {false, 1024}};
	struct vm_matrix_in in = {.dims = {[VM_DIM_GPAGE] = gp, [VM_DIM_POLICY] = pol,
					   [VM_DIM_BACKING] = bk, [VM_DIM_PREFAULT] = pf},
				  .ndims = {[VM_DIM_GPAGE] = 2, [VM_DIM_POLICY] = 2,
					    [VM_DIM_BACKING] = 1, [VM_DIM_PREFAULT] = 2},
				  .sizes = sizes, .nsizes = 2, .dirty = dirty, .ndirty = 3};
	struct vm_config *c;
	size_t n = vm_matrix_build(&in, &c);
	/* 4k: 1 policy x 2 prefault x (256K: 16, 64 | 4M: 16, 1024) = 8;
	 * 2m: 2 policies x 2 prefault x the same 4 = 16. 1024 pages = 100% of 4M. */
	CHECK_EQ_U64(n, 24);
	size_t skipped = 0, split = 0, k4 = 0;
	for (size_t i = 0; i < n; i++) {
		skipped += c[i].skip[0] != 0;
		split += c[i].policy == VM_POLICY_SPLIT;
		if (c[i].gpage == VM_GPAGE_4K) {
			k4++;
			CHECK(c[i].policy == VM_POLICY_COPY);
		}
		CHECK(c[i].dirty_pages <= c[i].region_bytes / 4096);
		/* a 2m guest page needs a 2 MiB multiple */
		CHECK(!!c[i].skip[0] == (c[i].gpage == VM_GPAGE_2M && c[i].region_bytes % (2 * MIB)));
	}
	CHECK_EQ_U64(k4, 8);
	CHECK_EQ_U64(split, 8);
	CHECK_EQ_U64(skipped, 8);
	/* order: gpage, policy, backing, prefault, size, dirty */
	CHECK(c[0].gpage == VM_GPAGE_4K && !c[0].prefault && c[0].region_bytes == 256 * 1024 &&
	      c[0].dirty_pages == 16);
	CHECK_EQ_U64(c[1].dirty_pages, 64);
	CHECK_EQ_U64(c[2].region_bytes, 4 * MIB);
	CHECK_EQ_U64(c[3].dirty_pages, 1024);
	CHECK(c[4].prefault);
	char label[160];
	CHECK_STR(vm_config_label(&c[3], label, sizeof(label)),
		  "4k copy anon4k prefault=no region=4M dirty=1024");
	free(c);
	return check_done();
}
