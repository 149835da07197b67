#include "norm.h"

#include <math.h>
#include <string.h>

/* X(raw, norm, w_short, t_short_ns, w_long, t_long_ns, w_mem).
 *
 * The CPU exponent goes with the time's own magnitude: w_short up to
 * t_short_ns, w_long from t_long_ns on, linear in log(time) between.  In
 * the slow state of the development VMs the CPU loop takes 2.2x its fast
 * time, but an operation slows by less, and the longer it is the less:
 * clone_vm's 11 us create by 1.6-1.8x (an exponent of 0.6-0.7), vfork and
 * posix_spawn by 1.4-1.7x, fork of 256 MiB's 4.4 ms by 1.36x (0.38): the
 * short ones are kernel code paths that run at the CPU's speed, the long
 * ones spend more and more of their time on memory (page tables, struct
 * pages), which the slow state slows far less (the memory probe: 1.25x).
 * The COW loop writes pages and takes faults: 0.25 at every length.  The
 * memory probe adds nothing beyond the CPU probe here (fitted exponent
 * about 0), so it has weight 0.  What else was tried and how each did:
 * results/README.md, "Speed-normalized figures". */
#define NORM_METRICS(X)                                                     \
	X(create_ns, create_norm, 0.65, 20e3, 0.38, 4e6, 0.0)               \
	X(child_start_ns, child_start_norm, 0.65, 20e3, 0.38, 4e6, 0.0)     \
	X(total_ns, total_norm, 0.65, 20e3, 0.38, 4e6, 0.0)                 \
	X(cow_ns, cow_norm, 0.25, 20e3, 0.25, 4e6, 0.0)

static const struct norm_desc {
	const char *raw, *norm;
	double w_short, t_short, w_long, t_long, w_mem;
} norms[] = {
#define NORM_DESC_(raw, norm, ws, ts, wl, tl, wm) {#raw, #norm, ws, ts, wl, tl, wm},
	NORM_METRICS(NORM_DESC_)
#undef NORM_DESC_
};

const char *const norm_raw_metrics[] = {
#define NORM_RAW_(raw, norm, ws, ts, wl, tl, wm) #raw,
	NORM_METRICS(NORM_RAW_)
#undef NORM_RAW_
	NULL,
};

static const struct norm_desc *find(const char *raw_metric)
{
	for (size_t i = 0; raw_metric && i < sizeof(norms) / sizeof(norms[0]); i++)
		if (!strcmp(norms[i].raw, raw_metric))
			return &norms[i];
	return NULL;
}

const char *norm_metric_name(const char *raw_metric)
{
	const struct norm_desc *d = find(raw_metric);
	return d ? d->norm : NULL;
}

/* The CPU exponent for a time of raw ns.  Over the whole range the
 * normalized value still grows with the raw one (the exponent falls by
 * 0.27 over 2.3 decades, far too slowly to turn it round). */
static double cpu_weight(const struct norm_desc *d, double raw)
{
	if (!(raw > d->t_short))
		return d->w_short;
	if (raw >= d->t_long)
		return d->w_long;
	double f = log(raw / d->t_short) / log(d->t_long / d->t_short);
	return d->w_short + f * (d->w_long - d->w_short);
}

/* ref / probe to the power w; a weight of 0 needs no probe at all. */
static double factor(double ref, double probe, double w)
{
	if (w == 0)
		return 1;
	if (!(probe > 0) || isinf(probe))
		return NAN;
	return pow(ref / probe, w);
}

double norm_value(const char *raw_metric, double raw, double probe_cpu_ns, double probe_mem_ns)
{
	const struct norm_desc *d = find(raw_metric);
	if (!d || isnan(raw))
		return NAN;
	return raw * factor(NORM_REF_CPU_NS, probe_cpu_ns, cpu_weight(d, raw)) *
	       factor(NORM_REF_MEM_NS, probe_mem_ns, d->w_mem);
}
