/* cowbench compare BASE_DIR NEW_DIR: per configuration and metric, did the
 * new run get slower, faster, or can the samples not tell? */
#include "compare.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "analysis.h"
#include "bench.h"
#include "ebayes.h"
#include "env.h"
#include "fdr.h"
#include "fmt.h"
#include "group.h"
#include "mclass.h"
#include "parse.h"
#include "stats.h"

static struct cmp_row *add_row(struct cmp *c)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->rows = cb_xrealloc(c->rows, c->cap * sizeof(*c->rows));
	}
	struct cmp_row *r = &c->rows[c->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void add_name(char ***list, size_t *n, char *name)
{
	*list = cb_xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[(*n)++] = name;
}

/* The new run's own estimate and interval, for the dashboards: over
 * rounds where it has them, else the samples' median CI. */
static void own_interval(const double *x, const int *unit, size_t n, size_t nunits,
			 struct cmp_row *r)
{
	if (nunits >= 2) {
		struct stats_rounds s;
		stats_rounds_summarize(x, unit, n, &s);
		r->median = s.median;
		r->ci_lo = s.ci_lo;
		r->ci_hi = s.ci_hi;
		r->nsamples = s.n;
	} else {
		struct stats_summary s;
		stats_summarize(x, n, &s);
		r->median = s.median;
		r->ci_lo = s.ci_lo;
		r->ci_hi = s.ci_hi;
		r->nsamples = s.n;
	}
}

void compare_table(struct cmp *c, const char *kind, const struct csv_table *const *base,
		   size_t nbase, const struct csv_table *new_)
{
	const struct bench_kind *k = bench_kind_by_name(kind);
	struct grouping *gb = cb_xcalloc(nbase + 1, sizeof(*gb));
	struct grouping gn = {0};
	for (size_t b = 0; b < nbase; b++)
		if (base[b])
			grouping_build(&gb[b], base[b], k->keys, NULL, NULL);
	if (new_)
		grouping_build(&gn, new_, k->keys, NULL, NULL);
	const double **bu = cb_xcalloc(nbase + 1, sizeof(*bu));
	size_t *nbu = cb_xcalloc(nbase + 1, sizeof(*nbu));
	for (size_t i = 0; i < gn.n; i++) {
		const struct group *g = &gn.g[i];
		const struct group **bg = cb_xcalloc(nbase + 1, sizeof(*bg));
		size_t found = 0;
		for (size_t b = 0; b < nbase; b++)
			if (base[b] && (bg[b] = grouping_find(&gb[b], g->key)))
				found++;
		char *name = bench_name(k, &gn, g);
		if (!found)
			add_name(&c->only_new, &c->non, cb_xstrdup(name));
		double *x = cb_xmalloc(g->nrows * sizeof(*x)), *xu = cb_xmalloc(g->nrows * sizeof(*xu));
		int *unit = cb_xmalloc(g->nrows * sizeof(*unit));
		for (const struct bench_metric *m = k->metrics; m->name; m++) {
			if (!bench_samples(k, &gn, g, m, x, unit))
				continue;
			struct cmp_row *r = add_row(c);
			r->bench = cb_xstrdup(name);
			r->metric = m->name;
			r->unit = bench_unit(m);
			r->gated = true;
			r->sibling = m->raw;
			r->norm = m->raw != NULL;
			size_t nu = bench_units(x, unit, g->nrows, xu);
			own_interval(x, unit, g->nrows, nu, r);
			r->family = bench_family(k, &gn, g);
			r->new_log = verdict_log_median(xu, nu);
			r->base_log = cb_xmalloc((nbase ? nbase : 1) * sizeof(*r->base_log));
			r->nbase_log = nbase;
			for (size_t b = 0; b < nbase; b++)
				r->base_log[b] = NAN;
			/* the same configuration in every base run that has it */
			size_t runs = 0;
			for (size_t b = 0; b < nbase; b++) {
				if (!bg[b])
					continue;
				const struct group *o = bg[b];
				double *y = cb_xmalloc(o->nrows * sizeof(*y));
				int *yu = cb_xmalloc(o->nrows * sizeof(*yu));
				double *units = cb_xmalloc(o->nrows * sizeof(*units));
				size_t n = 0;
				if (bench_samples(k, &gb[b], o, m, y, yu))
					n = bench_units(y, yu, o->nrows, units);
				free(y);
				free(yu);
				if (!n) {
					free(units);
					continue;
				}
				r->base_log[b] = verdict_log_median(units, n);
				bu[runs] = units;
				nbu[runs++] = n;
			}
			if (runs) {
				verdict_test(bu, nbu, runs, xu, nu, m->count, &c->o, &r->v);
				r->matched = true;
			}
			for (size_t b = 0; b < runs; b++)
				free((double *)bu[b]);
		}
		free(bg);
		free(x);
		free(xu);
		free(unit);
		free(name);
	}
	/* configurations that no longer exist, once each */
	for (size_t b = 0; b < nbase; b++) {
		if (!base[b])
			continue;
		for (size_t i = 0; i < gb[b].n; i++) {
			const struct group *g = &gb[b].g[i];
			bool seen = new_ && grouping_find(&gn, g->key);
			for (size_t e = 0; e < b && !seen; e++)
				seen = base[e] && grouping_find(&gb[e], g->key);
			if (!seen)
				add_name(&c->only_base, &c->nob, bench_name(k, &gb[b], g));
		}
		grouping_free(&gb[b]);
	}
	free(gb);
	free(bu);
	free(nbu);
	if (new_)
		grouping_free(&gn);
}

/* Every metric judged against several base runs shares those runs: their
 * between-run variances are moderated toward one prior (ebayes.h), fitted
 * to the metrics of one kind: the gated ones, or the listed ones.  Raw
 * times move about twice as much between runs as normalized ones here
 * (sd of log run medians over 20 runs: median 0.089 against 0.046), so a
 * prior fitted to both sees that spread of spreads, puts few degrees of
 * freedom in it (2.7 over one quick compare) and lends the gated metrics
 * almost nothing. */
static void moderate_kind(struct cmp *c, bool gated, struct ebayes_prior *prior)
{
	struct verdict **v = cb_xmalloc((c->n ? c->n : 1) * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->rows[i].matched && c->rows[i].gated == gated)
			v[k++] = &c->rows[i].v;
	verdict_moderate_all(v, k, prior);
	free(v);
}

static void moderate(struct cmp *c)
{
	struct ebayes_prior listed;
	moderate_kind(c, true, &c->prior);
	moderate_kind(c, false, &listed);
}

static struct cmp_row *find_row(struct cmp *c, const char *bench, const char *metric)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->rows[i].bench, bench) && !strcmp(c->rows[i].metric, metric))
			return &c->rows[i];
	return NULL;
}

