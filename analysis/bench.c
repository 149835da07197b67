#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cb.h"
#include "cb_kvm_stats.h"
#include "compare.h"
#include "fmt.h"
#include "norm.h"
#include "run.h"
#include "stats.h"
#include "stats_impl.h"

/* A sample's speed-normalized figure, through the one definition
 * (norm.h) from the raw time and the probe beside it. */
static double normalized(const struct csv_table *t, size_t row, const char *metric);

/* Each raw time, then its normalized form (norm_metric_name; the names
 * are checked against norm.h by test_compare). */
#define HOST_TIME(raw, norm, writes) \
	{raw, false, false, NULL, NULL, writes}, {norm, false, false, normalized, raw, writes}
static const struct bench_metric host_metrics[] = {
	HOST_TIME("create_ns", "create_norm", false),
	HOST_TIME("child_start_ns", "child_start_norm", false),
	HOST_TIME("total_ns", "total_norm", false),
	HOST_TIME("cow_ns", "cow_norm", true),
	{NULL, false, false, NULL, NULL, false},
};

static double normalized(const struct csv_table *t, size_t row, const char *metric)
{
	const char *raw = NULL;
	for (const struct bench_metric *m = host_metrics; m->name && !raw; m++)
		if (!strcmp(m->name, metric))
			raw = m->raw;
	return norm_value(raw, csv_get_double(t, row, csv_col(t, raw)),
			  csv_get_double(t, row, csv_col(t, "probe_cpu_ns")),
			  csv_get_double(t, row, csv_col(t, "probe_mem_ns")));
}

/* ns only where it is hardware time; the exit counts are exact
 * everywhere: every KVM statistic vm.csv has a column for
 * (common/cb_kvm_stats.h), as names for compare_vm_metrics and as counts. */
#define VM_COUNT(name) {#name, true, false, NULL, NULL, false},
#define VM_NAME(name) #name,
#define VM_METRIC(name, in_vm_csv, required) CB_KVM_IF_VM(in_vm_csv, VM_COUNT, name)
#define VM_METRIC_NAME(name, in_vm_csv, required) CB_KVM_IF_VM(in_vm_csv, VM_NAME, name)
static const struct bench_metric vm_metrics[] = {
	{"ns", false, true, NULL, NULL, false},
	CB_KVM_STATS(VM_METRIC)
	{NULL, false, false, NULL, NULL, false},
};
const char *const compare_vm_metrics[] = {"ns", CB_KVM_STATS(VM_METRIC_NAME) NULL};
#undef VM_METRIC_NAME
#undef VM_METRIC
#undef VM_NAME
#undef VM_COUNT

static const char *const host_unit_cols[] = {"round", NULL};
/* A guest boot is the VM sweep's run-level unit where it has no rounds:
 * the reps inside one boot share its placement of guest memory. */
static const char *const vm_unit_cols[] = {"round", "boot", NULL};

static const char *const host_family_keys[] = {"primitive", NULL};
/* a guest phase is one operation; where and how the guest is paged change
 * what that operation is */
static const char *const vm_family_keys[] = {"where", "mmu", "primitive", "phase", NULL};

const struct bench_kind bench_kinds[] = {
	{"host", run_host_keys, host_metrics, host_unit_cols, host_family_keys},
	{"vm", run_vm_phase_keys, vm_metrics, vm_unit_cols, vm_family_keys},
};
const size_t bench_nkinds = CB_ARRAY_SIZE(bench_kinds);

