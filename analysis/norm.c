#include "norm.h"

#include <math.h>
#include <string.h>

/* X(raw, norm, w_cpu, w_mem).  How the exponents were chosen, and what
 * else was tried: results/README.md, "Speed-normalized figures". */
#define NORM_METRICS(X)                                 \
	X(create_ns, create_norm, 1.0, 0.0)             \
	X(child_start_ns, child_start_norm, 1.0, 0.0)   \
	X(total_ns, total_norm, 1.0, 0.0)               \
	X(cow_ns, cow_norm, 1.0, 0.0)

static const struct norm_desc {
	const char *raw, *norm;
	double w_cpu, w_mem;
} norms[] = {
#define NORM_DESC_(raw, norm, wc, wm) {#raw, #norm, wc, wm},
	NORM_METRICS(NORM_DESC_)
#undef NORM_DESC_
};

const char *const norm_raw_metrics[] = {
#define NORM_RAW_(raw, norm, wc, wm) #raw,
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
	return raw * factor(NORM_REF_CPU_NS, probe_cpu_ns, d->w_cpu) *
	       factor(NORM_REF_MEM_NS, probe_mem_ns, d->w_mem);
}
