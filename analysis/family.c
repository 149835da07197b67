#include "family.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cb.h"
#include "compare.h"
#include "ebayes.h"
#include "stats.h"

static bool member(const struct cmp_row *r)
{
	return r->matched && r->gated && r->nbase_log && r->v.by_runs && !r->v.count && r->v.testable &&
	       r->family && isfinite(r->new_log);
}

static struct cmp_family *find(struct cmp *c, const char *name, const char *metric)
{
	for (size_t i = 0; i < c->nfam; i++)
		if (!strcmp(c->fam[i].name, name) && c->fam[i].metric == metric)
			return &c->fam[i];
	return NULL;
}

/* The family test of the rows rows[0..n) (family.h). */
static void test_one(const struct cmp_row *const *rows, size_t n, struct cmp_family *f)
{
	size_t nb = rows[0]->nbase_log;
	double *mean = cb_xmalloc(n * sizeof(*mean)), *d = cb_xmalloc(n * sizeof(*d));
	double *col = cb_xmalloc(n * sizeof(*col));
	/* a base run that has too few of them says little, and takes no part */
	bool *in = cb_xcalloc(nb + 1, sizeof(*in));
	for (size_t b = 0; b < nb; b++) {
		size_t k = 0;
		for (size_t j = 0; j < n; j++)
			k += isfinite(rows[j]->base_log[b]);
		in[b] = k * 2 >= n;
	}
	for (size_t j = 0; j < n; j++) {
		double sum = 0;
		size_t k = 0;
		for (size_t b = 0; b < nb; b++)
			if (in[b] && isfinite(rows[j]->base_log[b])) {
				sum += rows[j]->base_log[b];
				k++;
			}
		mean[j] = k ? sum / (double)k : NAN;
		d[j] = rows[j]->new_log - mean[j];
	}
	double ss = 0;
	size_t runs = 0;
	for (size_t b = 0; b < nb; b++) {
		if (!in[b])
			continue;
		size_t k = 0;
		for (size_t j = 0; j < n; j++)
			if (isfinite(rows[j]->base_log[b]) && isfinite(mean[j]))
				col[k++] = rows[j]->base_log[b] - mean[j];
		double e = stats_median(col, k);
		ss += e * e;
		runs++;
	}
	if (runs >= 2) {
		verdict_from_runs(&f->v, stats_median(d, n), ss / (double)(runs - 1), runs);
		snprintf(f->v.why, sizeof(f->v.why), "median of %zu configurations, %zu base runs", n,
			 runs);
	} else {
		verdict_from_runs(&f->v, NAN, NAN, runs); /* untestable */
		snprintf(f->v.why, sizeof(f->v.why), "too few base runs hold its configurations");
	}
	/* the medians, for the table */
	for (size_t j = 0; j < n; j++)
		col[j] = log(rows[j]->v.base);
	f->v.base = exp(stats_median(col, n));
	f->v.new_ = f->v.base * f->v.ratio;
	free(mean);
	free(d);
	free(col);
	free(in);
}

void family_test(struct cmp *c)
{
	family_free(c);
	for (size_t i = 0; i < c->n; i++) {
		const struct cmp_row *r = &c->rows[i];
		if (!member(r) || find(c, r->family, r->metric))
			continue;
		c->fam = cb_xrealloc(c->fam, (c->nfam + 1) * sizeof(*c->fam));
		struct cmp_family *f = &c->fam[c->nfam++];
		memset(f, 0, sizeof(*f));
		f->name = cb_xstrdup(r->family);
		f->metric = r->metric;
	}
	const struct cmp_row **rows = cb_xmalloc((c->n ? c->n : 1) * sizeof(*rows));
	size_t kept = 0;
	for (size_t i = 0; i < c->nfam; i++) {
		struct cmp_family *f = &c->fam[i];
		size_t n = 0;
		for (size_t j = 0; j < c->n; j++)
			if (member(&c->rows[j]) && c->rows[j].metric == f->metric &&
			    !strcmp(c->rows[j].family, f->name))
				rows[n++] = &c->rows[j];
		if (n < FAMILY_MIN_CONFIGS) {
			free(f->name);
			continue;
		}
		f->nconf = n;
		test_one(rows, n, f);
		c->fam[kept++] = *f;
	}
	c->nfam = kept;
	struct verdict **v = cb_xmalloc((kept ? kept : 1) * sizeof(*v));
	for (size_t i = 0; i < kept; i++)
		v[i] = &c->fam[i].v;
	verdict_moderate_all(v, kept, &c->fam_prior);
	free(v);
	free(rows);
}

void family_free(struct cmp *c)
{
	for (size_t i = 0; i < c->nfam; i++)
		free(c->fam[i].name);
	free(c->fam);
	c->fam = NULL;
	c->nfam = 0;
}
