/* The Hodges-Lehmann estimate of the shift between two samples and its
 * distribution-free confidence interval (Lehmann 1963): the median of the
 * nx * ny differences y_j - x_i, bounded by the k-th smallest and k-th
 * largest of them, where k comes from the null distribution of the
 * Mann-Whitney U statistic.  On log values the shift is the log of the
 * ratio new/base, which is what the gate reports. */
#ifndef COWBENCH_HL_H
#define COWBENCH_HL_H

#include <stddef.h>

struct stats_hl {
	size_t nx, ny;	 /* values used, NaNs dropped */
	double est;	 /* median of the differences y - x */
	double lo, hi;	 /* the interval */
	double coverage; /* its exact coverage; below conf when nx, ny are too few */
};

void stats_hl_shift(const double *x, size_t nx, const double *y, size_t ny, double conf,
		    struct stats_hl *out);

/* The 1-based rank k of the interval's lower bound among the nx * ny
 * sorted differences (the upper bound is rank nx * ny + 1 - k): the
 * largest k with P(U <= k - 1) <= (1 - conf) / 2, or 1 when even the
 * extremes cover less than conf.  *coverage = 1 - 2 P(U <= k - 1). */
size_t stats_hl_rank(size_t nx, size_t ny, double conf, double *coverage);

#endif
