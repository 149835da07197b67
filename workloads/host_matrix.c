#include "host_matrix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_prim.h"

static void add_config(struct host_matrix *m, size_t *cap, int prim, uint64_t dirty)
{
	if (m->nconfigs == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		m->configs = cb_xrealloc(m->configs, *cap * sizeof(*m->configs));
	}
	m->configs[m->nconfigs++] = (struct host_config){prim, dirty};
}

static void build_point(const struct host_matrix_in *in, struct host_matrix *m, size_t *cap,
			struct host_point *pt)
{
	uint64_t page = mem_kinds[pt->mode].page_bytes;
	pt->first = m->nconfigs;
	if (pt->bytes % page) {
		char a[32], b[32];
		snprintf(pt->skip, sizeof(pt->skip), "%s is not a multiple of the %s page size (%s)",
			 format_size(pt->bytes, a, sizeof(a)), host_page_names[pt->mode],
			 format_size(page, b, sizeof(b)));
		return;
	}
	uint64_t pages = pt->bytes / 4096;
	for (size_t i = 0; i < in->nprims; i++) {
		const struct host_prim *p = &host_prims[in->prims[i]];
		size_t start = m->nconfigs;
		for (size_t k = 0; k < (p->execs ? 1 : in->ndirty); k++) {
			uint64_t dirty = p->execs ? 0 : dirty_pages(&in->dirty[k], pages);
			bool dup = false;
			for (size_t c = start; c < m->nconfigs; c++)
				dup |= m->configs[c].dirty_pages == dirty;
			if (dup)
				continue;
			add_config(m, cap, in->prims[i], dirty);
			if (!p->execs && !p->shares_vm && dirty > pt->cow_dirty_max)
				pt->cow_dirty_max = dirty;
		}
	}
	pt->count = m->nconfigs - pt->first;
}

void host_matrix_build(const struct host_matrix_in *in, struct host_matrix *out)
{
	memset(out, 0, sizeof(*out));
	size_t cap = 0;
	out->points = cb_xcalloc(in->npages * in->nsizes + 1, sizeof(*out->points));
	for (size_t pm = 0; pm < in->npages; pm++) {
		for (size_t s = 0; s < in->nsizes; s++) {
			if (in->sizes[s] == 0 && pm != 0)
				continue;
			struct host_point *pt = &out->points[out->npoints++];
			pt->mode = (enum host_page_mode)in->pages[pm];
			pt->bytes = in->sizes[s];
			build_point(in, out, &cap, pt);
		}
	}
}

void host_matrix_free(struct host_matrix *m)
{
	free(m->points);
	free(m->configs);
	memset(m, 0, sizeof(*m));
}

uint64_t host_point_need(const struct host_point *pt)
{
	unsigned long pool_kib = mem_kinds[pt->mode].pool_kib;
	if (pool_kib)
		return host_page_pool_pages(pt->mode, pt->bytes, pt->cow_dirty_max) * pool_kib * 1024;
	return pt->bytes + pt->cow_dirty_max * 4096 + pt->bytes / 512;
}
