/* The regression verdict for one metric of one configuration, from
 * run-level units (bench.h): round medians, or run medians for runs
 * without rounds.  Every metric cowbench compares is smaller-is-better.
 *
 * Times are compared on the log scale, so the effect is the ratio
 * new/base:
 *   - one base run: Welch's t-test of the new run's units against the
 *     base run's, and the Hodges-Lehmann 95% interval of the shift;
 *   - several base runs: the new run's median against the spread of the
 *     base runs' medians (a t prediction test with runs - 1 degrees of
 *     freedom, the variance moderated across the compare's metrics by
 *     verdict_moderate), because runs minutes apart differ by more than
 *     their rounds do; the interval is the wider of that prediction
 *     interval and the Hodges-Lehmann interval over all units.
 * Then, with q the Benjamini-Hochberg-adjusted p of the whole compare:
 *   regressed  q <= fdr and the interval's lower bound > 1 + threshold;
 *   improved   q <= fdr and its upper bound < 1 / (1 + threshold);
 *   unchanged  the interval lies inside [1 / (1 + threshold), 1 + threshold]:
 *              no change as large as the threshold fits the evidence;
 *   too noisy to tell   otherwise, or too few units to test.
 * Event counts are exact: regressed when the new run's median exceeds every
 * base run's median by at least one whole event and by more than the
 * threshold; improved the other way; else unchanged.
 *
 * Every verdict carries its minimum detectable effect: the smallest
 * slowdown that this baseline and this run's spread would have called
 * regressed in this compare (its p below the family's BH cut, which is
 * fdr / m when nothing was rejected). */
#ifndef COWBENCH_VERDICT_H
#define COWBENCH_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

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
	size_t nruns_used;
	double mde;	    /* minimum detectable effect, relative; +inf when none */
	char why[160];	    /* one phrase for the table */
};

/* base[i][0..nbase[i]) are the units of base run i (runs of them), new_
 * the new run's.  Times: fills the test part (kind, q, mde are set by
 * verdict_decide once the family's q-values are known).  Counts: decides. */
void verdict_test(const double *const *base, const size_t *nbase, size_t runs,
		  const double *new_, size_t nn, bool count, const struct verdict_opts *o,
		  struct verdict *out);
/* Several base runs: rebuilds the test with the between-run variance
 * moderated by a prior fitted to every metric of the compare (ebayes.h). */
struct ebayes_prior;
void verdict_moderate(struct verdict *v, const struct ebayes_prior *prior);
/* The verdict of a time metric from its test and its q. */
void verdict_decide(struct verdict *v, const struct verdict_opts *o);

const char *verdict_name(enum verdict_kind k);

#endif
