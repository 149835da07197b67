#include "verdict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cb.h"
#include "ebayes.h"
#include "hl.h"
#include "stats.h"
#include "ttest.h"

const char *verdict_name(enum verdict_kind k)
{
	static const char *const names[] = {
		[VERDICT_REGRESSED] = "regressed",
		[VERDICT_IMPROVED] = "improved",
		[VERDICT_NOISY] = "too noisy to tell",
		[VERDICT_UNCHANGED] = "unchanged",
	};
	return names[k];
}

/* log of the positive values; returns how many. */
static size_t logs(const double *x, size_t n, double *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (x[i] > 0)
			out[m++] = log(x[i]);
	return m;
}

static void count_test(const double *const *base, const size_t *nbase, size_t runs,
		       const double *new_, size_t nn, const struct verdict_opts *o,
		       struct verdict *v)
{
	double *med = cb_xmalloc((runs ? runs : 1) * sizeof(*med));
	double lo = INFINITY, hi = -INFINITY;
	size_t r = 0;
	for (size_t i = 0; i < runs; i++) {
		double m = stats_median(base[i], nbase[i]);
		if (isnan(m))
			continue;
		med[r++] = m;
		lo = fmin(lo, m);
		hi = fmax(hi, m);
	}
	v->base = stats_median(med, r);
	v->new_ = stats_median(new_, nn);
	free(med);
	v->count = true;
	v->ratio = v->base == 0 ? (v->new_ == 0 ? 1 : INFINITY) : v->new_ / v->base;
	v->lo = hi > 0 ? v->new_ / hi : v->new_ > 0 ? INFINITY : 1;
	v->hi = lo > 0 ? v->new_ / lo : v->new_ > 0 ? INFINITY : 1;
	/* Counted, not timed, yet not all deterministic: a VM exit count holds
	 * the host interrupts and preemptions that landed in the phase, one
	 * event each.  A change must pass the base runs' range by more than one
	 * event and by more than that range's own width (an A/A compare here:
	 * of 312 phase exit counts 6 fell outside three base runs' range, by 1
	 * or, where the range was 2, by 2). */
	double slack = r ? fmax(1, hi - lo) : 1;
	/* One base run has no range between runs.  Its units (rounds, boots)
	 * land their interrupts at random as runs do, so their range stands
	 * in; a run of one unit shows nothing, and the count may move like a
	 * Poisson count of its size: 3 sd of the difference of two.  (Nested
	 * phases with one boot per run: 1 exit in one run, 3 in the next.) */
	if (r == 1) {
		size_t one = 0; /* the base run that has it */
		while (one + 1 < runs && isnan(stats_median(base[one], nbase[one])))
			one++;
		double ulo = INFINITY, uhi = -INFINITY;
		size_t k = 0;
		for (size_t j = 0; j < nbase[one]; j++)
			if (!isnan(base[one][j])) {
				ulo = fmin(ulo, base[one][j]);
				uhi = fmax(uhi, base[one][j]);
				k++;
			}
		slack = k >= 2 ? fmax(1, uhi - ulo) : fmax(1, 3 * sqrt(2 * fmax(hi, 1)));
	}
	v->mde = v->base > 0 ? fmax(o->threshold, (hi + slack - v->base) / v->base) : INFINITY;
	double rel = v->ratio - 1;
	if (!r || isnan(v->new_)) {
		v->kind = VERDICT_NOISY;
		snprintf(v->why, sizeof(v->why), "no counts to compare");
	} else if (v->new_ - hi > slack && rel > o->threshold) {
		v->kind = VERDICT_REGRESSED;
		snprintf(v->why, sizeof(v->why),
			 "count above every base run's (max %g) by > %g and > %.3g%%", hi, slack,
			 o->threshold * 100);
	} else if (lo - v->new_ > slack && -rel > o->threshold) {
		v->kind = VERDICT_IMPROVED;
		snprintf(v->why, sizeof(v->why),
			 "count below every base run's (min %g) by > %g and > %.3g%%", lo, slack,
			 o->threshold * 100);
	} else {
		v->kind = VERDICT_UNCHANGED;
		snprintf(v->why, sizeof(v->why), "counted: within %g event(s) or %.3g%% of the base runs' %g..%g",
			 slack, o->threshold * 100, lo, hi);
	}
}

