/* compare's matching: configurations in both runs are compared metric by
 * metric, the rest are listed; fingerprints decide comparability. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "check.h"
#include "compare.h"
#include "norm.h"

/* A host.csv with `n` samples per configuration in 5 rounds; `slow` scales
 * create_ns of fork at 4096 bytes. */
static struct csv_table *host_table(int n, double slow, bool extra_config)
{
	char *text = malloc(100000);
	size_t at = (size_t)sprintf(text, "primitive,page_mode,mem_bytes,dirty_pages,rep,create_ns,"
					  "child_start_ns,total_ns,cow_ns,round\n");
	for (int r = 0; r < n; r++) {
		double jitter = (double)((r * 7) % n);
		int round = r % 5 + 1;
		/* cow_ns with nothing dirtied: the clock alone, 30 ns or 40 */
		at += (size_t)sprintf(text + at, "fork,4k,4096,0,%d,%g,%g,%g,%d,%d\n", r,
				      (1000 + jitter) * slow, 2000 + jitter, 3000 + jitter,
				      30 + 10 * (r % 2), round);
		at += (size_t)sprintf(text + at, "vfork,4k,4096,0,%d,%g,%g,%g,%d,%d\n", r, 500 + jitter,
				      800 + jitter, 900 + jitter, 30 + 10 * (r % 3 == 0), round);
		if (extra_config)
			at += (size_t)sprintf(text + at, "fork,thp,2097152,0,%d,%g,%g,%g,,%d\n", r,
					      700 + jitter, 900 + jitter, 1900 + jitter, round);
	}
	cb_error e;
	struct csv_table *t = csv_parse(text, at, "host.csv", &e);
	free(text);
	return t;
}

static const struct cmp_row *find(const struct cmp *c, const char *bench, const char *metric)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->rows[i].bench, bench) && !strcmp(c->rows[i].metric, metric))
			return &c->rows[i];
	return NULL;
}

/* every row's family, read back from its name alone as the history does */
static void families_by_name(const struct cmp *c)
{
	for (size_t i = 0; i < c->n; i++) {
		char *f = bench_family_of(c->rows[i].bench);
		CHECK(f && c->rows[i].family && !strcmp(f, c->rows[i].family));
		free(f);
	}
}

static void matching(void)
{
	struct csv_table *base = host_table(20, 1, true), *new_ = host_table(20, 1.2, false);
	struct cmp c = {.o = {.threshold = 0.05, .fdr = 0.05}};
	const struct csv_table *b1[] = {base}, *n1[] = {new_};
	compare_table(&c, "host", b1, 1, new_);
	compare_decide(&c);
	/* 2 matched configurations x 3 metrics: cow_ns, which with nothing
	 * dirtied times the clock alone, is no metric there */
	CHECK_EQ_U64(c.n, 6);
	CHECK_EQ_U64(c.count[VERDICT_REGRESSED], 1);
	CHECK_EQ_U64(c.count[VERDICT_UNCHANGED], 5);
	const struct cmp_row *r = find(&c, "host/fork/4k/mem=4K/dirty=0", "create_ns");
	CHECK(r != NULL);
	if (r) {
		CHECK(r->matched && r->v.kind == VERDICT_REGRESSED);
		CHECK_STR(r->unit, "ns");
		CHECK(r->v.nb == 5 && r->v.nn == 5 && r->nsamples == 20);
		CHECK(r->v.lo > 1.15);
	}
	CHECK(find(&c, "host/fork/4k/mem=4K/dirty=0", "cow_ns") == NULL);
	families_by_name(&c);
	/* the thp configuration is only in the base run: listed, not compared */
	CHECK_EQ_U64(c.nob, 1);
	CHECK_EQ_U64(c.non, 0);
	if (c.nob)
		CHECK_STR(c.only_base[0], "host/fork/thp/mem=2M/dirty=0");

	/* the other way round: new-only rows carry the new run's numbers */
	struct cmp d = {.o = c.o};
	compare_table(&d, "host", n1, 1, base);
	compare_decide(&d);
	CHECK_EQ_U64(d.non, 1);
	r = find(&d, "host/fork/thp/mem=2M/dirty=0", "create_ns");
	CHECK(r && !r->matched && r->nsamples == 20);
	CHECK_EQ_U64(d.count[VERDICT_IMPROVED], 1);

	/* a missing table on one side: everything is one-sided */
	struct cmp e = {.o = c.o};
	const struct csv_table *none[] = {NULL};
	compare_table(&e, "host", none, 1, new_);
	compare_decide(&e);
	CHECK_EQ_U64(e.non, 2);
	CHECK_EQ_U64(e.count[VERDICT_UNCHANGED] + e.count[VERDICT_REGRESSED], 0);
	compare_free(&c);
	compare_free(&d);
	compare_free(&e);
	csv_free(base);
	csv_free(new_);
}

/* A vm.csv with a pvm-shadow (not hardware time) and an ept configuration;
 * `slow` scales ns only. */
