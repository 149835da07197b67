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

size_t family_effects(const double *m, size_t nrows, size_t nmean, size_t ncols, size_t min_rows,
		      double *mean, double *effect)
{
	bool *in = cb_xcalloc(nrows + 1, sizeof(*in));
	double *mu = mean ? mean : cb_xmalloc((ncols ? ncols : 1) * sizeof(*mu));
	double *col = cb_xmalloc((ncols ? ncols : 1) * sizeof(*col));
	for (size_t r = 0; r < nrows; r++) {
		size_t k = 0;
		for (size_t c = 0; c < ncols; c++)
			k += isfinite(m[r * ncols + c]);
		in[r] = k * 2 >= ncols;
	}
	size_t used = 0;
	for (size_t c = 0; c < ncols; c++) {
		double sum = 0;
		size_t k = 0;
		for (size_t r = 0; r < nmean; r++)
			if (in[r] && isfinite(m[r * ncols + c])) {
				sum += m[r * ncols + c];
				k++;
			}
		mu[c] = k && k >= min_rows ? sum / (double)k : NAN;
		used += isfinite(mu[c]);
	}
	for (size_t r = 0; r < nrows; r++) {
		size_t k = 0;
		for (size_t c = 0; c < ncols && in[r]; c++)
			if (isfinite(m[r * ncols + c]) && isfinite(mu[c]))
				col[k++] = m[r * ncols + c] - mu[c];
		effect[r] = in[r] ? stats_median(col, k) : NAN;
	}
	if (!mean)
		free(mu);
	free(col);
	free(in);
	return used;
}

/* The family test of the rows rows[0..n) (family.h): their base runs are
 * the effects' first rows, the new run the last. */
static void test_one(const struct cmp_row *const *rows, size_t n, struct cmp_family *f)
{
	size_t nb = rows[0]->nbase_log;
	double *m = cb_xmalloc((nb + 1) * n * sizeof(*m)), *e = cb_xmalloc((nb + 1) * sizeof(*e));
	for (size_t j = 0; j < n; j++) {
		for (size_t b = 0; b < nb; b++)
			m[b * n + j] = rows[j]->base_log[b];
		m[nb * n + j] = rows[j]->new_log;
	}
	family_effects(m, nb + 1, nb, n, 1, NULL, e);
	double ss = 0;
	size_t runs = 0;
	for (size_t b = 0; b < nb; b++)
		if (isfinite(e[b])) {
			ss += e[b] * e[b];
			runs++;
		}
	if (runs >= 2) {
		verdict_from_runs(&f->v, e[nb], ss / (double)(runs - 1), runs);
		snprintf(f->v.why, sizeof(f->v.why), "median of %zu configurations, %zu base runs", n,
			 runs);
	} else {
		verdict_from_runs(&f->v, NAN, NAN, runs); /* untestable */
		snprintf(f->v.why, sizeof(f->v.why), "too few base runs hold its configurations");
	}
	/* the medians, for the table */
	for (size_t j = 0; j < n; j++)
		m[j] = log(rows[j]->v.base);
	f->v.base = exp(stats_median(m, n));
	f->v.new_ = f->v.base * f->v.ratio;
	free(m);
	free(e);
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
