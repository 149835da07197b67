#include "vm_matrix.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* Guest ring 0 is slow on PVM hosts (a 4 KiB COW copy costs ~0.5 ms
 * there), so regions stay modest.  Tune here. */
const struct vm_matrix_spec vm_matrix_default = {
	.prims = "fork,vfork,clone_vm,spawn",
	.sizes = "256K,4M,64M",
	.guest_pages = "4k,2m",
	.cow_policy = "copy,split",
	.backing = "anon4k,thp,hugetlb2m",
	.prefault = "no,yes",
	.dirty = "16",
	.reps = 5,
};

const struct vm_matrix_spec vm_matrix_quick = {
	.prims = "fork,vfork,clone_vm,spawn",
	.sizes = "2M",
	.guest_pages = "4k,2m",
	.cow_policy = "copy,split",
	.backing = "anon4k,thp",
	.prefault = "no,yes",
	.dirty = "16",
	.reps = 10, /* compare needs at least 9 samples per side */
};

#define MIB (1024ull * 1024)

static void add(struct vm_config **v, size_t *n, size_t *cap, const struct vm_config *c)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = cb_xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = *c;
}

static void add_dirty(const struct vm_matrix_in *in, struct vm_config *c, struct vm_config **v,
		      size_t *n, size_t *cap)
{
	size_t first = *n;
	for (size_t d = 0; d < in->ndirty; d++) {
		c->dirty_pages = dirty_pages(&in->dirty[d], c->region_bytes / 4096);
		bool dup = false;
		for (size_t k = first; k < *n; k++)
			dup |= (*v)[k].dirty_pages == c->dirty_pages;
		if (!dup)
			add(v, n, cap, c);
	}
}

size_t vm_matrix_build(const struct vm_matrix_in *in, struct vm_config **out)
{
	struct vm_config *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t g = 0; g < in->ngpages; g++) {
		/* The policy only exists for 2 MiB pages. */
		size_t npol = in->gpages[g] == VM_GPAGE_2M ? in->npolicies : 1;
		for (size_t p = 0; p < npol; p++)
			for (size_t b = 0; b < in->nbackings; b++)
				for (size_t f = 0; f < in->nprefaults; f++)
					for (size_t s = 0; s < in->nsizes; s++) {
						struct vm_config c = {0};
						c.gpage = in->gpages[g];
						c.policy = c.gpage == VM_GPAGE_2M ? in->policies[p]
										  : VM_POLICY_COPY;
						c.backing = in->backings[b];
						c.prefault = in->prefaults[f] == 1;
						c.region_bytes = in->sizes[s];
						if (c.gpage == VM_GPAGE_2M && c.region_bytes % (2 * MIB))
							snprintf(c.skip, sizeof(c.skip),
								 "region of %" PRIu64 " bytes is not a "
								 "multiple of the 2 MiB guest page",
								 c.region_bytes);
						add_dirty(in, &c, &v, &n, &cap);
					}
	}
	*out = v;
	return n;
}

const char *vm_config_label(const struct vm_config *c, char *buf, size_t len)
{
	char sz[32];
	snprintf(buf, len, "%s %s %s prefault=%s region=%s dirty=%" PRIu64,
		 vm_gpage_names[c->gpage], vm_policy_names[c->policy],
		 vm_backing_names[c->backing], c->prefault ? "yes" : "no",
		 format_size(c->region_bytes, sz, sizeof(sz)), c->dirty_pages);
	return buf;
}