static struct csv_table *vm_table(double slow)
{
	char text[20000];
	size_t at = (size_t)sprintf(text, "where,mmu,timing_valid,primitive,guest_page,cow_policy,"
					  "backing,prefault,region_bytes,dirty_pages,rep,sample,phase,"
					  "ns,exits,round\n");
	for (int r = 0; r < 12; r++) {
		at += (size_t)sprintf(text + at, "host,pvm-shadow,false,fork,4k,,anon4k,yes,2097152,16,"
						 "%d,%d,dirty,%g,50,%d\n", r, r, (1000 + r) * slow, r % 4);
		at += (size_t)sprintf(text + at, "host,ept,true,fork,4k,,anon4k,yes,2097152,16,"
						 "%d,%d,dirty,%g,2,%d\n", r, 100 + r, (1000 + r) * slow, r % 4);
	}
	cb_error err;
	return csv_parse(text, at, "vm.csv", &err);
}

static void vm_timing(void)
{
	/* ns is compared only where it is hardware time; exits everywhere.
	 * Both configurations' ns doubled: only the ept one may say so. */
	struct csv_table *base = vm_table(1), *new_ = vm_table(2);
	struct cmp c = {.o = {.threshold = 0.05, .fdr = 0.05}};
	const struct csv_table *b1[] = {base};
	compare_table(&c, "vm", b1, 1, new_);
	compare_decide(&c);
	const char *pvm = "vm/host/pvm-shadow/fork/guest=4k/anon4k/prefault=yes/region=2M/dirty=16/dirty";
	const char *ept = "vm/host/ept/fork/guest=4k/anon4k/prefault=yes/region=2M/dirty=16/dirty";
	CHECK(find(&c, pvm, "exits") != NULL);
	CHECK(find(&c, pvm, "ns") == NULL);
	const struct cmp_row *r = find(&c, ept, "ns");
	CHECK(r && r->matched && r->v.kind == VERDICT_REGRESSED);
	CHECK_EQ_U64(c.count[VERDICT_REGRESSED], 1);
	CHECK_EQ_U64(c.nob + c.non, 0);
	families_by_name(&c);
	compare_free(&c);
	csv_free(base);
	csv_free(new_);
}

static void fingerprints(void)
{
	json_t *a = json_pack("{s:{s:s,s:i,s:s},s:{s:s}}", "fingerprint", "cpu_brand", "X",
			      "logical_cpus", 2, "kvm_mmu", "ept", "kernel", "release", "6.1");
	json_t *b = json_deep_copy(a);
	struct cmp c = {0};
	CHECK_EQ_U64(compare_env(&c, a, b), 0);
	CHECK_EQ_U64(c.nnotes, 0);
	json_object_set_new(json_object_get(b, "fingerprint"), "logical_cpus", json_integer(4));
	json_object_set_new(json_object_get(b, "kernel"), "release", json_string("6.2"));
	struct cmp d = {0};
	CHECK_EQ_U64(compare_env(&d, a, b), 1);
	CHECK_EQ_U64(d.nnotes, 2); /* the fingerprint key, then the kernel */
	if (d.nnotes == 2) {
		CHECK_STR(d.notes[0], "logical_cpus: 2 -> 4");
		CHECK_STR(d.notes[1], "kernel.release: \"6.1\" -> \"6.2\"");
	}
	compare_free(&c);
	compare_free(&d);
	json_decref(a);
	json_decref(b);
}

/* compare's normalized metrics are norm.h's, one for one */
static void norm_names(void)
{
	const struct bench_kind *host = bench_kind_by_name("host");
	size_t n = 0;
	for (size_t i = 0; norm_raw_metrics[i]; i++) {
		const struct bench_metric *m = bench_metric_by_name(host, norm_metric_name(norm_raw_metrics[i]));
		CHECK(m && m->raw && !strcmp(m->raw, norm_raw_metrics[i]) && m->value);
		CHECK(bench_metric_by_name(host, norm_raw_metrics[i]) != NULL);
		n++;
	}
	size_t with_raw = 0;
	for (const struct bench_metric *m = host->metrics; m->name; m++)
		with_raw += m->raw != NULL;
	CHECK_EQ_U64(with_raw, n);
}

