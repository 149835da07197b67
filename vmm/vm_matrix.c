#include "vm_matrix.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* Guest ring 0 is slow on PVM hosts (a 4 KiB COW copy costs ~0.5 ms
 * there), so regions stay modest.  Tune here. */
static const struct vm_matrix_spec default_slices[] = {
	{
		.prims = "fork,vfork,clone_vm,spawn",
		.sizes = "256K,4M,64M",
		.dirty = "16",
		.dims = {
			[VM_DIM_GPAGE] = "4k,2m",
			[VM_DIM_POLICY] = "copy,split",
			[VM_DIM_BACKING] = "anon4k,thp,hugetlb2m",
			[VM_DIM_PREFAULT] = "no,yes",
			[VM_DIM_DESIGN] = CB_FORK_DESIGN_DEFAULT,
		},
		.reps = 5,
	},
	/* The fork designs side by side, at one point of the sweep. */
	{
		.sizes = "4M",
		.dims = {
			[VM_DIM_GPAGE] = "4k",
			[VM_DIM_BACKING] = "anon4k",
			[VM_DIM_PREFAULT] = "yes",
			[VM_DIM_DESIGN] = "full,eager,odf",
		},
	},
};
const struct vm_matrix_preset vm_matrix_default = {default_slices, CB_ARRAY_SIZE(default_slices)};

static const struct vm_matrix_spec quick_slices[] = {
	{
		.prims = "fork,vfork,clone_vm,spawn",
		.sizes = "2M",
		.dirty = "16",
		.dims = {
			[VM_DIM_GPAGE] = "4k,2m",
			[VM_DIM_POLICY] = "copy,split",
			[VM_DIM_BACKING] = "anon4k,thp",
			[VM_DIM_PREFAULT] = "no,yes",
			[VM_DIM_DESIGN] = CB_FORK_DESIGN_DEFAULT,
		},
		.reps = 10, /* compare needs at least 9 samples per side */
	},
};
const struct vm_matrix_preset vm_matrix_quick = {quick_slices, CB_ARRAY_SIZE(quick_slices)};

struct vm_matrix_spec vm_spec_apply(struct vm_matrix_spec slice, const struct vm_matrix_spec *with)
{
#define TAKE(f) if (with->f) slice.f = with->f
	TAKE(prims);
	TAKE(sizes);
	TAKE(dirty);
	TAKE(reps);
	for (int d = 0; d < VM_DIM_COUNT; d++)
		TAKE(dims[d]);
#undef TAKE
	return slice;
}

#define MIB (1024ull * 1024)

struct cfg_list {
	struct vm_config *v;
	size_t n, cap;
};

static void add(struct cfg_list *l, const struct vm_config *c)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = cb_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *c;
}

static void add_sizes(const struct vm_matrix_in *in, struct vm_config *c, struct cfg_list *l)
{
	for (size_t s = 0; s < in->nsizes; s++) {
		c->region_bytes = in->sizes[s];
		c->skip[0] = '\0';
		if (c->gpage == VM_GPAGE_2M && c->region_bytes % (2 * MIB))
			snprintf(c->skip, sizeof(c->skip),
				 "region of %" PRIu64 " bytes is not a multiple of the 2 MiB guest page",
				 c->region_bytes);
		size_t first = l->n;
		for (size_t d = 0; d < in->ndirty; d++) {
			c->dirty_pages = dirty_pages(&in->dirty[d], c->region_bytes / 4096);
			bool dup = false;
			for (size_t k = first; k < l->n; k++)
				dup |= l->v[k].dirty_pages == c->dirty_pages;
			if (!dup)
				add(l, c);
		}
	}
}

/* Dimension d and the ones after it, for the values chosen before it. */
static void add_dims(const struct vm_matrix_in *in, int d, struct vm_config *c, struct cfg_list *l)
{
	if (d == VM_DIM_COUNT) {
		add_sizes(in, c, l);
		return;
	}
	if (!vm_dim_applies(c, (enum vm_dim)d)) {
		vm_dim_set(c, (enum vm_dim)d, vm_dims[d].otherwise);
		add_dims(in, d + 1, c, l);
		return;
	}
	for (size_t i = 0; i < in->ndims[d]; i++) {
		vm_dim_set(c, (enum vm_dim)d, in->dims[d][i]);
		add_dims(in, d + 1, c, l);
	}
}

size_t vm_matrix_build(const struct vm_matrix_in *in, struct vm_config **out)
{
	struct cfg_list l = {0};
	struct vm_config c = {0};
	add_dims(in, 0, &c, &l);
	*out = l.v;
	return l.n;
}

static bool same_config(const struct vm_config *a, const struct vm_config *b)
{
	for (int d = 0; d < VM_DIM_COUNT; d++)
		if (vm_dim_get(a, (enum vm_dim)d) != vm_dim_get(b, (enum vm_dim)d))
			return false;
	return a->region_bytes == b->region_bytes && a->dirty_pages == b->dirty_pages;
}

size_t vm_matrix_build_slices(const struct vm_matrix_in *in, size_t n, struct vm_config **out)
{
	struct cfg_list l = {0};
	for (size_t i = 0; i < n; i++) {
		struct vm_config *c;
		size_t nc = vm_matrix_build(&in[i], &c), before = l.n;
		/* a slice repeats no configuration of its own: only the earlier
		 * slices' are looked at */
		for (size_t k = 0; k < nc; k++) {
			bool dup = false;
			for (size_t j = 0; j < before && !dup; j++)
				dup = same_config(&l.v[j], &c[k]);
			if (!dup)
				add(&l, &c[k]);
		}
		free(c);
	}
	*out = l.v;
	return l.n;
}

const char *vm_config_label(const struct vm_config *c, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (int d = 0; d < VM_DIM_COUNT && at < len; d++) {
		const char *key = vm_dims[d].label;
		int w = snprintf(buf + at, len - at, "%s%s%s%s", d ? " " : "", key ? key : "",
				 key ? "=" : "", vm_dim_value(c, (enum vm_dim)d));
		at += w > 0 ? (size_t)w : 0;
	}
	char sz[32];
	if (at < len)
		snprintf(buf + at, len - at, " region=%s dirty=%" PRIu64,
			 format_size(c->region_bytes, sz, sizeof(sz)), c->dirty_pages);
	return buf;
}
