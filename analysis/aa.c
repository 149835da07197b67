#include "aa.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "csv.h"
#include "fit.h"
#include "fmt.h"
#include "group.h"
#include "norm.h"
#include "parse.h"
#include "run.h"

const char *const aa_variant_names[AA_VARIANTS] = {
	[AA_RAW] = "raw", [AA_NORM] = "norm", [AA_CPU] = "cpu-probe",
	[AA_MEM] = "mem-probe", [AA_FIT] = "fitted-mix", [AA_SIZE] = "cpu-by-size",
	[AA_FAST] = "fast-state",
};

/* A share of a cell's samples in one state that names the cell's state. */
#define AA_STATE_SHARE 0.8

/* One run's samples of one configuration, as the variants need them. */
struct samples {
	size_t n;
	double *raw[8], *cpu, *mem;
	int *round;
};

struct loaded {
	struct run run;
	struct grouping g;
	int col_metric[8], col_cpu, col_mem, col_round;
};

static size_t nmetrics(void)
{
	size_t n = 0;
	while (norm_raw_metrics[n])
		n++;
	return n;
}

static int load(struct loaded *l, const char *dir, cb_error *e)
{
	if (run_load(dir, &l->run, e) < 0)
		return -1;
	const struct csv_table *h = l->run.host;
	if (!h) {
		cb_error_set(e, "%s: no host.csv", dir);
		return -1;
	}
	l->col_cpu = csv_col(h, "probe_cpu_ns");
	l->col_mem = csv_col(h, "probe_mem_ns");
	l->col_round = csv_col(h, "round");
	if (l->col_cpu < 0 || l->col_mem < 0 || l->col_round < 0) {
		cb_error_set(e, "%s: host.csv has no round and probe columns (an older cowbench made it)",
			     dir);
		return -1;
	}
	for (size_t m = 0; m < nmetrics(); m++)
		l->col_metric[m] = csv_col(h, norm_raw_metrics[m]);
	grouping_build(&l->g, h, run_host_keys, NULL, NULL);
	return 0;
}

/* A number of host-run.json as text; "?" when it is not there. */
static const char *num_text(json_t *v, double scale, char *buf, size_t len)
{
	if (json_is_number(v))
		snprintf(buf, len, "%.2f", json_number_value(v) * scale);
	else
		snprintf(buf, len, "?");
	return buf;
}

/* "seed 42, load 0.10-0.30, steal 0.10%" from DIR/host-run.json. */
static char *run_context(const char *dir)
{
	char *path = cb_path_join(dir, "host-run.json");
	json_t *j = json_load_file(path, 0, NULL);
	free(path);
	char buf[160] = "no host-run.json";
	if (j) {
		json_t *load = json_object_get(j, "load_avg");
		char l0[32], l1[32], st[32];
		snprintf(buf, sizeof(buf), "seed %lld, load %s-%s, steal %s%%",
			 (long long)json_integer_value(json_object_get(j, "seed")),
			 num_text(json_array_get(load, 0), 1, l0, sizeof(l0)),
			 num_text(json_array_get(load, 1), 1, l1, sizeof(l1)),
			 num_text(json_object_get(j, "steal_fraction"), 100, st, sizeof(st)));
		json_decref(j);
	}
	return cb_xstrdup(buf);
}

static void gather(const struct loaded *l, const struct group *g, struct samples *s)
{
	const struct csv_table *h = l->run.host;
	size_t n = g->nrows;
	s->n = n;
	for (size_t m = 0; m < nmetrics(); m++)
		s->raw[m] = cb_xcalloc(n ? n : 1, sizeof(double));
	s->cpu = cb_xcalloc(n ? n : 1, sizeof(double));
	s->mem = cb_xcalloc(n ? n : 1, sizeof(double));
	s->round = cb_xcalloc(n ? n : 1, sizeof(int));
	for (size_t i = 0; i < n; i++) {
		size_t r = g->rows[i];
		for (size_t m = 0; m < nmetrics(); m++)
			s->raw[m][i] = l->col_metric[m] < 0 ? NAN : csv_get_double(h, r, l->col_metric[m]);
		s->cpu[i] = csv_get_double(h, r, l->col_cpu);
		s->mem[i] = csv_get_double(h, r, l->col_mem);
		s->round[i] = (int)csv_get_double(h, r, l->col_round);
	}
}

