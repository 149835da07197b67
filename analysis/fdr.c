#include "fdr.h"

#include <math.h>
#include <stdlib.h>

#include "cb.h"

struct ranked_p {
	double p;
	size_t at;
};

static int by_p(const void *a, const void *b)
{
	const struct ranked_p *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at; /* stable, so ties keep file order */
}

void stats_bh_adjust(const double *p, size_t n, double *adj)
{
	struct ranked_p *r = cb_xmalloc((n ? n : 1) * sizeof(*r));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		adj[i] = NAN;
		if (!isnan(p[i]))
			r[m++] = (struct ranked_p){p[i], i};
	}
	qsort(r, m, sizeof(*r), by_p);
	/* from the largest p down, the running minimum of p m / rank */
	double run = 1;
	for (size_t k = m; k > 0; k--) {
		double v = r[k - 1].p * (double)m / (double)k;
		run = fmin(run, v);
		adj[r[k - 1].at] = run;
	}
	free(r);
}