/* A raw time and its speed-normalized form measure one thing, and only
 * one of them is gated, the same one for every configuration: the
 * normalized metric, unless the baseline shows it less steady than the raw
 * one, its spread (between runs, or between the rounds of one run) larger
 * by more than a quarter in the geometric mean over the configurations
 * that have both.  One spread on 2 degrees of freedom says little; a
 * hundred of them say which figure holds still on this machine.  And not
 * simply the smaller spread: a baseline whose runs all sat in one machine
 * state shows both alike, and then only the normalized figure survives a
 * new run in the other state. */
static void pick_gated(struct cmp *c)
{
	const char *done[16];
	size_t ndone = 0;
	for (size_t i = 0; i < c->n; i++) {
		const char *metric = c->rows[i].metric;
		if (!c->rows[i].norm || !c->rows[i].matched)
			continue;
		bool seen = false;
		for (size_t k = 0; k < ndone && !seen; k++)
			seen = done[k] == metric;
		if (seen || ndone == CB_ARRAY_SIZE(done))
			continue;
		done[ndone++] = metric;
		/* the evidence: log spread ratios over every pair of this metric */
		double sum = 0;
		size_t n = 0;
		for (size_t j = i; j < c->n; j++) {
			struct cmp_row *norm = &c->rows[j];
			if (norm->metric != metric || !norm->matched)
				continue;
			struct cmp_row *raw = find_row(c, norm->bench, norm->sibling);
			if (raw && raw->matched && norm->v.spread > 0 && raw->v.spread > 0) {
				sum += log(norm->v.spread / raw->v.spread);
				n++;
			}
		}
		bool norm_gated = verdict_norm_gated(sum, n);
		for (size_t j = i; j < c->n; j++) {
			struct cmp_row *norm = &c->rows[j];
			if (norm->metric != metric || !norm->matched)
				continue;
			struct cmp_row *raw = find_row(c, norm->bench, norm->sibling);
			if (!raw || !raw->matched)
				continue;
			/* a normalized figure that cannot be tested gates nothing */
			bool use_norm = norm_gated && norm->v.testable;
			struct cmp_row *off = use_norm ? raw : norm;
			off->gated = false;
			off->v.testable = false; /* out of the BH family */
			size_t len = strlen(off->v.why);
			snprintf(off->v.why + len, sizeof(off->v.why) - len,
				 "; listed: %s is gated (spread ratio norm/raw %.3g)",
				 use_norm ? norm->metric : raw->metric, n ? exp(sum / (double)n) : NAN);
		}
	}
}

