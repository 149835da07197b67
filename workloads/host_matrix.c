#include "host_matrix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_pattern.h"
#include "host_prim.h"

struct pt_build {
	struct host_point pt;
	int mode_rank; /* order of its page mode's first appearance */
	struct host_config *cfg;
	size_t n, cap;
};

struct build {
	struct pt_build *p;
	size_t n, cap;
	int mode_rank[HOST_PAGE_COUNT];
	int nmodes;
	uint64_t max_threads;
	size_t threads_over;
};

const char *host_matrix_vmas_unfit(enum host_page_mode m, uint64_t bytes, uint64_t vmas,
				   char *why, size_t len)
{
	uint64_t unit = host_page_cow_unit(m) * 4096;
	if (vmas <= 1 || (bytes % vmas == 0 && (bytes / vmas) % unit == 0))
		return NULL;
	char a[32], b[32];
	snprintf(why, len, "%llu mappings do not split %s into whole %s pages",
		 (unsigned long long)vmas, format_size(bytes, a, sizeof(a)),
		 format_size(unit, b, sizeof(b)));
	return why;
}

static struct pt_build *point_of(struct build *b, enum host_page_mode mode, uint64_t bytes,
				 uint64_t vmas)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct host_point *q = &b->p[i].pt;
		/* no region, no page mode: every slice's size 0 is one point */
		if (q->bytes == bytes && (bytes == 0 || (q->mode == mode && q->vmas == vmas)))
			return &b->p[i];
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->p = cb_xrealloc(b->p, b->cap * sizeof(*b->p));
	}
	struct pt_build *p = &b->p[b->n++];
	memset(p, 0, sizeof(*p));
	p->pt.mode = mode;
	p->pt.bytes = bytes;
	p->pt.vmas = vmas;
	if (b->mode_rank[mode] < 0)
		b->mode_rank[mode] = b->nmodes++;
	p->mode_rank = b->mode_rank[mode];
	uint64_t page = mem_kinds[mode].page_bytes;
	char why[128];
	if (bytes % page) {
		char x[32], y[32];
		snprintf(p->pt.skip, sizeof(p->pt.skip), "%s is not a multiple of the %s page size (%s)",
			 format_size(bytes, x, sizeof(x)), host_page_names[mode],
			 format_size(page, y, sizeof(y)));
	} else if (host_matrix_vmas_unfit(mode, bytes, vmas, why, sizeof(why))) {
		snprintf(p->pt.skip, sizeof(p->pt.skip), "%s", why);
	}
	return p;
}

/* Everything but min_writes, which is not part of what is measured. */
static bool same(const struct host_config *a, const struct host_config *b)
{
	return a->prim == b->prim && a->dirty_pages == b->dirty_pages &&
	       !memcmp(a->dim, b->dim, sizeof(a->dim));
}

/* What a configuration is once the dimensions that do not apply to it
 * take their defaults. */
static void normalize(const struct host_point *pt, struct host_config *c)
{
	const struct host_prim *p = &host_prims[c->prim];
	if (p->execs)
		c->dirty_pages = 0;
	/* only fork's child shares the pages copy-on-write and stays to
	 * watch the parent write; vfork's parent waits, clone_vm's shares */
	if (p->execs || p->shares_vm)
		c->dim[HOST_DIM_WRITER] = HOST_WRITER_CHILD;
	uint64_t cap = host_pattern_capacity((enum host_pattern)c->dim[HOST_DIM_PATTERN], pt->bytes);
	if (c->dirty_pages > cap)
		c->dirty_pages = cap;
	if (c->dirty_pages == 0) {
		c->dim[HOST_DIM_WRITER] = HOST_WRITER_CHILD;
		c->dim[HOST_DIM_PATTERN] = HOST_PATTERN_DENSE;
	}
	c->dim[HOST_DIM_VMAS] = pt->vmas;
}

/* The bytes c's writes can make the kernel copy: whole huge pages where
 * it copies them. */
static uint64_t cow_bytes(const struct host_point *pt, const struct host_config *c)
{
	const struct host_prim *p = &host_prims[c->prim];
	if (p->execs || p->shares_vm || c->dirty_pages == 0)
		return 0;
	uint64_t unit = host_page_cow_unit(pt->mode);
	return host_pattern_blocks_max((enum host_pattern)c->dim[HOST_DIM_PATTERN], pt->bytes,
				       c->dirty_pages, unit) * unit * 4096;
}

static void add_config(struct build *b, struct pt_build *p, struct host_config c)
{
	normalize(&p->pt, &c);
	if (c.dim[HOST_DIM_THREADS] > b->max_threads) {
		b->threads_over++;
		return;
	}
	if (c.dirty_pages == 0 || host_prims[c.prim].execs)
		c.min_writes = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (same(&p->cfg[i], &c)) {
			if (c.min_writes > p->cfg[i].min_writes)
				p->cfg[i].min_writes = c.min_writes;
			return;
		}
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->cfg = cb_xrealloc(p->cfg, p->cap * sizeof(*p->cfg));
	}
	p->cfg[p->n++] = c;
	uint64_t copies = cow_bytes(&p->pt, &c);
	if (copies > p->pt.cow_bytes_max)
		p->pt.cow_bytes_max = copies;
}

/* Every combination of the dimensions from index d on, the ones before
 * fixed in c. */