/* The prediction test of the new run's median against the base runs'
 * medians, from its parts (v->d_log, var_runs, df_runs, nruns_used), all on
 * the log scale; the interval never narrower than the rounds' own. */
/* The t test of the log change d on v->se and v->df, its 95% interval
 * never narrower than the Hodges-Lehmann one where there is one; est is
 * the estimate the interval's lower half-width is measured from. */
static void t_finish(struct verdict *v, double d, double est)
{
	double lo, hi;
	if (!(v->se > 0)) {
		/* every base run had the same median: no spread to scale by */
		v->p = d == 0 ? 1 : 0;
		lo = hi = d;
	} else {
		v->p = stats_t_p2(d / v->se, v->df);
		double tq = stats_t_quantile(0.975, v->df);
		lo = d - tq * v->se;
		hi = d + tq * v->se;
	}
	if (!isnan(v->hl_lo)) {
		lo = fmin(lo, v->hl_lo);
		hi = fmax(hi, v->hl_hi);
	}
	v->w_lo = est - lo;
	v->lo = exp(lo);
	v->hi = exp(hi);
}

static void runs_finish(struct verdict *v)
{
	double r = (double)v->nruns_used, d = v->d_log;
	v->se = sqrt(v->var_runs * (1 + 1 / r) + v->w_extra);
	/* the variance may rest on many degrees of freedom; the new run's
	 * median still has one configuration's tails (verdict.h) */
	v->df = v->family ? v->df_runs : fmin(v->df_runs, VERDICT_TAIL_DF);
	v->ratio = exp(d);
	t_finish(v, d, d);
}

/* Several base runs: the parts of the test on the base runs' medians. */
static void runs_test(double *const *lb, const size_t *nlb, size_t runs, const double *ln,
		      size_t nln, const struct stats_hl *h, struct verdict *v)
{
	double *m = cb_xmalloc(runs * sizeof(*m));
	size_t r = 0;
	for (size_t i = 0; i < runs; i++)
		if (nlb[i])
			m[r++] = stats_median(lb[i], nlb[i]);
	double mean, var;
	stats_mean_var(m, r, &mean, &var);
	free(m);
	/* The base runs' variance holds their own rounds' noise; a new run
	 * whose rounds disagree far more among themselves (here: fork beside a
	 * reader thread once took 1.4 ms in some rounds and 7-12 ms in others,
	 * while the other vCPU was away) brings its own on top. */
	double within = 0, mu, w;
	size_t k = 0;
	for (size_t i = 0; i < runs; i++)
		if (nlb[i] >= 2 && stats_mean_var(lb[i], nlb[i], &mu, &w) >= 2) {
			within += w / (double)nlb[i];
			k++;
		}
	v->w_extra = 0;
	if (nln >= 2 && stats_mean_var(ln, nln, &mu, &w) >= 2)
		v->w_extra = fmax(0, w / (double)nln - (k ? within / (double)k : 0));
	v->by_runs = true;
	v->nruns_used = r;
	v->d_log = stats_median(ln, nln) - mean;
	v->var_runs = var;
	v->df_runs = (double)r - 1;
	v->spread = sqrt(var);
	bool hl = h->nx >= 2 && h->ny >= 2;
	v->hl_lo = hl ? h->lo : NAN;
	v->hl_hi = hl ? h->hi : NAN;
	runs_finish(v);
}

double verdict_log_median(const double *x, size_t n)
{
	double *l = cb_xmalloc((n ? n : 1) * sizeof(*l));
	double m = stats_median(l, logs(x, n, l));
	free(l);
	return m;
}

