/* cowbench compare BASE_DIR NEW_DIR: per configuration and metric, did the
 * new run get slower, faster, or can the samples not tell? */
#include "compare.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "analysis.h"
#include "env.h"
#include "fmt.h"
#include "group.h"
#include "mclass.h"
#include "parse.h"

struct kind {
	const char *name;
	const char *const *keys;
	const char *const *metrics;
};

static const char *const host_metrics[] = {"create_ns", "child_start_ns", "total_ns", "cow_ns",
					   NULL};
/* ns only where it is hardware time; the exit counts are exact everywhere. */
static const char *const vm_metrics[] = {
	"ns", "exits", "pf_taken", "pf_fixed", "pf_emulate", "pf_guest", "pf_spurious",
	"tlb_flush", "invlpg", "io_exits", "insn_emulation", "mmu_shadow_zapped",
	"mmu_pte_write", "mmu_cache_miss", NULL,
};

static const struct kind kinds[] = {
	{"host", run_host_keys, host_metrics},
	{"vm", run_vm_phase_keys, vm_metrics},
};

/* How a key column appears in a benchmark name: "mem=1G"; a column not
 * listed is its value alone ("fork"). */
static const char *key_label(const char *col)
{
	static const struct {
		const char *col, *label;
	} labels[] = {
		{"mem_bytes", "mem"},	   {"dirty_pages", "dirty"}, {"guest_page", "guest"},
		{"cow_policy", "cow"},	   {"prefault", "prefault"}, {"region_bytes", "region"},
	};
	for (size_t i = 0; i < CB_ARRAY_SIZE(labels); i++)
		if (!strcmp(labels[i].col, col))
			return labels[i].label;
	return NULL;
}