static void add_dims(struct build *b, struct pt_build *p, const struct host_matrix_in *in,
		     struct host_config c, int d)
{
	if (d == HOST_DIM_COUNT) {
		add_config(b, p, c);
		return;
	}
	if (d == HOST_DIM_VMAS || !in->ndims[d]) {
		if (d != HOST_DIM_VMAS)
			c.dim[d] = host_dim_default((enum host_dim)d);
		add_dims(b, p, in, c, d + 1);
		return;
	}
	for (size_t i = 0; i < in->ndims[d]; i++) {
		c.dim[d] = in->dims[d][i];
		add_dims(b, p, in, c, d + 1);
	}
}

static void add_slice(struct build *b, const struct host_matrix_in *in)
{
	uint64_t one = 1;
	const uint64_t *vmas = in->ndims[HOST_DIM_VMAS] ? in->dims[HOST_DIM_VMAS] : &one;
	size_t nvmas = in->ndims[HOST_DIM_VMAS] ? in->ndims[HOST_DIM_VMAS] : 1;
	for (size_t pm = 0; pm < in->npages; pm++) {
		for (size_t s = 0; s < in->nsizes; s++) {
			for (size_t v = 0; v < nvmas; v++) {
				uint64_t bytes = in->sizes[s];
				/* no region, no mappings: one point, the first mode's */
				if (bytes == 0 && (pm != 0 || v != 0))
					continue;
				enum host_page_mode mode = (enum host_page_mode)in->pages[pm];
				struct pt_build *p = point_of(b, mode, bytes, bytes ? vmas[v] : 1);
				if (p->pt.skip[0])
					continue;
				uint64_t pages = bytes / 4096;
				for (size_t i = 0; i < in->nprims; i++) {
					bool execs = host_prims[in->prims[i]].execs;
					for (size_t k = 0; k < (execs ? 1 : in->ndirty); k++) {
						struct host_config c = {.prim = in->prims[i],
									.min_writes = in->min_writes};
						if (!execs)
							c.dirty_pages = dirty_pages(&in->dirty[k], pages);
						add_dims(b, p, in, c, 0);
					}
				}
			}
		}
	}
}

static int by_mode(const void *x, const void *y)
{
	const struct pt_build *a = x, *b = y;
	if (a->mode_rank != b->mode_rank)
		return a->mode_rank - b->mode_rank;
	/* first seen first: qsort is not stable, the index in the list is */
	return (a->pt.first > b->pt.first) - (a->pt.first < b->pt.first);
}

void host_matrix_build_slices(const struct host_matrix_in *in, size_t n, uint64_t max_threads,
			      struct host_matrix *out)
{
	memset(out, 0, sizeof(*out));
	struct build b = {.max_threads = max_threads};
	for (int k = 0; k < HOST_PAGE_COUNT; k++)
		b.mode_rank[k] = -1;
	for (size_t i = 0; i < n; i++)
		add_slice(&b, &in[i]);
	for (size_t i = 0; i < b.n; i++)
		b.p[i].pt.first = i; /* the order seen, for the sort */
	if (b.n)
		qsort(b.p, b.n, sizeof(*b.p), by_mode);
	out->points = cb_xcalloc(b.n ? b.n : 1, sizeof(*out->points));
	size_t total = 0;
	for (size_t i = 0; i < b.n; i++)
		total += b.p[i].n;
	out->configs = cb_xcalloc(total ? total : 1, sizeof(*out->configs));
	for (size_t i = 0; i < b.n; i++) {
		struct host_point *pt = &out->points[out->npoints++];
		*pt = b.p[i].pt;
		pt->first = out->nconfigs;
		pt->count = b.p[i].n;
		if (b.p[i].n) /* a point whose every configuration was dropped has no array */
			memcpy(out->configs + out->nconfigs, b.p[i].cfg,
			       b.p[i].n * sizeof(*out->configs));
		out->nconfigs += b.p[i].n;
		free(b.p[i].cfg);
	}
	out->threads_over = b.threads_over;
	free(b.p);
}

void host_matrix_build(const struct host_matrix_in *in, struct host_matrix *out)
{
	host_matrix_build_slices(in, 1, UINT64_MAX, out);
}

void host_matrix_free(struct host_matrix *m)
{
	free(m->points);
	free(m->configs);
	memset(m, 0, sizeof(*m));
}

uint64_t host_point_need(const struct host_point *pt)
{
	if (mem_kinds[pt->mode].pool_kib)
		return host_page_pool_pages(pt->mode, pt->bytes, pt->cow_bytes_max) *
		       mem_kinds[pt->mode].pool_kib * 1024;
	return pt->bytes + pt->cow_bytes_max + pt->bytes / 512;
}

const char *host_config_name(const struct host_point *pt, const struct host_config *c, char *buf,
			     size_t len)
{
	char sz[32];
	size_t at = (size_t)snprintf(buf, len, "%s %s %s dirty=%llu", host_prims[c->prim].name,
				     host_page_names[pt->mode], format_size(pt->bytes, sz, sizeof(sz)),
				     (unsigned long long)c->dirty_pages);
	for (int d = 0; d < HOST_DIM_COUNT && at < len; d++) {
		char v[32];
		host_dim_text((enum host_dim)d, c->dim[d], v, sizeof(v));
		if (strcmp(v, host_dim_defaults[d]))
			at += (size_t)snprintf(buf + at, len - at, " %s=%s", host_dim_columns[d], v);
	}
	return buf;
}
