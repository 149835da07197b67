#include "group.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cb.h"
#include "cb_fork_designs.h"
#include "host_prims.h"
#include "parse.h"

/* Documented orders, so tables read fork before vfork and 4k before thp
 * instead of alphabetically. */
static const struct {
	const char *col;
	const char *const *names;
} orders[] = {
	/* The host's primitives in their list order, then what only the
	 * guest tags phases with. */
	{"primitive", (const char *const[]){HOST_PRIMS(HOST_PRIM_NAME) "spawn", "none", NULL}},
	{"page_mode", (const char *const[]){"4k", "thp", "huge2m", "hugetlb2m", "hugetlb1g", NULL}},
	{"guest_page", (const char *const[]){"4k", "2m", NULL}},
	{"backing", (const char *const[]){"anon4k", "thp", "hugetlb2m", "hugetlb1g", NULL}},
	{"phase", (const char *const[]){"null", "populate", "create", "dirty", "reap", "reuse",
					NULL}},
	{"where", (const char *const[]){"host", "nested-kvm", "nested-tcg", NULL}},
	{"mmu", (const char *const[]){"ept", "npt", "shadow", "pvm-shadow", NULL}},
	{"prefault", (const char *const[]){"yes", "no", NULL}},
	{"cow_policy", (const char *const[]){"copy", "split", NULL}},
	{"fork_design", (const char *const[]){CB_FORK_DESIGNS(CB_FORK_DESIGN_NAME) NULL}},
};

static int known_rank(const char *col, const char *v)
{
	for (size_t i = 0; i < CB_ARRAY_SIZE(orders); i++) {
		if (strcmp(orders[i].col, col))
			continue;
		for (int k = 0; orders[i].names[k]; k++)
			if (!strcmp(orders[i].names[k], v))
				return k;
		return -1;
	}
	return -1;
}

static bool parse_num(const char *s, double *v)
{
	return parse_number_field(s, v) && isfinite(*v);
}

int group_cmp_values(const char *col, const char *a, const char *b)
{
	double x, y;
	if (parse_num(a, &x) && parse_num(b, &y))
		return (x > y) - (x < y);
	int ra = known_rank(col, a), rb = known_rank(col, b);
	if (ra >= 0 && rb >= 0)
		return ra - rb;
	if (ra >= 0 || rb >= 0)
		return ra >= 0 ? -1 : 1; /* known names first */
	return strcmp(a, b);
}

const char *group_norm_field(const char *s, char *buf, size_t len)
{
	double v;
	if (parse_num(s, &v)) {
		if (v == floor(v) && fabs(v) < 1e15)
			snprintf(buf, len, "%.0f", v);
		else
			snprintf(buf, len, "%.17g", v);
		return buf;
	}
	snprintf(buf, len, "%s", s);
	return buf;
}

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void rehash(struct grouping *gr)
{
	free(gr->slots);
	gr->nslots = gr->nslots ? gr->nslots * 2 : 64;
	gr->slots = cb_xcalloc(gr->nslots, sizeof(*gr->slots));
	for (size_t i = 0; i < gr->n; i++) {
		size_t s = hash_str(gr->g[i].key) & (gr->nslots - 1);
		while (gr->slots[s])
			s = (s + 1) & (gr->nslots - 1);
		gr->slots[s] = i + 1;
	}
}

const struct group *grouping_find(const struct grouping *gr, const char *key)
{
	if (!gr->nslots)
		return NULL;
	for (size_t s = hash_str(key) & (gr->nslots - 1); gr->slots[s];
	     s = (s + 1) & (gr->nslots - 1))
		if (!strcmp(gr->g[gr->slots[s] - 1].key, key))
			return &gr->g[gr->slots[s] - 1];
	return NULL;
}

char *grouping_row_key(const struct grouping *gr, size_t row)
{
	size_t cap = 64, len = 0;
	char *key = cb_xmalloc(cap);
	key[0] = '\0';
	for (size_t k = 0; k < gr->nkeys; k++) {
		char buf[64];
		const char *v = group_norm_field(csv_get(gr->t, row, gr->cols[k]), buf, sizeof(buf));
		size_t vl = strlen(v);
		if (len + vl + 2 > cap) {
			cap = (len + vl + 2) * 2;
			key = cb_xrealloc(key, cap);
		}
		if (k)
			key[len++] = GROUP_SEP;
		memcpy(key + len, v, vl + 1);
		len += vl;
	}
	return key;
}

static const struct grouping *sort_ctx;

static int cmp_groups(const void *pa, const void *pb)
{
	const struct group *a = pa, *b = pb;
	for (size_t k = 0; k < sort_ctx->nkeys; k++) {
		int c = group_cmp_values(sort_ctx->keys[k], group_value(sort_ctx, a, k),
					 group_value(sort_ctx, b, k));
		if (c)
			return c;
	}
	return 0;
}

void grouping_build(struct grouping *gr, const struct csv_table *t, const char *const *keys,
		    group_filter filter, void *arg)
{
	memset(gr, 0, sizeof(*gr));
	gr->t = t;
	gr->keys = keys;
	while (keys[gr->nkeys] && gr->nkeys < GROUP_MAX_KEYS) {
		gr->cols[gr->nkeys] = csv_col(t, keys[gr->nkeys]);
		gr->nkeys++;
	}
	rehash(gr);
	for (size_t r = 0; r < t->nrows; r++) {
		if (filter && !filter(t, r, arg))
			continue;
		char *key = grouping_row_key(gr, r);
		struct group *g = (struct group *)grouping_find(gr, key);
		if (g) {
			free(key);
		} else {
			if (gr->n == gr->cap) {
				gr->cap = gr->cap ? gr->cap * 2 : 32;
				gr->g = cb_xrealloc(gr->g, gr->cap * sizeof(*gr->g));
			}
			g = &gr->g[gr->n++];
			memset(g, 0, sizeof(*g));
			g->key = key;
			if (gr->n * 2 > gr->nslots)
				rehash(gr);
			else {
				size_t s = hash_str(key) & (gr->nslots - 1);
				while (gr->slots[s])
					s = (s + 1) & (gr->nslots - 1);
				gr->slots[s] = gr->n;
			}
		}
		if (g->nrows == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 16;
			g->rows = cb_xrealloc(g->rows, g->cap * sizeof(*g->rows));
		}
		g->rows[g->nrows++] = r;
	}
	sort_ctx = gr;
	if (gr->n > 1)
		qsort(gr->g, gr->n, sizeof(*gr->g), cmp_groups);
	sort_ctx = NULL;
	rehash(gr); /* indices moved */
}

void grouping_free(struct grouping *gr)
{
	for (size_t i = 0; i < gr->n; i++) {
		free(gr->g[i].key);
		free(gr->g[i].rows);
	}
	free(gr->g);
	free(gr->slots);
	memset(gr, 0, sizeof(*gr));
}

const char *group_value(const struct grouping *gr, const struct group *g, size_t k)
{
	if (k >= gr->nkeys || !g->nrows)
		return "";
	return csv_get(gr->t, g->rows[0], gr->cols[k]);
}

size_t group_column(const struct grouping *gr, const struct group *g, const char *col,
		    double *out)
{
	int c = csv_col(gr->t, col);
	size_t n = 0;
	if (c < 0)
		return 0;
	for (size_t i = 0; i < g->nrows; i++) {
		double v = csv_get_double(gr->t, g->rows[i], c);
		if (!isnan(v))
			out[n++] = v;
	}
	return n;
}