static void samples_free(struct samples *s)
{
	for (size_t m = 0; m < nmetrics(); m++)
		free(s->raw[m]);
	free(s->cpu);
	free(s->mem);
	free(s->round);
}

/* x[i] for one variant; NaN drops the sample (fast-state keeps only the
 * samples in state 0). */
static double variant_value(const struct aa_table *t, enum aa_variant v, size_t m,
			    const struct samples *s, size_t i)
{
	double raw = s->raw[m][i], cpu = s->cpu[i], mem = s->mem[i];
	switch (v) {
	case AA_RAW:
		return raw;
	case AA_NORM:
		return norm_value(norm_raw_metrics[m], raw, cpu, mem);
	case AA_CPU:
		return cpu > 0 ? raw * NORM_REF_CPU_NS / cpu : NAN;
	case AA_MEM:
		return mem > 0 ? raw * NORM_REF_MEM_NS / mem : NAN;
	case AA_FIT:
		if (!(cpu > 0 && mem > 0))
			return NAN;
		return raw * pow(NORM_REF_CPU_NS / cpu, t->fit_cpu[m]) *
		       pow(NORM_REF_MEM_NS / mem, t->fit_mem[m]);
	case AA_SIZE: {
		if (!(cpu > 0 && raw > 0))
			return NAN;
		double w = t->size_a[m] + t->size_b[m] * log10(raw / 1000);
		return raw * pow(NORM_REF_CPU_NS / cpu, w);
	}
	case AA_FAST:
		return stats_state_of(&t->pooled, cpu) == 0 ? raw : NAN;
	default:
		return NAN;
	}
}

static void fill_cell(const struct aa_table *t, enum aa_variant v, size_t m,
		      const struct samples *s, struct aa_cell *c)
{
	double *x = cb_xcalloc(s->n ? s->n : 1, sizeof(*x));
	size_t fast = 0, probed = 0;
	for (size_t i = 0; i < s->n; i++) {
		x[i] = variant_value(t, v, m, s, i);
		if (!isnan(s->cpu[i])) {
			probed++;
			fast += stats_state_of(&t->pooled, s->cpu[i]) == 0;
		}
	}
	struct stats_rounds rd;
	stats_rounds_summarize(x, s->round, s->n, &rd);
	free(x);
	c->n = rd.n;
	c->nrounds = rd.nrounds;
	c->median = rd.median;
	c->ci_lo = rd.ci_lo;
	c->ci_hi = rd.ci_hi;
	double share = probed ? (double)fast / (double)probed : NAN;
	c->state = share >= AA_STATE_SHARE ? 0 : share <= 1 - AA_STATE_SHARE ? 1 : -1;
}

static void score_row(struct aa_row *r, size_t k)
{
	double lo = INFINITY, hi = 0;
	bool ok = true;
	for (size_t i = 0; i < k; i++) {
		double med = r->cells[i].median;
		ok = ok && med > 0;
		lo = med < lo ? med : lo;
		hi = med > hi ? med : hi;
	}
	r->spread = ok ? hi / lo : NAN;
	for (size_t i = 0; i < k; i++) {
		for (size_t j = 0; j < k; j++) {
			if (i == j || isnan(r->cells[i].median) || isnan(r->cells[j].ci_lo))
				continue;
			const struct aa_cell *a = &r->cells[i], *b = &r->cells[j];
			bool in = a->median >= b->ci_lo && a->median <= b->ci_hi;
			r->pairs++;
			r->covered += in;
			if (a->state >= 0 && a->state == b->state) {
				r->same_pairs++;
				r->same_covered += in;
			}
		}
	}
}