void verdict_from_runs(struct verdict *v, double d_log, double var, size_t runs)
{
	memset(v, 0, sizeof(*v));
	v->p = v->q = v->se = v->df = NAN;
	v->mde = INFINITY;
	v->kind = VERDICT_NOISY;
	v->runs = v->nruns_used = runs;
	v->by_runs = true;
	v->d_log = d_log;
	v->var_runs = var;
	v->df_runs = (double)runs - 1;
	v->spread = sqrt(var);
	v->hl_lo = v->hl_hi = NAN;
	v->family = true;
	if (!isfinite(d_log) || !(var >= 0) || runs < 2) {
		v->ratio = v->lo = v->hi = NAN; /* nothing to test */
		return;
	}
	runs_finish(v);
	v->testable = !isnan(v->p);
}

void verdict_between(struct verdict *v, double tau2)
{
	if (v->by_runs || v->count || !v->testable || !(v->se_within >= 0))
		return;
	tau2 = tau2 > 0 ? tau2 : 0;
	v->se = sqrt(v->se_within * v->se_within + 2 * tau2);
	v->df = fmin(v->df_within, VERDICT_TAIL_DF);
	t_finish(v, v->d_log, log(v->ratio));
	size_t len = strlen(v->why);
	if (tau2 > 0)
		snprintf(v->why + len, sizeof(v->why) - len, " and %.2g%% between runs, from the compare",
			 sqrt(tau2) * 100);
}

void verdict_moderate_all(struct verdict *const *v, size_t n, struct ebayes_prior *prior)
{
	double *s2 = cb_xmalloc((n ? n : 1) * sizeof(*s2));
	double *df = cb_xmalloc((n ? n : 1) * sizeof(*df));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i]->by_runs) {
			s2[k] = v[i]->var_runs;
			df[k++] = v[i]->df_runs;
		}
	stats_ebayes_prior(s2, df, k, prior);
	for (size_t i = 0; i < n; i++)
		verdict_moderate(v[i], prior);
	free(s2);
	free(df);
}

void verdict_moderate(struct verdict *v, const struct ebayes_prior *prior)
{
	if (!v->by_runs || !(prior->d0 > 0))
		return;
	v->var_runs = stats_ebayes_var(prior, v->var_runs, (double)v->nruns_used - 1);
	v->df_runs = (double)v->nruns_used - 1 + prior->d0;
	runs_finish(v);
	size_t len = strlen(v->why);
	snprintf(v->why + len, sizeof(v->why) - len, ", variance moderated (prior df %.3g)", prior->d0);
}

