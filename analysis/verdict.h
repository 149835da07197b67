/* The regression verdict for one metric of one configuration, from the raw
 * samples of two runs.  Every metric cowbench compares is smaller-is-better
 * (latencies, exit counts).
 *
 * Rules, in order:
 *   1. fewer than VERDICT_MIN_SAMPLES samples on either side: too noisy
 *      (Google Benchmark's compare.py warns below 9 repetitions, since the
 *      U test cannot reach small p-values with fewer);
 *   2. p < alpha and |change| > threshold (and the medians differ by at
 *      least min_abs: for event counts one whole event, since a median of
 *      2.5 exits against 2 is a coin flip on an odd exit, not a change in
 *      behaviour): regressed or improved;
 *   3. either median's 95% CI half-width exceeds the threshold: too noisy
 *      (a change as large as the threshold could hide inside it);
 *   4. otherwise unchanged.
 * change = (new median - base median) / base median. */
#ifndef COWBENCH_VERDICT_H
#define COWBENCH_VERDICT_H

#include <stddef.h>

#include "stats.h"

#define VERDICT_MIN_SAMPLES 9

enum verdict_kind { VERDICT_REGRESSED, VERDICT_IMPROVED, VERDICT_NOISY, VERDICT_UNCHANGED };

struct verdict {
	enum verdict_kind kind;
	struct stats_summary base, new_;
	double change; /* relative; +inf when the base median is 0 and new is not */
	double p;      /* Mann-Whitney U, two-sided; NaN when not computed */
	char why[96];  /* one phrase for the table: "p=0.0002, +21.3%" */
};

struct verdict_opts {
	double threshold; /* relative, e.g. 0.05 */
	double alpha;	  /* e.g. 0.01 */
	double min_abs;	  /* smallest median difference that counts; 0 for times */
};

void verdict_compute(const double *base, size_t nb, const double *new_, size_t nn,
		     const struct verdict_opts *o, struct verdict *out);
const char *verdict_name(enum verdict_kind k);
/* Half-width of the median's CI relative to the median (0 when the
 * interval is a single point, +inf when the median is 0 and it is not). */
double verdict_ci_half_rel(const struct stats_summary *s);

#endif