/* Benjamini-Hochberg over the testable verdicts v[0..n) (one family of
 * hypotheses), then each verdict with that family's cut. */
static void decide_all(struct verdict *const *v, size_t n, const struct verdict_opts *base,
		       size_t *tests)
{
	double *p = cb_xmalloc((n ? n : 1) * sizeof(*p));
	double *q = cb_xmalloc((n ? n : 1) * sizeof(*q));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		p[i] = v[i]->testable ? v[i]->p : NAN;
		m += !isnan(p[i]);
	}
	stats_bh_adjust(p, n, q);
	*tests = m;
	struct verdict_opts o = *base;
	/* BH's cut: the largest p it rejected, else what one rejection needs */
	o.p_cut = m ? base->fdr / (double)m : base->fdr;
	for (size_t i = 0; i < n; i++)
		if (!isnan(p[i]) && q[i] <= base->fdr && p[i] > o.p_cut)
			o.p_cut = p[i];
	for (size_t i = 0; i < n; i++) {
		v[i]->q = q[i];
		verdict_decide(v[i], &o);
	}
	free(p);
	free(q);
}

static double abs_z_median(const double *d, const double *se2, size_t n, double tau2, double *tmp)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = fabs(d[i]) / sqrt(se2[i] + 2 * tau2);
	return stats_median(tmp, n);
}

/* With one base run, each metric's rounds show how it moves within a run,
 * and nothing shows how far it moves between runs: two runs of one build
 * here differ by far more than their rounds (one against another: 5 of 20
 * compares failed on rounds alone, each on one or two configurations
 * 12-80% off).  Across the compare's gated metrics, though, the changes of
 * a same-build pair spread by that much: tau2 is what makes their
 * standardized changes |d| / sqrt(se^2 + 2 tau2) have the median of a
 * standard normal's (0.6745), a robust scale that the few metrics a real
 * regression moves barely shift.  Fewer than 8 such metrics: none
 * borrowed. */
static void borrow_between(struct cmp *c)
{
	double *d = cb_xmalloc((c->n ? c->n : 1) * sizeof(*d));
	double *se2 = cb_xmalloc((c->n ? c->n : 1) * sizeof(*se2));
	double *tmp = cb_xmalloc((c->n ? c->n : 1) * sizeof(*tmp));
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct cmp_row *r = &c->rows[i];
		if (r->matched && r->gated && r->v.testable && !r->v.by_runs && !r->v.count &&
		    isfinite(r->v.d_log) && isfinite(r->v.se_within)) {
			d[n] = r->v.d_log;
			se2[n++] = r->v.se_within * r->v.se_within;
		}
	}
	c->tau2 = 0;
	if (n >= 8) {
		/* around 0, not around their median: a shift the whole run shares
		 * is tested, so it belongs in the spread */
		double hi = 0;
		for (size_t i = 0; i < n; i++)
			hi = fmax(hi, 4 * d[i] * d[i]); /* there every |z| is below 1/(2 sqrt 2) */
		if (hi > 0 && abs_z_median(d, se2, n, 0, tmp) > 0.6745) {
			double lo = 0;
			for (int it = 0; it < 100; it++) {
				double mid = (lo + hi) / 2;
				if (abs_z_median(d, se2, n, mid, tmp) > 0.6745)
					lo = mid;
				else
					hi = mid;
			}
			c->tau2 = hi;
		}
	}
	for (size_t i = 0; i < c->n; i++)
		if (c->rows[i].matched)
			verdict_between(&c->rows[i].v, c->tau2);
	free(d);
	free(se2);
	free(tmp);
}

