/* The regression verdict for one metric of one configuration, from
 * run-level units (bench.h): round medians, or run medians for runs
 * without rounds.  Every metric cowbench compares is smaller-is-better.
 *
 * Times are compared on the log scale, so the effect is the ratio
 * new/base:
 *   - one base run: Welch's t-test of the new run's units against the
 *     base run's, and the Hodges-Lehmann 95% interval of the shift, then
 *     (verdict_between) the between-run variance the compare's metrics
 *     show added to its variance;
 *   - several base runs: the new run's median against the spread of the
 *     base runs' medians (a t prediction test with runs - 1 degrees of
 *     freedom, the variance moderated across the compare's metrics by
 *     verdict_moderate), because runs minutes apart differ by more than
 *     their rounds do; plus whatever more the new run's own rounds spread
 *     than the base runs' do; the interval is the wider of that prediction
 *     interval and the Hodges-Lehmann interval over all units.
 * One configuration's run median has heavy tails on the machines this runs
 * on: over 20 quick runs of one build, 0.6% of the 465 normalized metrics'
 * run medians lay more than 4 standard deviations above their mean (a
 * normal law: 0.003%), and t laws (scale free) fitted to leave-one-run-out prediction
 * statistics of 8 three-run baselines had 4.8-7.3 degrees of freedom.  So
 * however many degrees of freedom the variance itself rests on (runs - 1
 * plus the prior's), the test of one configuration uses at most
 * VERDICT_TAIL_DF; a family's median over its configurations (family.h)
 * has light tails and keeps them all.
 * Then, with q the Benjamini-Hochberg-adjusted p over the compare's time
 * metrics (compare runs a second BH over its families, family.h; each set
 * at half of --fdr):
 *   regressed  q <= fdr and the interval's lower bound > 1 + threshold;
 *   improved   q <= fdr and its upper bound < 1 / (1 + threshold);
 *   unchanged  the interval lies inside [1 / (1 + threshold), 1 + threshold]:
 *              no change as large as the threshold fits the evidence;
 *   too noisy to tell   otherwise, or too few units to test.
 * Event counts are counted, not timed: regressed when the new run's median
 * exceeds every base run's median by more than max(1 event, their range)
 * and by more than the threshold (one base run: the range of its units, or
 * for a single unit a Poisson allowance, verdict.c); improved the other
 * way; else unchanged.
 *
 * Every verdict carries its minimum detectable effect: the smallest
 * slowdown that this baseline and this run's spread would have called
 * regressed in this compare (its p below the family's BH cut, which is
 * fdr / m when nothing was rejected). */
#ifndef COWBENCH_VERDICT_H
#define COWBENCH_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#define VERDICT_TAIL_DF 4.0

/* A time with a speed-normalized sibling (norm.h) is judged on one of the
 * two: the normalized one, which takes out the machine's speed state that
 * moves every raw time at once, unless over the pairs at hand it is on
 * average more than VERDICT_NORM_SLACK times as spread as the raw one.
 * sum_log: the sum of the n pairs' log(spread norm / spread raw).  Compare
 * and the history both decide by this. */
#define VERDICT_NORM_SLACK 1.25
bool verdict_norm_gated(double sum_log, size_t n);

enum verdict_kind { VERDICT_REGRESSED, VERDICT_IMPROVED, VERDICT_NOISY, VERDICT_UNCHANGED };

struct verdict_opts {
	double threshold; /* relative, e.g. 0.05 */
	double fdr;	  /* Benjamini-Hochberg level, e.g. 0.05 */
	double p_cut;	  /* the largest p BH rejected in this family, or fdr / m when none */
};

struct verdict {
	enum verdict_kind kind;
	bool count;	    /* decided exactly (event counts) */
	bool testable;	    /* a p-value exists: a member of the BH family */
	size_t runs;	    /* base runs with this configuration */
	size_t nb, nn;	    /* units: all base runs', the new run's */
	double base, new_;  /* medians of the base run medians / of the new units */
	double ratio;	    /* new / base estimate */
	double lo, hi;	    /* its 95% interval (counts: new over the base runs' range) */
	double p, q;	    /* test p and BH-adjusted q; NaN when not a test */
	double se, df;	    /* of the test statistic (log scale) */
	double w_lo;	    /* estimate minus lower bound, log scale */
	double spread;	    /* the base's own spread (sd of log run medians, or of log units) */
	/* several base runs: the parts the test is built from (log scale), so
	 * compare can moderate the variance across metrics and rebuild it */
	bool by_runs;
	double d_log, var_runs, df_runs, hl_lo, hl_hi;
	/* several: how much more the new run's rounds spread than the base
	 * runs' rounds do (their variance over their count, log scale: the
	 * mean's, standing in for the median's), added to the prediction's */
	double w_extra;
	/* one base run: Welch's se and df over the rounds alone */
	double se_within, df_within;
	size_t nruns_used;
	bool family; /* a family's test (family.h): no tail cap */
	double mde;	    /* minimum detectable effect, relative; +inf when none */
	char why[160];	    /* one phrase for the table */
};

/* base[i][0..nbase[i]) are the units of base run i (runs of them), new_
 * the new run's.  Times: fills the test part (kind, q, mde are set by
 * verdict_decide once the family's q-values are known).  Counts: decides. */
void verdict_test(const double *const *base, const size_t *nbase, size_t runs,
		  const double *new_, size_t nn, bool count, const struct verdict_opts *o,
		  struct verdict *out);
/* The median of log x over the positive values of x[0..n); NaN when none:
 * a run's unit on the scale every time test works on. */
double verdict_log_median(const double *x, size_t n);
/* A time test built from its parts, as for several base runs: the new
 * estimate d_log, the base runs' variance var on runs - 1 degrees of
 * freedom (a prediction test; compare's family test uses it); untestable
 * (p NaN) unless d_log is finite, var >= 0 and runs >= 2. */
void verdict_from_runs(struct verdict *v, double d_log, double var, size_t runs);
/* One base run: its rounds cannot show how far a metric moves from one run
 * to the next, so the test also allows 2 tau2 (the variance of the log
 * ratio of two runs' medians, tau2 per run, borrowed across the compare's
 * metrics by compare) and the tail cap. */
void verdict_between(struct verdict *v, double tau2);
/* Several base runs: rebuilds the test with the between-run variance
 * moderated by a prior fitted to every metric of the compare (ebayes.h). */
struct ebayes_prior;
void verdict_moderate(struct verdict *v, const struct ebayes_prior *prior);
/* Fits the prior to the several-base-run verdicts of v[0..n) and
 * moderates each. */
void verdict_moderate_all(struct verdict *const *v, size_t n, struct ebayes_prior *prior);
/* The verdict of a time metric from its test and its q. */
void verdict_decide(struct verdict *v, const struct verdict_opts *o);

const char *verdict_name(enum verdict_kind k);

#endif