static const struct kind *kind_by_name(const char *name)
{
	for (size_t i = 0; i < CB_ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

static char *bench_name(const struct kind *k, const struct grouping *gr, const struct group *g)
{
	char buf[512];
	size_t at = (size_t)snprintf(buf, sizeof(buf), "%s", k->name);
	for (size_t i = 0; i < gr->nkeys && at < sizeof(buf); i++) {
		const char *v = group_value(gr, g, i);
		if (!*v)
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

/* Samples of a metric over a group; for vm ns, none at all when any row
 * is not hardware time (a mix would compare emulation with hardware). */
static size_t samples(const struct grouping *gr, const struct group *g, const char *metric,
		      double *out)
{
	if (!strcmp(metric, "ns")) {
		int tv = csv_col(gr->t, "timing_valid");
		for (size_t i = 0; i < g->nrows; i++)
			if (tv < 0 || !run_true(csv_get(gr->t, g->rows[i], tv)))
				return 0;
	}
	return group_column(gr, g, metric, out);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), k = strlen(suffix);
	return l >= k && !strcmp(s + l - k, suffix);
}

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

void compare_table(struct cmp *c, const char *kind, const struct csv_table *base,
		   const struct csv_table *new_)
{
	const struct kind *k = kind_by_name(kind);
	struct grouping gb = {0}, gn = {0};
	if (base)
		grouping_build(&gb, base, k->keys, NULL, NULL);
	if (new_)
		grouping_build(&gn, new_, k->keys, NULL, NULL);
	for (size_t i = 0; i < gn.n; i++) {
		const struct group *g = &gn.g[i];
		const struct group *b = base ? grouping_find(&gb, g->key) : NULL;
		char *name = bench_name(k, &gn, g);
		if (!b)
			add_name(&c->only_new, &c->non, cb_xstrdup(name));
		double *x = cb_xmalloc(g->nrows * sizeof(*x));
		double *y = b ? cb_xmalloc(b->nrows * sizeof(*y)) : NULL;
		for (const char *const *m = k->metrics; *m; m++) {
			size_t nx = samples(&gn, g, *m, x), ny = b ? samples(&gb, b, *m, y) : 0;
			if (!nx)
				continue;
			struct cmp_row *r = add_row(c);
			r->bench = cb_xstrdup(name);
			r->metric = *m;
			r->unit = ends_with(*m, "ns") ? "ns" : "count";
			if (b && ny) {
				struct verdict_opts o = c->o;
				o.min_abs = strcmp(r->unit, "ns") ? 1 : 0;
				verdict_compute(y, ny, x, nx, &o, &r->v);
				r->matched = true;
				c->count[r->v.kind]++;
				if (r->v.kind == VERDICT_REGRESSED && (!c->gate_counts || o.min_abs))
					c->gated++;
			} else {
				stats_summarize(x, nx, &r->v.new_);
				r->v.p = NAN;
				r->v.change = NAN;
			}
		}
		free(x);
		free(y);
		free(name);
	}
	for (size_t i = 0; i < gb.n; i++)
		if (!new_ || !grouping_find(&gn, gb.g[i].key))
			add_name(&c->only_base, &c->nob, bench_name(k, &gb, &gb.g[i]));
	if (base)
		grouping_free(&gb);
	if (new_)
		grouping_free(&gn);
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
	for (size_t i = 0; i < c->n; i++)
		free(c->rows[i].bench);
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
	run_free(&c->base);
	run_free(&c->new_);
}

/* --- the command --- */

static void usage(FILE *f)
{
	fputs("usage: cowbench compare BASE_DIR NEW_DIR [--threshold 5%] [--alpha 0.01]\n"
	      "                        [--gate all|counts] [--allow-env-change] [--out DIR]\n"
	      "       cowbench compare --machine-class RUN_DIR\n"
	      "Compares every configuration and metric the two runs share (medians, relative\n"
	      "change, two-sided Mann-Whitney U on the raw samples).  A metric regressed when\n"
	      "p < alpha and its median grew by more than the threshold.  Writes verdict.md,\n"
	      "bench.json (github-action-benchmark, customSmallerIsBetter) and bmf.json\n"
	      "(Bencher Metric Format) into DIR (default NEW_DIR/compare).\n"
	      "--gate counts lets only event counts (exits, faults) fail the comparison and\n"
	      "reports time regressions without failing: for machines whose timings drift\n"
	      "between runs (shared cloud VMs).\n"
	      "Exit status: 0 no significant regression, 1 a regression, 2 bad input or runs\n"
	      "from different machines (fingerprint in meta.json; --allow-env-change compares\n"
	      "anyway).  --machine-class prints the name of RUN_DIR's baseline folder under\n"
	      "results/reference/.\n",
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

void compare_parse_args(int argc, char **argv, struct compare_args *a)
{
	static const struct option opts[] = {
		{"threshold", required_argument, NULL, 't'},
		{"alpha", required_argument, NULL, 'a'},
		{"allow-env-change", no_argument, NULL, 'E'},
		{"gate", required_argument, NULL, 'g'},
		{"out", required_argument, NULL, 'o'},
		{"machine-class", no_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	memset(a, 0, sizeof(*a));
	a->threshold = 0.05;
	a->alpha = 0.01;
	cb_error e;
	int opt;
	optind = 0; /* not 1: glibc then also forgets a "-xy" an earlier parse left half-read */
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 't': a->threshold = parse_threshold(optarg); break;
		case 'a':
			if (parse_double(optarg, &a->alpha, &e) < 0)
				cb_die_err(CB_EXIT_USAGE, "--alpha", &e);
			if (!(a->alpha > 0 && a->alpha < 1))
				cb_die(CB_EXIT_USAGE, "--alpha", "'%s' is not between 0 and 1", optarg);
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
		cb_die(CB_EXIT_USAGE, "compare", "needs BASE_DIR and NEW_DIR (try --help)");
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
	c.o.alpha = a.alpha;
	c.gate_counts = a.gate_counts;
	c.base_dir = a.base_dir;
	c.new_dir = a.new_dir;
	bool allow_env = a.allow_env;
	const char *out = a.out;
	cb_error e;
	if (run_load(c.base_dir, &c.base, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "compare", &e);
	if (run_load(c.new_dir, &c.new_, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "compare", &e);

	if (!c.base.meta || !c.new_.meta) {
		const char *which = !c.base.meta ? c.base_dir : c.new_dir;
		if (!allow_env)
			cb_die(CB_EXIT_USAGE, "compare", "%s has no meta.json, so nothing says the runs "
				"come from the same machine class; pass --allow-env-change to compare "
				"anyway", which);
		cb_warn("compare", "%s has no meta.json: the machine fingerprint is not checked", which);
	} else if (compare_env(&c, c.base.meta, c.new_.meta) && !allow_env) {
		char why[1024];
		size_t at = 0;
		for (size_t i = 0; i < c.nfp && at < sizeof(why); i++)
			at += (size_t)snprintf(why + at, sizeof(why) - at, "%s%s", i ? "; " : "", c.notes[i]);
		cb_die(CB_EXIT_USAGE, "compare", "the runs come from different machines (fingerprint: "
			"%s); pass --allow-env-change to compare anyway", why);
	}
	for (size_t i = 0; i < c.nnotes; i++)
		cb_warn("compare", "%s %s", i < c.nfp ? "fingerprint differs (compared anyway):" :
			"environment differs:", c.notes[i]);

	compare_table(&c, "host", c.base.host, c.new_.host);
	compare_table(&c, "vm", c.base.vm, c.new_.vm);
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
