#include "verdict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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

double verdict_ci_half_rel(const struct stats_summary *s)
{
	double w = s->ci_hi - s->ci_lo;
	if (w == 0)
		return 0;
	if (s->median == 0)
		return INFINITY;
	return w / 2 / fabs(s->median);
}

static double rel_change(double base, double new_)
{
	if (base == new_)
		return 0;
	if (base == 0)
		return new_ > 0 ? INFINITY : -INFINITY;
	return (new_ - base) / fabs(base);
}

void verdict_compute(const double *base, size_t nb, const double *new_, size_t nn,
		     const struct verdict_opts *o, struct verdict *out)
{
	memset(out, 0, sizeof(*out));
	stats_summarize(base, nb, &out->base);
	stats_summarize(new_, nn, &out->new_);
	out->p = NAN;
	out->change = rel_change(out->base.median, out->new_.median);
	if (out->base.n < VERDICT_MIN_SAMPLES || out->new_.n < VERDICT_MIN_SAMPLES) {
		out->kind = VERDICT_NOISY;
		snprintf(out->why, sizeof(out->why), "too few samples (%zu vs %zu, need %d)",
			 out->base.n, out->new_.n, VERDICT_MIN_SAMPLES);
		return;
	}
	out->p = stats_mann_whitney_p(base, nb, new_, nn);
	double diff = fabs(out->new_.median - out->base.median);
	if (out->p < o->alpha && fabs(out->change) > o->threshold && diff >= o->min_abs) {
		out->kind = out->change > 0 ? VERDICT_REGRESSED : VERDICT_IMPROVED;
		snprintf(out->why, sizeof(out->why), "p=%.2g < %.2g, |change| > %.3g%%", out->p,
			 o->alpha, o->threshold * 100);
		return;
	}
	double wb = verdict_ci_half_rel(&out->base), wn = verdict_ci_half_rel(&out->new_);
	if (wb > o->threshold || wn > o->threshold) {
		out->kind = VERDICT_NOISY;
		snprintf(out->why, sizeof(out->why), "median CI +/-%.3g%% / +/-%.3g%% wider than %.3g%%",
			 wb * 100, wn * 100, o->threshold * 100);
		return;
	}
	out->kind = VERDICT_UNCHANGED;
	if (out->p < o->alpha && diff < o->min_abs)
		snprintf(out->why, sizeof(out->why), "p=%.2g but the medians differ by < %g", out->p,
			 o->min_abs);
	else if (out->p < o->alpha)
		snprintf(out->why, sizeof(out->why), "p=%.2g but |change| <= %.3g%%", out->p,
			 o->threshold * 100);
	else
		snprintf(out->why, sizeof(out->why), "p=%.2g", out->p);
}
