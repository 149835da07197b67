/* The sweep's configurations, and the default matrices parse. */
#include <stdlib.h>

#include "check.h"
#include "vm_matrix.h"
#include "vm_opts.h"

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

/* Every slice of a preset parses, resolved as vm_opts_parse resolves it. */
static int preset_parses(const struct vm_matrix_preset *p)
{
	int ok = p->n >= 1 && p->n <= VM_SLICES_MAX;
	struct vm_matrix_spec s = p->slices[0];
	for (size_t k = 0; k < p->n; k++) {
		if (k)
			s = vm_spec_apply(s, &p->slices[k]);
		ok &= parses(&s);
	}
	return ok;
}

int main(void)
{
	CHECK(preset_parses(&vm_matrix_default));
	CHECK(preset_parses(&vm_matrix_quick));

	int gp[] = {VM_GPAGE_4K, VM_GPAGE_2M}, pol[] = {VM_POLICY_COPY, VM_POLICY_SPLIT};
	int bk[] = {VM_BACKING_ANON4K}, pf[] = {0, 1}, fd[] = {1}; /* eager */
	uint64_t sizes[] = {256 * 1024, 4 * MIB};
	struct dirty_spec dirty[] = {{false, 16}, {true, 100}, {false, 1024}};
	struct vm_matrix_in in = {.dims = {[VM_DIM_GPAGE] = gp, [VM_DIM_POLICY] = pol,
					   [VM_DIM_BACKING] = bk, [VM_DIM_PREFAULT] = pf,
					   [VM_DIM_DESIGN] = fd},
				  .ndims = {[VM_DIM_GPAGE] = 2, [VM_DIM_POLICY] = 2,
					    [VM_DIM_BACKING] = 1, [VM_DIM_PREFAULT] = 2,
					    [VM_DIM_DESIGN] = 1},
				  .sizes = sizes, .nsizes = 2, .dirty = dirty, .ndirty = 3};
	struct vm_config *c;
	size_t n = vm_matrix_build(&in, &c);
	/* 4k: 1 policy x 2 prefault x (256K: 16, 64 | 4M: 16, 1024) = 8;
	 * 2m: 2 policies x 2 prefault x the same 4 = 16. 1024 pages = 100% of 4M. */
	CHECK_EQ_U64(n, 24);
	if (n != 24)
		return check_done();
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
		  "4k copy anon4k prefault=no fork=eager region=4M dirty=1024");
	free(c);

	/* Slices: the union, each configuration once, in order.  The second
	 * repeats 4k at 256K and adds 2m at 2M: 8 + 4 new (2 policies x 2
	 * prefaults at 2M, dirty 16 only). */
	uint64_t sizes2[] = {256 * 1024, 2 * MIB};
	struct vm_matrix_in two[2] = {in, in};
	two[1].sizes = sizes2;
	two[1].ndirty = 1;
	two[1].dims[VM_DIM_GPAGE] = gp + 1;
	two[1].ndims[VM_DIM_GPAGE] = 1;
	two[0].dims[VM_DIM_GPAGE] = gp;
	two[0].ndims[VM_DIM_GPAGE] = 1;
	n = vm_matrix_build_slices(two, 2, &c);
	/* slice 1: 4k, 2 prefaults x (256K: 16, 64 | 4M: 16, 1024) = 8;
	 * slice 2: 2m x 2 policies x 2 prefaults x (256K skipped, 2M) = 8, none shared */
	CHECK_EQ_U64(n, 16);
	two[1] = two[0];
	free(c);
	n = vm_matrix_build_slices(two, 2, &c);
	CHECK_EQ_U64(n, 8); /* the same slice twice: once */
	free(c);

	/* --and on the command line: a copy of the slice before, changed. */
	char *argv[] = {"vm", "--sizes", "256K", "--guest-pages", "4k", "--backing", "anon4k",
			"--prefault", "no", "--dirty", "16", "--and", "--sizes", "256K,2M",
			"--prefault", "yes", "--and", "--guest-pages", "2m", "--cow-policy", "split",
			"--primitives", "fork", NULL};
	struct vm_opts o = {0};
	struct vm_sweep w;
	vm_opts_parse(CB_ARRAY_SIZE(argv) - 1, argv, &o);
	CHECK_EQ_U64(o.nspecs, 3);
	vm_sweep_parse(&o, &w);
	n = vm_sweep_configs(&w, &c);
	/* 4k no 256K; 4k yes 256K, 2M; 2m split yes 256K (skipped), 2M */
	CHECK_EQ_U64(n, 5);
	CHECK_EQ_U64(w.nprims, 1); /* --primitives is run-wide, wherever it stands */
	CHECK(n == 5 && c[4].gpage == VM_GPAGE_2M && c[4].policy == VM_POLICY_SPLIT &&
	      c[4].prefault == 1 && c[4].region_bytes == 2 * MIB && !c[4].skip[0]);
	CHECK(n == 5 && c[3].skip[0]);
	free(c);
	vm_sweep_free(&w);
	/* a sweep option runs the preset's first slice only, changed */
	char *argv2[] = {"vm", "--sizes", "1M", NULL};
	vm_opts_parse(CB_ARRAY_SIZE(argv2) - 1, argv2, &o);
	CHECK_EQ_U64(o.nspecs, 1);
	CHECK_STR(o.specs[0].sizes, "1M");
	CHECK_STR(o.specs[0].dims[VM_DIM_DESIGN], CB_FORK_DESIGN_DEFAULT);
	/* the preset as it stands: every slice; --reps is run-wide */
	char *argv3[] = {"vm", "--reps", "2", NULL};
	vm_opts_parse(CB_ARRAY_SIZE(argv3) - 1, argv3, &o);
	CHECK_EQ_U64(o.nspecs, vm_matrix_default.n);
	CHECK(vm_matrix_default.n >= 2);
	CHECK_STR(o.reps, "2");
	CHECK_STR(o.specs[o.nspecs - 1].dims[VM_DIM_DESIGN], "full,eager,odf");
	return check_done();
}