void compare_decide(struct cmp *c)
{
	pick_gated(c);
	moderate(c);
	borrow_between(c);
	family_test(c);
	struct verdict **v = cb_xmalloc((c->n + c->nfam + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->rows[i].matched) /* every time metric of this compare that could be tested */
			v[n++] = &c->rows[i].v;
	/* Two sets of hypotheses, each failing the compare: with families,
	 * each gets half of --fdr, so that a same-build compare fails with
	 * probability at most --fdr (BH at level a bounds that chance by a
	 * when nothing changed). */
	struct verdict_opts o = c->o;
	if (c->nfam)
		o.fdr = c->o.fdr / 2;
	c->fdr_used = o.fdr;
	decide_all(v, n, &o, &c->tests);
	for (size_t i = 0; i < c->nfam; i++)
		v[i] = &c->fam[i].v;
	decide_all(v, c->nfam, &o, &c->fam_tests);
	free(v);
	memset(c->count, 0, sizeof(c->count));
	memset(c->fam_count, 0, sizeof(c->fam_count));
	c->gated = 0;
	c->listed = 0;
	for (size_t i = 0; i < c->n; i++) {
		struct cmp_row *r = &c->rows[i];
		if (!r->matched)
			continue;
		if (!r->gated) {
			c->listed++;
			continue;
		}
		c->count[r->v.kind]++;
		if (r->v.kind == VERDICT_REGRESSED && (!c->gate_counts || r->v.count))
			c->gated++;
	}
	for (size_t i = 0; i < c->nfam; i++) {
		c->fam_count[c->fam[i].v.kind]++;
		if (c->fam[i].v.kind == VERDICT_REGRESSED && !c->gate_counts)
			c->gated++;
	}
}

/* --- environment --- */

static char *json_text(const json_t *j)
{
	if (!j)
		return cb_xstrdup("(absent)");
	char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
	return s ? s : cb_xstrdup("?");
}

static void add_note(struct cmp *c, const char *key, const json_t *a, const json_t *b)
{
	char *x = json_text(a), *y = json_text(b);
	char buf[640];
	snprintf(buf, sizeof(buf), "%s: %s -> %s", key, x, y);
	free(x);
	free(y);
	add_name(&c->notes, &c->nnotes, cb_xstrdup(buf));
}

/* Worth saying, never a reason to refuse: comparing kernels, THP settings
 * or commits is what compare is for. */
static const char *const env_soft_keys[] = {
	"kernel.release", "kernel.mitigations", "memory.thp.enabled", "memory.thp.defrag",
	"power.governor", "power.boost", "power.smt_active", "kvm.module", "cowbench.commit",
	"cowbench.compiler", NULL,
};

static bool same(const json_t *a, const json_t *b)
{
	return (!a && !b) || (a && b && json_equal(a, b));
}

size_t compare_env(struct cmp *c, const json_t *base, const json_t *new_)
{
	json_t *fb = json_object_get(base, "fingerprint"), *fn = json_object_get(new_, "fingerprint");
	for (size_t i = 0; env_fingerprint_keys[i]; i++) {
		json_t *a = fb ? json_object_get(fb, env_fingerprint_keys[i]) : NULL;
		json_t *b = fn ? json_object_get(fn, env_fingerprint_keys[i]) : NULL;
		if (!same(a, b)) {
			add_note(c, env_fingerprint_keys[i], a, b);
			c->nfp++;
		}
	}
	for (size_t i = 0; env_soft_keys[i]; i++) {
		json_t *a = run_meta_get(base, env_soft_keys[i]), *b = run_meta_get(new_, env_soft_keys[i]);
		if (!same(a, b))
			add_note(c, env_soft_keys[i], a, b);
	}
	return c->nfp;
}

void compare_free(struct cmp *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->rows[i].bench);
		free(c->rows[i].family);
		free(c->rows[i].base_log);
	}
	family_free(c);
	free(c->rows);
	for (size_t i = 0; i < c->nob; i++)
		free(c->only_base[i]);
	free(c->only_base);
	for (size_t i = 0; i < c->non; i++)
		free(c->only_new[i]);
	free(c->only_new);
	for (size_t i = 0; i < c->nnotes; i++)
		free(c->notes[i]);
	free(c->notes);
	for (size_t i = 0; i < c->nbase; i++)
		run_free(&c->base[i]);
	free(c->base);
	run_free(&c->new_);
}

/* --- the command --- */

