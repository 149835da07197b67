#include "fork_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

const char *const fork_term_names[FORK_TERM_COUNT] = {
	[FORK_TERM_BASE] = "base",
	[FORK_TERM_VMA] = "per mapping",
	[FORK_TERM_PTE] = "per 4 KiB page",
	[FORK_TERM_PMD] = "per 2 MiB page",
};

static double num(const struct csv_table *t, size_t row, const char *col, double absent)
{
	int c = csv_col(t, col);
	if (c < 0 || !*csv_get(t, row, c))
		return absent;
	return csv_get_double(t, row, c);
}

bool fork_model_row(const struct csv_table *t, size_t row, double *x, double *y)
{
	int prim = csv_col(t, "primitive"), mode = csv_col(t, "page_mode");
	if (prim < 0 || mode < 0 || strcmp(csv_get(t, row, prim), "fork"))
		return false;
	/* a run from before the dimensions: one thread, one mapping */
	if (num(t, row, "threads", 1) != 1)
		return false;
	double bytes = num(t, row, "mem_bytes", NAN), vmas = num(t, row, "vmas", 1);
	double huge = num(t, row, "huge_fraction", 0);
	*y = num(t, row, "create_ns", NAN);
	if (!isfinite(bytes) || !isfinite(vmas) || !isfinite(*y) || !(huge >= 0 && huge <= 1))
		return false;
	const char *m = csv_get(t, row, mode);
	double pages = bytes / 4096, pmds = bytes / (2 << 20);
	x[FORK_TERM_BASE] = 1;
	x[FORK_TERM_VMA] = bytes > 0 ? vmas : 0;
	if (!strcmp(m, "4k") || !strcmp(m, "thp")) {
		x[FORK_TERM_PTE] = pages * (1 - huge);
		x[FORK_TERM_PMD] = pmds * huge;
	} else if (!strcmp(m, "hugetlb2m")) {
		x[FORK_TERM_PTE] = 0;
		x[FORK_TERM_PMD] = pmds;
	} else if (!strcmp(m, "hugetlb1g")) {
		x[FORK_TERM_PTE] = x[FORK_TERM_PMD] = 0;
	} else {
		return false;
	}
	return true;
}

int fork_model_fit(const struct csv_table *host, struct fork_model *m, cb_error *e)
{
	memset(m, 0, sizeof(*m));
	size_t n = 0;
	double *x = cb_xmalloc((host->nrows + 1) * FORK_TERM_COUNT * sizeof(*x));
	double *y = cb_xmalloc((host->nrows + 1) * sizeof(*y));
	/* distinct configurations, by their terms */
	double (*seen)[FORK_TERM_COUNT] = cb_xcalloc(host->nrows + 1, sizeof(*seen));
	for (size_t r = 0; r < host->nrows; r++) {
		if (!fork_model_row(host, r, &x[n * FORK_TERM_COUNT], &y[n]))
			continue;
		bool known = false;
		for (size_t k = 0; k < m->configs && !known; k++)
			known = !memcmp(seen[k], &x[n * FORK_TERM_COUNT], sizeof(seen[k]));
		if (!known)
			memcpy(seen[m->configs++], &x[n * FORK_TERM_COUNT], sizeof(seen[0]));
		n++;
	}
	free(seen);
	int rc = -1;
	if (m->configs < FORK_TERM_COUNT)
		cb_error_set(e, "fork samples of %zu configurations: the model has %d terms",
			     m->configs, FORK_TERM_COUNT);
	else
		rc = fit_robust(x, y, n, FORK_TERM_COUNT, true, &m->fit, e);
	free(x);
	free(y);
	return rc;
}

const char *fork_model_sentence(const struct fork_model *m, char *buf, size_t len)
{
	const struct fit_result *f = &m->fit;
	char v[32];
	size_t at = 0;
	buf[0] = '\0';
	for (int j = 0; j < FORK_TERM_COUNT && at < len; j++) {
		if (!f->identified[j])
			continue;
		fmt_ns(f->coef[j], v, sizeof(v));
		if (j == FORK_TERM_BASE)
			at += (size_t)snprintf(buf + at, len - at, "fork here costs %s", v);
		else
			at += (size_t)snprintf(buf + at, len - at, "%s%s %s", at ? " + " : "fork here costs ",
					       v, fork_term_names[j]);
	}
	return buf;
}

double fork_model_predict(const struct fork_model *m, const double *x)
{
	double pred = 0;
	for (int j = 0; j < FORK_TERM_COUNT; j++)
		pred += m->fit.identified[j] ? m->fit.coef[j] * x[j] : 0;
	return pred;
}