void verdict_test(const double *const *base, const size_t *nbase, size_t runs,
		  const double *new_, size_t nn, bool count, const struct verdict_opts *o,
		  struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->p = v->q = v->se = v->df = v->spread = v->w_lo = NAN;
	v->mde = INFINITY;
	v->runs = runs;
	for (size_t i = 0; i < runs; i++)
		v->nb += nbase[i];
	v->nn = nn;
	if (count) {
		count_test(base, nbase, runs, new_, nn, o, v);
		return;
	}
	v->kind = VERDICT_NOISY;
	/* log scale: a shift there is a ratio */
	double **lb = cb_xcalloc(runs + 1, sizeof(*lb));
	size_t *nlb = cb_xcalloc(runs + 1, sizeof(*nlb));
	double *all = cb_xmalloc((v->nb ? v->nb : 1) * sizeof(*all));
	double *ln = cb_xmalloc((nn ? nn : 1) * sizeof(*ln));
	size_t nall = 0, with = 0;
	for (size_t i = 0; i < runs; i++) {
		lb[i] = cb_xmalloc((nbase[i] ? nbase[i] : 1) * sizeof(double));
		nlb[i] = logs(base[i], nbase[i], lb[i]);
		memcpy(all + nall, lb[i], nlb[i] * sizeof(double));
		nall += nlb[i];
		with += nlb[i] > 0;
	}
	size_t nln = logs(new_, nn, ln);
	double *med = cb_xmalloc((runs ? runs : 1) * sizeof(*med));
	size_t r = 0;
	for (size_t i = 0; i < runs; i++)
		if (nlb[i])
			med[r++] = exp(stats_median(lb[i], nlb[i]));
	v->base = stats_median(med, r);
	v->new_ = exp(stats_median(ln, nln));
	free(med);
	struct stats_hl h;
	stats_hl_shift(all, nall, ln, nln, 0.95, &h);
	if (with >= 2 && nln >= 1) {
		snprintf(v->why, sizeof(v->why), "%zu base runs", with);
		runs_test(lb, nlb, runs, ln, nln, &h, v);
	} else if (with == 1 && nall >= 2 && nln >= 2) {
		struct stats_ttest t;
		stats_welch(all, nall, ln, nln, &t);
		v->p = t.p;
		v->se = v->se_within = t.se;
		v->df = v->df_within = t.df;
		v->d_log = t.diff;
		v->ratio = exp(h.est);
		v->lo = v->hl_lo = h.lo;
		v->hi = v->hl_hi = h.hi;
		v->w_lo = h.est - h.lo;
		double mean, var;
		stats_mean_var(all, nall, &mean, &var);
		v->spread = sqrt(var);
		snprintf(v->why, sizeof(v->why), "one base run: rounds only");
	} else {
		v->ratio = v->base > 0 ? v->new_ / v->base : NAN;
		v->lo = v->hi = NAN;
		snprintf(v->why, sizeof(v->why), "too few units (%zu base, %zu new) to test: %s",
			 nall, nln, with <= 1 ? "use a baseline of >= 3 runs, or runs with rounds"
					       : "the new run has none");
	}
	v->testable = !isnan(v->p);
	if (!v->by_runs && !isnan(v->lo)) {
		v->lo = exp(v->lo);
		v->hi = exp(v->hi);
	}
	for (size_t i = 0; i < runs; i++)
		free(lb[i]);
	free(lb);
	free(nlb);
	free(all);
	free(ln);
}

void verdict_decide(struct verdict *v, const struct verdict_opts *o)
{
	if (v->count || isnan(v->p))
		return;
	double up = 1 + o->threshold, down = 1 / up;
	/* The smallest slowdown the same spread would have flagged in this
	 * family: its interval's lower bound past 1 + threshold and its p
	 * below the family's BH cut. */
	double cut = o->p_cut > 0 ? o->p_cut : o->fdr;
	double tcrit = v->df > 0 ? stats_t_quantile(1 - cut / 2, v->df) : NAN;
	double need = fmax(log(up) + (v->w_lo > 0 ? v->w_lo : 0), v->se > 0 ? tcrit * v->se : 0);
	v->mde = isnan(need) ? INFINITY : exp(need) - 1;
	char tail[96];
	size_t len = strlen(v->why);
	snprintf(tail, sizeof(tail), "; q=%.2g", v->q);
	if (v->q <= o->fdr && v->lo > up) {
		v->kind = VERDICT_REGRESSED;
		snprintf(tail, sizeof(tail), "; q=%.2g <= %.2g, interval above +%.3g%%", v->q, o->fdr,
			 o->threshold * 100);
	} else if (v->q <= o->fdr && v->hi < down) {
		v->kind = VERDICT_IMPROVED;
		snprintf(tail, sizeof(tail), "; q=%.2g <= %.2g, interval below -%.3g%%", v->q, o->fdr,
			 (1 - down) * 100);
	} else if (v->lo >= down && v->hi <= up) {
		v->kind = VERDICT_UNCHANGED;
		snprintf(tail, sizeof(tail), "; interval within +-%.3g%%", o->threshold * 100);
	} else {
		v->kind = VERDICT_NOISY;
		snprintf(tail, sizeof(tail), "; q=%.2g, interval reaches past +-%.3g%%", v->q,
			 o->threshold * 100);
	}
	snprintf(v->why + len, sizeof(v->why) - len, "%s", tail);
}

bool verdict_norm_gated(double sum_log, size_t n)
{
	return !n || sum_log / (double)n <= log(VERDICT_NORM_SLACK);
}