/* A deterministic normal deviate (Box-Muller on a 64-bit LCG). */
static double gauss(uint64_t *s)
{
	double u[2];
	for (int i = 0; i < 2; i++) {
		*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
		u[i] = ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
	}
	return sqrt(-2 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

/* One run of `nconf` fork and vfork configurations, 6 rounds of 3 samples:
 * each configuration's run median off by a normal 8% (what one
 * configuration moves between runs here), the whole run by 1%, rounds by
 * 3%.  `slow` scales fork's create_ns; `stray` scales fork's first
 * configuration alone, as one run in a few shows here. */
static struct csv_table *family_run(uint64_t seed, int nconf, double slow, double stray)
{
	size_t cap = (size_t)nconf * 2 * 18 * 96 + 128;
	char *text = malloc(cap);
	size_t at = (size_t)sprintf(text, "primitive,page_mode,mem_bytes,dirty_pages,rep,create_ns,"
					  "child_start_ns,total_ns,round\n");
	uint64_t s = seed;
	double run = 0.01 * gauss(&s);
	for (int p = 0; p < 2; p++)
		for (int k = 0; k < nconf; k++) {
			double conf = 0.08 * gauss(&s);
			double f = p == 0 ? slow * (k == 0 ? stray : 1) : 1;
			for (int r = 0; r < 18; r++) {
				double x = (1000.0 + 100 * k) * exp(run + conf + 0.03 * gauss(&s));
				at += (size_t)snprintf(text + at, cap - at, "%s,4k,%d,0,%d,%.0f,%.0f,%.0f,%d\n",
						       p ? "vfork" : "fork", (k + 1) << 20, r, x * f,
						       2 * x, 3 * x, r / 3 + 1);
			}
		}
	cb_error e;
	struct csv_table *t = csv_parse(text, at, "host.csv", &e);
	free(text);
	return t;
}

static const struct cmp_family *find_family(const struct cmp *c, const char *name,
					    const char *metric)
{
	for (size_t i = 0; i < c->nfam; i++)
		if (!strcmp(c->fam[i].name, name) && !strcmp(c->fam[i].metric, metric))
			return &c->fam[i];
	return NULL;
}

/* One compare of three synthetic base runs and a fourth. */
static void family_case(uint64_t seed, int nconf, double slow, double stray, struct cmp *c)
{
	struct csv_table *base[3];
	for (int b = 0; b < 3; b++)
		base[b] = family_run(seed + (uint64_t)b * 7919, nconf, 1, 1);
	struct csv_table *new_ = family_run(seed + 99991, nconf, slow, stray);
	memset(c, 0, sizeof(*c));
	c->o = (struct verdict_opts){.threshold = 0.05, .fdr = 0.05};
	const struct csv_table *b3[] = {base[0], base[1], base[2]};
	compare_table(c, "host", b3, 3, new_);
	compare_decide(c);
	for (int b = 0; b < 3; b++)
		csv_free(base[b]);
	csv_free(new_);
}

/* Family tests: fork slower by 30% in every configuration is a family
 * regression where no configuration alone can show it; a same-build run,
 * or one configuration 40% off, is none. */
static void families(void)
{
	size_t caught = 0, covered = 0, alarms = 0, metric_hits = 0, stray_alarms = 0;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct cmp c;
		family_case(seed * 1000003, 16, 1.3, 1, &c);
		const struct cmp_family *f = find_family(&c, "host/fork", "create_ns");
		CHECK(f && f->nconf == 16 && f->v.nruns_used == 3);
		caught += f && f->v.kind == VERDICT_REGRESSED;
		covered += f && f->v.lo < 1.3 && f->v.hi > 1.3;
		metric_hits += c.count[VERDICT_REGRESSED];
		const struct cmp_family *v = find_family(&c, "host/vfork", "create_ns");
		CHECK(v && v->v.kind != VERDICT_REGRESSED);
		compare_free(&c);

		family_case(seed * 1000003, 16, 1, 1, &c);
		alarms += c.gated;
		compare_free(&c);
		family_case(seed * 1000003, 16, 1, 1.4, &c);
		stray_alarms += c.fam_count[VERDICT_REGRESSED];
		compare_free(&c);
	}
	CHECK(caught >= 19);
	CHECK(covered >= 17); /* a 95% interval: 19 of 20 expected */
	CHECK(metric_hits < 20 * 16 / 4); /* most configurations alone cannot tell */
	CHECK_EQ_U64(alarms, 0);
	CHECK_EQ_U64(stray_alarms, 0);

	/* two configurations make no family */
	struct cmp c;
	family_case(5, 2, 1.5, 1, &c);
	CHECK(find_family(&c, "host/fork", "create_ns") == NULL);
	compare_free(&c);
}

/* One base run: two runs of one build whose configurations differ by 8%
 * between runs and 3% between rounds.  Rounds alone would call many of
 * them changed; with the between-run spread borrowed across the compare
 * and the tail cap, none is. */
static void one_base_run(void)
{
	size_t alarms = 0, borrowed = 0;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct csv_table *base = family_run(seed * 7777, 16, 1, 1);
		struct csv_table *new_ = family_run(seed * 7777 + 1, 16, 1, 1);
		struct cmp c = {.o = {.threshold = 0.05, .fdr = 0.05}};
		const struct csv_table *b1[] = {base};
		compare_table(&c, "host", b1, 1, new_);
		compare_decide(&c);
		alarms += c.gated;
		/* 8% per run, from 32 configurations (each one's three times move together) */
		borrowed += c.tau2 > 0.04 * 0.04 && c.tau2 < 0.16 * 0.16;
		CHECK_EQ_U64(c.nfam, 0); /* a family needs several base runs */
		compare_free(&c);
		csv_free(base);
		csv_free(new_);
	}
	CHECK_EQ_U64(alarms, 0);
	CHECK_EQ_U64(borrowed, 20);
}

int main(void)
{
	families();
	one_base_run();
	norm_names();
	matching();
	vm_timing();
	fingerprints();
	return check_done();
}