static void usage(FILE *f)
{
	fputs("usage: cowbench compare BASE NEW_DIR [--threshold 5%] [--fdr 0.05]\n"
	      "                        [--gate all|counts] [--allow-env-change] [--out DIR]\n"
	      "       cowbench compare --machine-class RUN_DIR\n"
	      "BASE is a run folder or a folder of run folders (a baseline of several runs:\n"
	      "their spread is what a metric moves between runs on this machine).\n"
	      "Compares every configuration and metric on run-level units (round medians, or\n"
	      "run medians for runs without rounds) computed from host.csv and vm.csv.  A\n"
	      "time regressed when its Benjamini-Hochberg-adjusted p (over every metric of\n"
	      "this compare) is <= --fdr (half of it when families are tested, below) and\n"
	      "the 95% interval of new/base lies above\n"
	      "1 + threshold; event counts must pass every base run by more than one\n"
	      "event, the base runs' range and the threshold.  With several base runs each\n"
	      "family (one operation's metric over all its configurations, e.g. host/fork\n"
	      "create_norm) is judged too, on the median of its configurations' changes,\n"
	      "and a family regressed fails the compare.  Every verdict states its\n"
	      "minimum detectable effect.  Writes verdict.md, bench.json (github-action-\n"
	      "benchmark, customSmallerIsBetter) and bmf.json (Bencher Metric Format) into\n"
	      "DIR (default NEW_DIR/compare).\n"
	      "--gate counts lets only event counts (exits, faults) fail the comparison.\n"
	      "Exit status: 0 no regression, 1 a regression (metric or family), 2 bad input, runs from\n"
	      "different machines or a baseline mixing machine classes (--allow-env-change\n"
	      "compares anyway).  --machine-class prints the name of RUN_DIR's baseline\n"
	      "folder under results/reference/.\n",
	      f);
}