const struct bench_metric *bench_metric_by_name(const struct bench_kind *k, const char *name)
{
	for (const struct bench_metric *m = k->metrics; m->name; m++)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

const struct bench_kind *bench_kind_by_name(const char *name)
{
	for (size_t i = 0; i < bench_nkinds; i++)
		if (!strcmp(bench_kinds[i].name, name))
			return &bench_kinds[i];
	return NULL;
}

/* How a key column appears in a benchmark name: "mem=1G"; a column not
 * listed is its value alone ("fork"). */
static const char *key_label(const char *col)
{
	static const struct {
		const char *col, *label;
	} labels[] = {
		{"mem_bytes", "mem"},	   {"dirty_pages", "dirty"}, {"guest_page", "guest"},
		{"cow_policy", "cow"},	   {"prefault", "prefault"}, {"region_bytes", "region"},
		{"threads", "threads"},	   {"vmas", "vmas"},
	};
	for (size_t i = 0; i < CB_ARRAY_SIZE(labels); i++)
		if (!strcmp(labels[i].col, col))
			return labels[i].label;
	return NULL;
}

char *bench_name(const struct bench_kind *k, const struct grouping *gr, const struct group *g)
{
	char buf[512];
	size_t at = (size_t)snprintf(buf, sizeof(buf), "%s", k->name);
	for (size_t i = 0; i < gr->nkeys && at < sizeof(buf); i++) {
		const char *v = group_value(gr, g, i);
		/* a host dimension at its default is left out, so a configuration
		 * keeps the name it had before the dimension existed */
		const char *def = run_host_dim_default(gr->keys[i]);
		if (!*v || (def && !strcmp(v, def)))
			continue;
		char sz[32];
		const char *label = key_label(gr->keys[i]);
		if (strstr(gr->keys[i], "bytes"))
			v = fmt_bytes(strtod(v, NULL), sz, sizeof(sz));
		if (label)
			at += (size_t)snprintf(buf + at, sizeof(buf) - at, "/%s=%s", label, v);
		else
			at += (size_t)snprintf(buf + at, sizeof(buf) - at, "/%s", v);
	}
	return cb_xstrdup(buf);
}

char *bench_family(const struct bench_kind *k, const struct grouping *gr, const struct group *g)
{
	char buf[256];
	size_t at = (size_t)snprintf(buf, sizeof(buf), "%s", k->name);
	for (size_t f = 0; k->family_keys[f] && at < sizeof(buf); f++)
		for (size_t i = 0; i < gr->nkeys; i++)
			if (!strcmp(gr->keys[i], k->family_keys[f]))
				at += (size_t)snprintf(buf + at, sizeof(buf) - at, "/%s",
						       group_value(gr, g, i));
	return cb_xstrdup(buf);
}

char *bench_family_of(const char *bench)
{
	const struct bench_kind *k = NULL;
	for (size_t i = 0; i < bench_nkinds && !k; i++) {
		size_t l = strlen(bench_kinds[i].name);
		if (!strncmp(bench, bench_kinds[i].name, l) && bench[l] == '/')
			k = &bench_kinds[i];
	}
	if (!k)
		return NULL;
	/* the family keys: a run of the kind's first keys, then perhaps its last */
	size_t lead = 0, nkeys = 0, nfam = 0;
	while (k->keys[nkeys])
		nkeys++;
	while (k->family_keys[nfam])
		nfam++;
	while (lead < nfam && lead < nkeys && !strcmp(k->family_keys[lead], k->keys[lead]))
		lead++;
	bool last = lead + 1 == nfam && nkeys && !strcmp(k->family_keys[lead], k->keys[nkeys - 1]);
	if (lead != nfam && !last)
		return NULL; /* not a shape this can read back */
	const char *p = bench + strlen(k->name);
	for (size_t i = 0; i < lead; i++) {
		const char *q = strchr(p + 1, '/');
		if (!q) {
			if (i + 1 < lead || last)
				return NULL;
			return cb_xstrdup(bench); /* the name is its family */
		}
		p = q;
	}
	const char *tail = last ? strrchr(bench, '/') : "";
	if (last && tail <= p)
		return NULL;
	size_t n = (size_t)(p - bench);
	char *out = cb_xmalloc(n + strlen(tail) + 1);
	memcpy(out, bench, n);
	strcpy(out + n, tail);
	return out;
}

const char *bench_unit(const struct bench_metric *m)
{
	return m->count ? "count" : "ns";
}

int bench_unit_col(const struct bench_kind *k, const struct csv_table *t)
{
	for (size_t i = 0; k->unit_cols[i]; i++) {
		int c = csv_col(t, k->unit_cols[i]);
		if (c >= 0)
			return c;
	}
	return -1;
}

bool bench_samples(const struct bench_kind *k, const struct grouping *gr, const struct group *g,
		   const struct bench_metric *m, double *x, int *unit)
{
	const struct csv_table *t = gr->t;
	int tv = csv_col(t, "timing_valid"), uc = bench_unit_col(k, t), mc = csv_col(t, m->name);
	int dc = m->writes ? csv_col(t, "dirty_pages") : -1;
	bool any = false;
	for (size_t i = 0; i < g->nrows; i++) {
		size_t row = g->rows[i];
		/* nothing written, nothing this metric measures */
		if (dc >= 0 && !(csv_get_double(t, row, dc) > 0))
			return false;
		/* a mix would compare emulation with hardware */
		if (m->hw_time && (tv < 0 || !run_true(csv_get(t, row, tv))))
			return false;
		x[i] = m->value ? m->value(t, row, m->name) : csv_get_double(t, row, mc);
		unit[i] = uc < 0 ? 0 : stats_unit_id(csv_get_double(t, row, uc));
		any |= !isnan(x[i]);
	}
	return any;
}

struct tagged {
	int unit;
	double v;
};

static int by_unit(const void *a, const void *b)
{
	const struct tagged *x = a, *y = b;
	if (x->unit != y->unit)
		return (x->unit > y->unit) - (x->unit < y->unit);
	return stats_cmp_double(&x->v, &y->v);
}

size_t bench_units(const double *x, const int *unit, size_t n, double *out)
{
	struct tagged *t = cb_xmalloc((n ? n : 1) * sizeof(*t));
	double *v = cb_xmalloc((n ? n : 1) * sizeof(*v));
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			t[m++] = (struct tagged){unit[i], x[i]};
	qsort(t, m, sizeof(*t), by_unit);
	size_t nu = 0;
	for (size_t i = 0; i < m;) {
		size_t j = i;
		while (j < m && t[j].unit == t[i].unit) {
			v[j - i] = t[j].v;
			j++;
		}
		out[nu++] = stats_quantile_sorted(v, j - i, 0.5);
		i = j;
	}
	free(t);
	free(v);
	return nu;
}

void bmf_put(json_t *root, const char *bench, const char *measure, double value, double lo,
	     double hi)
{
	json_t *b = json_object_get(root, bench);
	if (!b) {
		b = json_object();
		json_object_set_new(root, bench, b);
	}
	json_t *m = json_object();
	json_object_set_new(m, "value", json_real(value));
	if (isfinite(lo))
		json_object_set_new(m, "lower_value", json_real(lo));
	if (isfinite(hi))
		json_object_set_new(m, "upper_value", json_real(hi));
	json_object_set_new(b, measure, m);
}
