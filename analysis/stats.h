/* Descriptive statistics and the tests the report and compare rely on.
 *
 * Medians get distribution-free confidence intervals (order statistics of
 * the binomial), because latency samples are skewed and heavy-tailed and a
 * mean +/- t*s interval would lie about them. */
#ifndef COWBENCH_STATS_H
#define COWBENCH_STATS_H

#include <stddef.h>

struct stats_summary {
	size_t n;
	double min, median, mean, p90, p99, max, stddev;
	double p999;	     /* the 99.9th percentile: a tail only many samples show */
	double ci_lo, ci_hi; /* 95% CI of the median; [min,max] when n < 6 */
	int ci_exact;	     /* 1 when the interval reaches 95% coverage */
};

/* The median of x[0..n), NaNs dropped; NaN when none. */
double stats_median(const double *x, size_t n);
/* Sorts a copy of x; NaNs are ignored.  n == 0 gives all-NaN fields. */
void stats_summarize(const double *x, size_t n, struct stats_summary *out);
/* 1-based ranks (lo, hi) of the order statistics bounding the median with
 * at least `conf` coverage; returns 0 when n is too small (lo=1, hi=n). */
int stats_median_ci_ranks(size_t n, double conf, size_t *lo, size_t *hi);
/* Relative width of the CI: (ci_hi - ci_lo) / median. */
double stats_ci_rel_width(const struct stats_summary *s);

/* Two-sided Mann-Whitney U test p-value for "a and b come from the same
 * distribution".  Exact for small samples without ties, normal
 * approximation with tie and continuity correction otherwise. */
double stats_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb);

/* Samples taken in rounds (randomized interleaved rounds, RMIT: every
 * round visits every configuration once, in a fresh random order).  The
 * estimate is the median of the round medians, and the interval is over
 * rounds, so drift between rounds widens it instead of hiding in it. */
struct stats_rounds {
	size_t n;	     /* samples, NaNs dropped */
	size_t nrounds;	     /* rounds holding at least one sample */
	double median;	     /* median of the round medians */
	double ci_lo, ci_hi; /* 95% interval for the median a next run will see */
	int ci_exact;	     /* 1 when nrounds reaches 95% coverage (>= 6) */
	double spread;	     /* max/min of the round medians; NaN when min <= 0 */
	double agree_p;	     /* Kruskal-Wallis p: rounds from one distribution */
	int rounds_agree;    /* 0 when the rounds clearly disagree */
};

/* round[i] names the round of x[i] (any integers; order does not matter).
 * The interval: order statistics of the round medians bound the median of
 * their distribution (stats_median_ci_ranks); the next run's estimate has
 * the same sampling spread as ours and is independent of it, so each side
 * is widened by sqrt(2) to cover where that estimate lands.  Rounds
 * disagree when Kruskal-Wallis rejects at p < 0.001 and the round medians
 * spread by more than 10%: significant and material. */
void stats_rounds_summarize(const double *x, const int *round, size_t n,
			    struct stats_rounds *out);
/* stats_summarize, then, where x spans 2 or more rounds, the median and
 * interval over rounds (stats_rounds_summarize) in its place. */
void stats_summarize_by_round(const double *x, const int *round, size_t n,
			      struct stats_summary *out);
/* A round or unit id read from a CSV field: an empty or absurd one joins
 * 0 rather than overflow an int. */
int stats_unit_id(double field);

/* Kruskal-Wallis p-value (chi-square approximation, tie-corrected) for
 * "the groups come from one distribution".  NaN when untestable (fewer
 * than two groups, or no group with two values); 1 when every value is
 * the same. */
double stats_kruskal_wallis_p(const double *x, const int *group, size_t n);

/* Upper tail of the chi-square distribution with df degrees of freedom. */
double stats_chi2_sf(double x, double df);

/* Distinct machine-speed states in a series of probe times.  A one- and a
 * two-component normal mixture are fitted to log(x) (EM); two states are
 * reported only when BIC prefers two by more than 10, the components are
 * separated (Ashman's D > 3) and each holds at least 3% of the values, so
 * a skewed or heavy-tailed single state, or a few interrupted probes, stay
 * one state.  Needs 20 values to consider two. */
struct stats_states {
	size_t k;	   /* 1 or 2 */
	double center[2];  /* median of each state's values, faster (smaller) first */
	double share[2];   /* fraction of the values in each state */
	double threshold;  /* k == 2: a value below it belongs to state 0 */
	double separation; /* Ashman's D of the two fitted components; NaN when k == 1 */
};

void stats_detect_states(const double *x, size_t n, struct stats_states *out);
/* Which state a value belongs to: 0 or 1 (always 0 when k == 1). */
int stats_state_of(const struct stats_states *s, double x);

#endif
