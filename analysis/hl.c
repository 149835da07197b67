#include "hl.h"

#include <math.h>
#include <stdlib.h>

#include "cb.h"
#include "stats_impl.h"
#include "ttest.h"

/* Past this many pairs the exact null distribution costs more than it is
 * worth; the normal approximation of U is then within a rank or so. */
#define HL_EXACT_PAIRS 2500

size_t stats_hl_rank(size_t nx, size_t ny, double conf, double *coverage)
{
	size_t mn = nx * ny;
	double half = (1 - conf) / 2;
	if (mn == 0) {
		*coverage = NAN;
		return 0;
	}
	if (mn > HL_EXACT_PAIRS) {
		double sd = sqrt((double)mn * (double)(nx + ny + 1) / 12);
		double z = -stats_t_quantile(half, INFINITY);
		double k = floor((double)mn / 2 - z * sd);
		size_t r = k < 1 ? 1 : (size_t)k;
		*coverage = 1 - 2 * stats_normal_sf(((double)mn / 2 - ((double)r - 0.5)) / sd);
		return r;
	}
	double *counts = cb_xmalloc((mn + 1) * sizeof(*counts));
	stats_mw_null_counts(nx, ny, counts);
	double total = 0;
	for (size_t u = 0; u <= mn; u++)
		total += counts[u];
	/* cum = P(U <= k - 1) as k grows */
	size_t k = 1;
	double cum = counts[0] / total;
	while (k < mn / 2 + 1 && cum + counts[k] / total <= half) {
		cum += counts[k] / total;
		k++;
	}
	free(counts);
	*coverage = 1 - 2 * cum;
	return k;
}

void stats_hl_shift(const double *x, size_t nx, const double *y, size_t ny, double conf,
		    struct stats_hl *out)
{
	size_t mx = 0, my = 0;
	for (size_t i = 0; i < nx; i++)
		mx += !isnan(x[i]);
	for (size_t j = 0; j < ny; j++)
		my += !isnan(y[j]);
	out->nx = mx;
	out->ny = my;
	out->est = out->lo = out->hi = out->coverage = NAN;
	if (!mx || !my)
		return;
	size_t mn = mx * my, at = 0;
	double *d = cb_xmalloc(mn * sizeof(*d));
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			if (!isnan(x[i]) && !isnan(y[j]))
				d[at++] = y[j] - x[i];
	qsort(d, mn, sizeof(*d), stats_cmp_double);
	out->est = stats_quantile_sorted(d, mn, 0.5);
	size_t k = stats_hl_rank(mx, my, conf, &out->coverage);
	out->lo = d[k - 1];
	out->hi = d[mn - k];
	free(d);
}
