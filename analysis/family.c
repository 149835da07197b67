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
	for (size_t j = 0; j < n; j++) {
		double sum = 0;
		size_t k = 0;
		for (size_t b = 0; b < nb; b++)
			if (isfinite(rows[j]->base_log[b])) {
				sum += rows[j]->base_log[b];
				k++;
			}
		mean[j] = sum / (double)k;
		d[j] = rows[j]->new_log - mean[j];
	}
	double ss = 0;
	size_t runs = 0;
	for (size_t b = 0; b < nb; b++) {
		size_t k = 0;
		for (size_t j = 0; j < n; j++)
			if (isfinite(rows[j]->base_log[b]))
				col[k++] = rows[j]->base_log[b] - mean[j];
		if (k * 2 < n)
			continue; /* a base run that has too few of them says little */
		double e = stats_median(col, k);
		ss += e * e;
		runs++;
	}
	if (runs >= 2) {
		verdict_from_runs(&f->v, stats_median(d, n), ss / (double)(runs - 1), runs);
		snprintf(f->v.why, sizeof(f->v.why), "median of %zu configurations, %zu base runs", n,
			 runs);
	} else {
		memset(&f->v, 0, sizeof(f->v));
		f->v.kind = VERDICT_NOISY;
		f->v.p = f->v.q = NAN;
		f->v.mde = INFINITY;
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
	double *s2 = cb_xmalloc((c->nfam ? c->nfam : 1) * sizeof(*s2));
	double *df = cb_xmalloc((c->nfam ? c->nfam : 1) * sizeof(*df));
	size_t kept = 0, k = 0;
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
		if (f->v.testable) {
			s2[k] = f->v.var_runs;
			df[k++] = f->v.df_runs;
		}
		c->fam[kept++] = *f;
	}
	c->nfam = kept;
	stats_ebayes_prior(s2, df, k, &c->fam_prior);
	for (size_t i = 0; i < c->nfam; i++)
		if (c->fam[i].v.testable)
			verdict_moderate(&c->fam[i].v, &c->fam_prior);
	free(rows);
	free(s2);
	free(df);
}

void family_free(struct cmp *c)
{
	for (size_t i = 0; i < c->nfam; i++)
		free(c->fam[i].name);
	free(c->fam);
	c->fam = NULL;
	c->nfam = 0;
}
