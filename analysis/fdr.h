/* Benjamini-Hochberg control of the false discovery rate (Benjamini &
 * Hochberg, JRSS B 1995): when hundreds of metrics are tested at once,
 * reject those with p(i) <= i q / m for the largest such rank i, so that
 * the expected share of false alarms among the rejections stays below q. */
#ifndef COWBENCH_FDR_H
#define COWBENCH_FDR_H

#include <stddef.h>

/* BH-adjusted p-values (R's p.adjust(p, "BH")): q[i] = min over ranks
 * r >= rank(p[i]) of p(r) m / r, capped at 1.  A test is a discovery at
 * level q when its adjusted value is <= q.  NaN p-values are not tests:
 * they are left out of m and get NaN. */
void stats_bh_adjust(const double *p, size_t n, double *adj);

#endif