/* The fitted mix: log(raw) on log(cpu) and log(mem), each centred within
 * its configuration (over every run), so the fit sees what of a sample's
 * time the probes beside it explain, within runs and between them, apart
 * from what the configuration costs.  Robust (analysis/fit.h): a few
 * interrupted samples do not drag it. */
struct fit_rows {
	double *x, *y; /* x: FIT_COLS per row */
	size_t n, cap;
};

/* log cpu, log mem (centred), and log cpu times the configuration's
 * magnitude, log10(median raw / 1 us) */
#define FIT_COLS 3

static bool fit_usable(const double *raw, const struct samples *s, size_t i)
{
	return raw[i] > 0 && s->cpu[i] > 0 && s->mem[i] > 0;
}

/* One configuration's samples of metric m in all k runs. */
static void fit_add(struct fit_rows *f, size_t m, const struct samples *s, size_t k)
{
	double m0 = 0, m1 = 0, m2 = 0;
	size_t n = 0;
	for (size_t r = 0; r < k; r++) {
		for (size_t i = 0; i < s[r].n; i++) {
			if (!fit_usable(s[r].raw[m], &s[r], i))
				continue;
			m0 += log(s[r].raw[m][i]);
			m1 += log(s[r].cpu[i]);
			m2 += log(s[r].mem[i]);
			n++;
		}
	}
	if (n < 2)
		return;
	double size = (m0 / (double)n - log(1000)) / log(10); /* log10 of the geometric mean in us */
	for (size_t r = 0; r < k; r++) {
		for (size_t i = 0; i < s[r].n; i++) {
			if (!fit_usable(s[r].raw[m], &s[r], i))
				continue;
			if (f->n == f->cap) {
				f->cap = f->cap ? 2 * f->cap : 1024;
				f->x = cb_xrealloc(f->x, FIT_COLS * f->cap * sizeof(double));
				f->y = cb_xrealloc(f->y, f->cap * sizeof(double));
			}
			double *x = &f->x[FIT_COLS * f->n];
			f->y[f->n] = log(s[r].raw[m][i]) - m0 / (double)n;
			x[0] = log(s[r].cpu[i]) - m1 / (double)n;
			x[1] = log(s[r].mem[i]) - m2 / (double)n;
			x[2] = x[0] * size;
			f->n++;
		}
	}
}

/* Fits y on columns c0 and c1 of the rows; 0 where the data cannot tell. */
static void fit_pair(const struct fit_rows *f, int c0, int c1, double *b0, double *b1)
{
	double *x = cb_xcalloc(2 * (f->n ? f->n : 1), sizeof(double));
	for (size_t i = 0; i < f->n; i++) {
		x[2 * i] = f->x[FIT_COLS * i + c0];
		x[2 * i + 1] = f->x[FIT_COLS * i + c1];
	}
	struct fit_result r;
	cb_error e;
	*b0 = *b1 = 0;
	if (fit_robust(x, f->y, f->n, 2, false, &r, &e) == 0) {
		*b0 = r.identified[0] ? r.coef[0] : 0;
		*b1 = r.identified[1] ? r.coef[1] : 0;
	}
	free(x);
}

static void fit_solve(struct aa_table *t, size_t m, struct fit_rows *f)
{
	fit_pair(f, 0, 1, &t->fit_cpu[m], &t->fit_mem[m]);
	fit_pair(f, 0, 2, &t->size_a[m], &t->size_b[m]);
	free(f->x);
	free(f->y);
	memset(f, 0, sizeof(*f));
}

static char *config_name(const struct grouping *g, const struct group *grp)
{
	char mem[32], buf[160];
	format_size((uint64_t)strtod(group_value(g, grp, 2), NULL), mem, sizeof(mem));
	snprintf(buf, sizeof(buf), "%s/%s/mem=%s/dirty=%s", group_value(g, grp, 0),
		 group_value(g, grp, 1), mem, group_value(g, grp, 3));
	return cb_xstrdup(buf);
}