static double parse_threshold(const char *s)
{
	cb_error e;
	double v;
	bool pct;
	if (parse_ratio(s, &v, &pct, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--threshold", &e);
	if (!pct && v >= 1)
		cb_die(CB_EXIT_USAGE, "--threshold", "'%s' is a fraction of 1 or more; write a "
			"percentage as '%s%%'", s, s);
	if (!(v > 0))
		cb_die(CB_EXIT_USAGE, "--threshold", "'%s' must be positive", s);
	return v;
}

static int machine_class(const char *dir)
{
	cb_error e;
	char *path = cb_path_join(dir, "meta.json");
	json_error_t je;
	json_t *meta = json_load_file(path, 0, &je);
	if (!meta)
		cb_die(CB_EXIT_USAGE, "--machine-class", "%s: %s", path, je.text);
	char cls[256];
	if (mclass_from_meta(meta, cls, sizeof(cls), &e) < 0)
		cb_die(CB_EXIT_USAGE, "--machine-class", "%s: %s", path, e.msg);
	puts(cls);
	json_decref(meta);
	free(path);
	return 0;
}

/* A baseline of several runs must come from one machine class: their
 * spread is what the gate scales every change by. */
static void check_classes(struct cmp *c, bool allow_env)
{
	char first[256] = "", cls[256];
	const char *first_dir = NULL;
	for (size_t i = 0; i < c->nbase; i++) {
		cb_error e;
		if (!c->base[i].meta || mclass_from_meta(c->base[i].meta, cls, sizeof(cls), &e) < 0)
			continue;
		if (!first_dir) {
			snprintf(first, sizeof(first), "%s", cls);
			first_dir = c->base[i].dir;
		} else if (strcmp(first, cls)) {
			if (!allow_env)
				cb_die(CB_EXIT_USAGE, "compare", "the baseline mixes machine classes (%s "
					"in %s, %s in %s); pass --allow-env-change to compare anyway",
					first, first_dir, cls, c->base[i].dir);
			cb_warn("compare", "the baseline mixes machine classes (%s, %s): compared anyway",
				first, cls);
			return;
		}
	}
}

static void check_env(struct cmp *c, bool allow_env)
{
	const struct run *b = NULL;
	for (size_t i = 0; i < c->nbase && !b; i++)
		if (!c->base[i].meta)
			b = &c->base[i];
	const char *which = b ? b->dir : !c->new_.meta ? c->new_dir : NULL;
	if (which) {
		if (!allow_env)
			cb_die(CB_EXIT_USAGE, "compare", "%s has no meta.json, so nothing says the runs "
				"come from the same machine class; pass --allow-env-change to compare "
				"anyway", which);
		cb_warn("compare", "%s has no meta.json: the machine fingerprint is not checked", which);
		return;
	}
	check_classes(c, allow_env);
	if (compare_env(c, c->base[0].meta, c->new_.meta) && !allow_env) {
		char why[1024];
		size_t at = 0;
		for (size_t i = 0; i < c->nfp && at < sizeof(why); i++)
			at += (size_t)snprintf(why + at, sizeof(why) - at, "%s%s", i ? "; " : "", c->notes[i]);
		cb_die(CB_EXIT_USAGE, "compare", "the runs come from different machines (fingerprint: "
			"%s); pass --allow-env-change to compare anyway", why);
	}
}

void compare_parse_args(int argc, char **argv, struct compare_args *a)
{
	static const struct option opts[] = {
		{"threshold", required_argument, NULL, 't'},
		{"fdr", required_argument, NULL, 'f'},
		{"allow-env-change", no_argument, NULL, 'E'},
		{"gate", required_argument, NULL, 'g'},
		{"out", required_argument, NULL, 'o'},
		{"machine-class", no_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	memset(a, 0, sizeof(*a));
	a->threshold = 0.05;
	a->fdr = 0.05;
	cb_error e;
	int opt;
	optind = 0; /* not 1: glibc then also forgets a "-xy" an earlier parse left half-read */
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 't': a->threshold = parse_threshold(optarg); break;
		case 'f':
			if (parse_double(optarg, &a->fdr, &e) < 0)
				cb_die_err(CB_EXIT_USAGE, "--fdr", &e);
			if (!(a->fdr > 0 && a->fdr < 1))
				cb_die(CB_EXIT_USAGE, "--fdr", "'%s' is not between 0 and 1", optarg);
			break;
		case 'E': a->allow_env = true; break;
		case 'g':
			if (!strcmp(optarg, "counts"))
				a->gate_counts = true;
			else if (strcmp(optarg, "all"))
				cb_die(CB_EXIT_USAGE, "--gate", "'%s' is not all or counts", optarg);
			break;
		case 'o': a->out = optarg; break;
		case 'M': a->machine_class = true; break;
		case 'h': usage(stdout); exit(0);
		default: cb_die(CB_EXIT_USAGE, "compare", "bad option (try --help)");
		}
	}
	if (a->machine_class) {
		if (argc - optind != 1)
			cb_die(CB_EXIT_USAGE, "--machine-class", "needs exactly one RUN_DIR");
		a->base_dir = argv[optind];
		return;
	}
	if (argc - optind != 2)
		cb_die(CB_EXIT_USAGE, "compare", "needs BASE and NEW_DIR (try --help)");
	a->base_dir = argv[optind];
	a->new_dir = argv[optind + 1];
}

int compare_main(int argc, char **argv)
{
	struct compare_args a;
	compare_parse_args(argc, argv, &a);
	if (a.machine_class)
		return machine_class(a.base_dir);
	struct cmp c;
	memset(&c, 0, sizeof(c));
	c.o.threshold = a.threshold;
	c.o.fdr = a.fdr;
	c.gate_counts = a.gate_counts;
	c.base_dir = a.base_dir;
	c.new_dir = a.new_dir;
	bool allow_env = a.allow_env;
	const char *out = a.out;
	cb_error e;
	if (run_load_set(c.base_dir, &c.base, &c.nbase, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "compare", &e);
	if (run_load(c.new_dir, &c.new_, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "compare", &e);
	check_env(&c, allow_env);
	for (size_t i = 0; i < c.nnotes; i++)
		cb_warn("compare", "%s %s", i < c.nfp ? "fingerprint differs (compared anyway):" :
			"environment differs:", c.notes[i]);

	const struct csv_table **bt = cb_xcalloc(c.nbase + 1, sizeof(*bt));
	for (size_t i = 0; i < c.nbase; i++)
		bt[i] = c.base[i].host;
	compare_table(&c, "host", bt, c.nbase, c.new_.host);
	for (size_t i = 0; i < c.nbase; i++)
		bt[i] = c.base[i].vm;
	compare_table(&c, "vm", bt, c.nbase, c.new_.vm);
	free(bt);
	compare_decide(&c);
	size_t matched = 0;
	for (size_t i = 0; i < 4; i++)
		matched += c.count[i];
	if (!matched)
		cb_die(CB_EXIT_USAGE, "compare", "%s and %s have no configuration and metric in "
			"common", c.base_dir, c.new_dir);

	char *dir = out ? cb_xstrdup(out) : cb_path_join(c.new_dir, "compare");
	if (cb_make_out_dir(dir, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--out", &e);
	if (compare_write(&c, dir, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "compare", &e);
	compare_markdown(&c, stdout, true);
	printf("\nFull table: %s/verdict.md\n", dir);
	free(dir);
	int rc = c.gated ? CB_EXIT_FAIL : 0;
	compare_free(&c);
	return rc;
}
