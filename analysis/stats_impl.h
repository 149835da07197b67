/* Pieces the statistics files share among themselves (not an API). */
#ifndef COWBENCH_STATS_IMPL_H
#define COWBENCH_STATS_IMPL_H

#include <stddef.h>

/* qsort comparator for doubles, ascending. */
int stats_cmp_double(const void *a, const void *b);
/* Quantile of sorted data, Hyndman & Fan type 7 (R's and numpy's default). */
double stats_quantile_sorted(const double *s, size_t n, double q);
/* Standard normal upper-tail probability. */
double stats_normal_sf(double z);
/* 1-based midranks of v[0..n) (ties share their average rank) into rank[],
 * in v's order; returns the tie term sum(t^3 - t) over tie groups. */
double stats_midranks(const double *v, size_t n, double *rank);

/* How many orderings give each value 0..na*nb of the Mann-Whitney U
 * statistic under the null without ties (counts[] sized na*nb + 1). */
void stats_mw_null_counts(size_t na, size_t nb, double *counts);

#endif