static void probe_series(const struct loaded *l, double **x, size_t *n)
{
	const struct csv_table *h = l->run.host;
	*x = cb_xcalloc(h->nrows ? h->nrows : 1, sizeof(double));
	*n = 0;
	for (size_t r = 0; r < h->nrows; r++) {
		double v = csv_get_double(h, r, l->col_cpu);
		if (!isnan(v))
			(*x)[(*n)++] = v;
	}
}

int aa_table_build(const char *const *dirs, size_t k, bool all_variants, struct aa_table *t,
		   cb_error *e)
{
	memset(t, 0, sizeof(*t));
	if (k < 2) {
		cb_error_set(e, "needs at least two runs to compare");
		return -1;
	}
	struct loaded *l = cb_xcalloc(k, sizeof(*l));
	int rc = 0;
	for (size_t i = 0; i < k && rc == 0; i++)
		rc = load(&l[i], dirs[i], e);
	if (rc < 0) {
		for (size_t i = 0; i < k; i++) {
			grouping_free(&l[i].g);
			run_free(&l[i].run);
		}
		free(l);
		return -1;
	}
	t->k = k;
	t->dirs = cb_xcalloc(k, sizeof(*t->dirs));
	t->states = cb_xcalloc(k, sizeof(*t->states));
	t->context = cb_xcalloc(k, sizeof(*t->context));
	size_t total = 0;
	for (size_t i = 0; i < k; i++) {
		t->dirs[i] = cb_xstrdup(dirs[i]);
		t->context[i] = run_context(dirs[i]);
		total += l[i].run.host->nrows;
	}
	double *pooled = cb_xcalloc(total ? total : 1, sizeof(double));
	size_t np = 0;
	for (size_t i = 0; i < k; i++) {
		double *x;
		size_t n;
		probe_series(&l[i], &x, &n);
		stats_detect_states(x, n, &t->states[i]);
		memcpy(pooled + np, x, n * sizeof(double));
		np += n;
		free(x);
	}
	stats_detect_states(pooled, np, &t->pooled);
	free(pooled);

	/* The configurations every run has, in run 1's (sorted) order. */
	const struct grouping *g0 = &l[0].g;
	const struct group **grp = cb_xcalloc(k, sizeof(*grp));
	struct samples *s = cb_xcalloc(k, sizeof(*s));
	size_t nm = nmetrics(), nv = all_variants ? AA_VARIANTS : AA_NORM + 1;
	struct fit_rows fit[8];
	memset(fit, 0, sizeof(fit));
	/* Two passes: the fit needs every sample before any row uses it. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t c = 0; c < g0->n; c++) {
			bool all = true;
			for (size_t i = 0; i < k && all; i++)
				all = (grp[i] = grouping_find(&l[i].g, g0->g[c].key)) != NULL;
			if (!all)
				continue;
			for (size_t i = 0; i < k; i++)
				gather(&l[i], grp[i], &s[i]);
			for (size_t m = 0; m < nm; m++) {
				bool measured = false;
				for (size_t i = 0; i < s[0].n && !measured; i++)
					measured = !isnan(s[0].raw[m][i]);
				if (!measured)
					continue;
				if (pass == 0) {
					fit_add(&fit[m], m, s, k);
					continue;
				}
				for (size_t v = 0; v < nv; v++) {
					t->rows = cb_xrealloc(t->rows, (t->nrows + 1) * sizeof(*t->rows));
					struct aa_row *r = &t->rows[t->nrows++];
					memset(r, 0, sizeof(*r));
					r->config = config_name(g0, &g0->g[c]);
					r->metric = norm_raw_metrics[m];
					r->variant = (enum aa_variant)v;
					r->cells = cb_xcalloc(k, sizeof(*r->cells));
					for (size_t i = 0; i < k; i++)
						fill_cell(t, r->variant, m, &s[i], &r->cells[i]);
					score_row(r, k);
				}
			}
			for (size_t i = 0; i < k; i++)
				samples_free(&s[i]);
		}
		if (pass == 0)
			for (size_t m = 0; m < nm; m++)
				fit_solve(t, m, &fit[m]);
	}
	free(grp);
	free(s);
	for (size_t i = 0; i < k; i++) {
		grouping_free(&l[i].g);
		run_free(&l[i].run);
	}
	free(l);
	if (t->nrows == 0) {
		cb_error_set(e, "the runs have no configuration in common");
		aa_table_free(t);
		return -1;
	}
	return 0;
}

/* "create_norm" for the normalized variant, "create_ns" raw, else
 * "create_ns (cpu-probe)". */
static const char *row_label(const struct aa_row *r, char *buf, size_t len)
{
	if (r->variant == AA_RAW)
		snprintf(buf, len, "%s", r->metric);
	else if (r->variant == AA_NORM)
		snprintf(buf, len, "%s", norm_metric_name(r->metric));
	else
		snprintf(buf, len, "%s (%s)", r->metric, aa_variant_names[r->variant]);
	return buf;
}

static void print_states(FILE *f, const char *who, const struct stats_states *s)
{
	char a[32], b[32];
	if (s->k == 2)
		fprintf(f, "  %-12s 2 states: %s (%.0f%% of probes) and %s (%.0f%%), threshold %.0f ns\n",
			who, fmt_ns(s->center[0], a, sizeof(a)), 100 * s->share[0],
			fmt_ns(s->center[1], b, sizeof(b)), 100 * s->share[1], s->threshold);
	else
		fprintf(f, "  %-12s 1 state: %s\n", who, fmt_ns(s->center[0], a, sizeof(a)));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void aa_table_print(const struct aa_table *t, FILE *f)
{
	fprintf(f, "aa-check: %zu separate runs of one matrix\n\n", t->k);
	fprintf(f, "machine states the CPU probe showed (probe_cpu_ns, stats_detect_states):\n");
	for (size_t i = 0; i < t->k; i++) {
		char who[32];
		snprintf(who, sizeof(who), "run %zu", i + 1);
		print_states(f, who, &t->states[i]);
		fprintf(f, "  %-12s (%s)\n", "", t->context[i]);
	}
	print_states(f, "all pooled", &t->pooled);
	bool fitted = false;
	for (size_t r = 0; r < t->nrows; r++)
		fitted |= t->rows[r].variant == AA_FIT;
	if (fitted) {
		fprintf(f, "\nfitted-mix exponents (log time on log probes, centred per configuration):\n");
		for (size_t m = 0; norm_raw_metrics[m]; m++)
			fprintf(f, "  %-16s cpu %.3f  mem %.3f;  cpu-by-size: %.3f %+.3f log10(t / 1 us)\n",
				norm_raw_metrics[m], t->fit_cpu[m], t->fit_mem[m], t->size_a[m],
				t->size_b[m]);
	}
	fprintf(f, "\n%-30s %7s %7s %9s %18s %8s %8s\n", "metric", "configs", "pairs", "coverage",
		"same-state cover", "spread~", "spread^");
	/* One summary line per (metric, variant), in the rows' own order. */
	for (size_t r0 = 0; r0 < t->nrows; r0++) {
		const struct aa_row *a = &t->rows[r0];
		bool first = true;
		for (size_t q = 0; q < r0 && first; q++)
			first = !(t->rows[q].metric == a->metric && t->rows[q].variant == a->variant);
		if (!first)
			continue;
		size_t configs = 0, pairs = 0, cov = 0, sp = 0, sc = 0;
		double *spreads = cb_xcalloc(t->nrows, sizeof(double));
		size_t ns = 0;
		for (size_t r = r0; r < t->nrows; r++) {
			const struct aa_row *b = &t->rows[r];
			if (b->metric != a->metric || b->variant != a->variant)
				continue;
			configs++;
			pairs += b->pairs;
			cov += b->covered;
			sp += b->same_pairs;
			sc += b->same_covered;
			if (!isnan(b->spread))
				spreads[ns++] = b->spread;
		}
		qsort(spreads, ns, sizeof(double), cmp_double);
		char label[64], same[32];
		if (sp)
			snprintf(same, sizeof(same), "%zu/%zu %3.0f%%", sc, sp, 100.0 * (double)sc / (double)sp);
		else
			snprintf(same, sizeof(same), "-");
		fprintf(f, "%-30s %7zu %7zu %8.0f%% %18s %8.3f %8.3f\n", row_label(a, label, sizeof(label)),
			configs, pairs, pairs ? 100.0 * (double)cov / (double)pairs : NAN, same,
			ns ? spreads[ns / 2] : NAN, ns ? spreads[ns - 1] : NAN);
		free(spreads);
	}
	fprintf(f, "\n(coverage: share of ordered run pairs i != j with run i's median inside run j's\n"
		   "95%% interval; same-state: only pairs whose runs' samples of that configuration sat\n"
		   "in one machine state (>= 80%% of their probes); spread~/^: median and largest\n"
		   "max/min of the run medians over the configurations)\n");
	fprintf(f, "\nper configuration (medians of runs 1..%zu):\n", t->k);
	for (size_t r = 0; r < t->nrows; r++) {
		const struct aa_row *a = &t->rows[r];
		char label[64];
		fprintf(f, "  %-28s %-30s", a->config, row_label(a, label, sizeof(label)));
		for (size_t i = 0; i < t->k; i++) {
			char v[32];
			fprintf(f, " %10s", fmt_ns(a->cells[i].median, v, sizeof(v)));
		}
		fprintf(f, "  spread %.3f  covered %zu/%zu\n", a->spread, a->covered, a->pairs);
	}
}

int aa_table_write_csv(const struct aa_table *t, const char *path, cb_error *e)
{
	struct afile af;
	if (afile_open(&af, path, e) < 0)
		return -1;
	struct csv_writer w;
	csv_writer_init(&w, af.fp);
	static const char *const cols[] = {
		"config", "metric", "variant", "run", "n", "rounds", "median", "ci_lo", "ci_hi",
		"state", "spread", "covered", "pairs", "same_covered", "same_pairs", NULL,
	};
	csv_header(&w, cols);
	for (size_t r = 0; r < t->nrows; r++) {
		const struct aa_row *a = &t->rows[r];
		for (size_t i = 0; i < t->k; i++) {
			const struct aa_cell *c = &a->cells[i];
			csv_str(&w, a->config);
			csv_str(&w, a->variant == AA_NORM ? norm_metric_name(a->metric) : a->metric);
			csv_str(&w, aa_variant_names[a->variant]);
			csv_u64(&w, i + 1);
			csv_u64(&w, c->n);
			csv_u64(&w, c->nrounds);
			csv_double(&w, c->median);
			csv_double(&w, c->ci_lo);
			csv_double(&w, c->ci_hi);
			csv_i64(&w, c->state);
			csv_double(&w, a->spread);
			csv_u64(&w, a->covered);
			csv_u64(&w, a->pairs);
			csv_u64(&w, a->same_covered);
			csv_u64(&w, a->same_pairs);
			csv_end_row(&w);
		}
	}
	return afile_commit(&af, e);
}

void aa_table_free(struct aa_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		free(t->rows[r].config);
		free(t->rows[r].cells);
	}
	free(t->rows);
	for (size_t i = 0; i < t->k; i++) {
		free(t->dirs ? t->dirs[i] : NULL);
		free(t->context ? t->context[i] : NULL);
	}
	free(t->dirs);
	free(t->context);
	free(t->states);
	memset(t, 0, sizeof(*t));
}
