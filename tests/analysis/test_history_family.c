/* The history's families: a step in every fork configuration is a gated
 * change point of the fork family; one configuration that drifts on its own
 * is listed and decides nothing; of a raw family and its speed-normalized
 * one, the steadier gates (the machine's speed moves the raw one alone);
 * names read back to their family (test_compare checks that against
 * compare's own families). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "check.h"
#include "history.h"

#define RUNS 8
#define CONFS 12

static double gauss(uint64_t *s)
{
	double u[2];
	for (int i = 0; i < 2; i++) {
		*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
		u[i] = ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
	}
	return sqrt(-2 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

/* CONFS fork create_ns series over RUNS runs, 8% noise per run and
 * configuration; every configuration x `all` from run 4 on, and
 * configuration 0 x `one` from run 4 on. */
static void build(struct hist *h, uint64_t seed, double all, double one)
{
	memset(h, 0, sizeof(*h));
	h->nruns = RUNS;
	h->runs = calloc(RUNS, sizeof(*h->runs)); /* no ids: only hist_write reads them */
	h->s = calloc(CONFS + 1, sizeof(*h->s));
	uint64_t st = seed;
	for (int c = 0; c < CONFS; c++) {
		struct hseries *s = &h->s[h->ns++];
		char name[64];
		snprintf(name, sizeof(name), "host/fork/4k/mem=%dM/dirty=0", c + 1);
		s->bench = strdup(name);
		s->metric = strdup("create_ns");
		s->value = malloc(RUNS * sizeof(double));
		s->lo = malloc(RUNS * sizeof(double));
		s->hi = malloc(RUNS * sizeof(double));
		for (int r = 0; r < RUNS; r++) {
			double f = r >= 4 ? all * (c == 0 ? one : 1) : 1;
			s->value[r] = 1e5 * (c + 1) * f * exp(0.08 * gauss(&st));
			s->lo[r] = s->hi[r] = NAN;
		}
	}
}

static const struct hseries *family_m(const struct hist *h, const char *metric)
{
	for (size_t i = 0; i < h->ns; i++)
		if (h->s[i].family && !strcmp(h->s[i].bench, "host/fork") &&
		    !strcmp(h->s[i].metric, metric))
			return &h->s[i];
	return NULL;
}

static const struct hseries *family(const struct hist *h)
{
	return family_m(h, "create_ns");
}

/* CONFS fork configurations with create_ns (noise sr per run) and its
 * speed-normalized create_norm (noise sn), each stepping by its own factor
 * from run 4: the machine's speed moves the raw one alone, a change in
 * fork's code both. */
static void build_pair(struct hist *h, uint64_t seed, double sr, double sn, double step_raw,
		       double step_norm)
{
	memset(h, 0, sizeof(*h));
	h->nruns = RUNS;
	h->runs = calloc(RUNS, sizeof(*h->runs));
	h->s = calloc(2 * CONFS + 1, sizeof(*h->s));
	uint64_t st = seed;
	for (int c = 0; c < 2 * CONFS; c++) {
		struct hseries *s = &h->s[h->ns++];
		char name[64];
		snprintf(name, sizeof(name), "host/fork/4k/mem=%dM/dirty=0", c / 2 + 1);
		bool norm = c % 2;
		s->bench = strdup(name);
		s->metric = strdup(norm ? "create_norm" : "create_ns");
		s->value = malloc(RUNS * sizeof(double));
		s->lo = malloc(RUNS * sizeof(double));
		s->hi = malloc(RUNS * sizeof(double));
		for (int r = 0; r < RUNS; r++) {
			double f = r >= 4 ? (norm ? step_norm : step_raw) : 1;
			s->value[r] = 1e5 * (c / 2 + 1) * f * exp((norm ? sn : sr) * gauss(&st));
			s->lo[r] = s->hi[r] = NAN;
		}
	}
}

/* One of the raw and the normalized family gates, the steadier as compare
 * would choose; the other's change points are listed. */
static void raw_or_norm(void)
{
	size_t drift_listed = 0, code_caught = 0, raw_chosen = 0, no_probes_caught = 0;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct hist h;
		/* the machine 30% slower from run 4: raw times move, normalized
		 * ones (steadier) do not; nothing gates */
		build_pair(&h, seed * 7919, 0.05, 0.03, 1.3, 1);
		hist_add_families(&h);
		size_t worse = hist_detect(&h, 0.001, 0.05);
		const struct hseries *raw = family_m(&h, "create_ns"), *norm = family_m(&h, "create_norm");
		CHECK(raw && norm && raw->off && !norm->off);
		CHECK_EQ_U64(worse, 0);
		drift_listed += raw && raw->ncp == 1 && !raw->cp[0].gated && raw->cp[0].worse;
		hist_free(&h);

		/* fork's code 30% slower: both move, the normalized one gates */
		build_pair(&h, seed * 7919, 0.08, 0.03, 1.3, 1.3);
		hist_add_families(&h);
		worse = hist_detect(&h, 0.001, 0.05);
		norm = family_m(&h, "create_norm");
		code_caught += worse == 1 && norm && norm->ncp == 1 && norm->cp[0].gated &&
			       norm->cp[0].index == 4;
		hist_free(&h);

		/* a normalized figure much noisier than the raw one: raw gates */
		build_pair(&h, seed * 7919, 0.03, 0.12, 1, 1.3);
		hist_add_families(&h);
		worse = hist_detect(&h, 0.001, 0.05);
		raw = family_m(&h, "create_ns");
		norm = family_m(&h, "create_norm");
		raw_chosen += raw && norm && !raw->off && norm->off && worse == 0;
		hist_free(&h);

		/* the probes failed in the last runs: no normalized figure there,
		 * and the raw one, which has them, gates (and sees the change) */
		build_pair(&h, seed * 7919, 0.05, 0.03, 1.3, 1.3);
		for (size_t i = 0; i < h.ns; i++)
			if (!strcmp(h.s[i].metric, "create_norm"))
				for (int r = 5; r < RUNS; r++)
					h.s[i].value[r] = NAN;
		hist_add_families(&h);
		worse = hist_detect(&h, 0.001, 0.05);
		raw = family_m(&h, "create_ns");
		norm = family_m(&h, "create_norm");
		CHECK(raw && norm && !raw->off && norm->off);
		no_probes_caught += worse == 1 && raw && raw->ncp == 1 && raw->cp[0].gated;
		hist_free(&h);
	}
	CHECK(no_probes_caught >= 19);
	CHECK(drift_listed >= 15); /* seen, and listed */
	CHECK(code_caught >= 19);
	CHECK_EQ_U64(raw_chosen, 20);
}

static void names(void)
{
	const char *cases[][2] = {
		{"host/fork/4k/mem=1G/dirty=16", "host/fork"},
		{"host/fork", "host/fork"},
		{"vm/host/pvm-shadow/fork/guest=4k/anon4k/prefault=yes/region=2M/dirty=16/dirty",
		 "vm/host/pvm-shadow/fork/dirty"},
	};
	for (size_t i = 0; i < CB_ARRAY_SIZE(cases); i++) {
		char *f = bench_family_of(cases[i][0]);
		CHECK(f && !strcmp(f, cases[i][1]));
		free(f);
	}
	CHECK(bench_family_of("vm/host/ept") == NULL);
	CHECK(bench_family_of("other/fork") == NULL);
	CHECK(bench_family_of("host") == NULL);
}

int main(void)
{
	names();
	raw_or_norm();
	size_t caught = 0, caught_exit = 0, listed_only = 0, noise = 0;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct hist h;
		/* every configuration 30% slower from run 4 */
		build(&h, seed * 104729, 1.3, 1);
		hist_add_families(&h);
		CHECK_EQ_U64(h.ns, CONFS + 1);
		size_t worse = hist_detect(&h, 0.001, 0.05);
		const struct hseries *f = family(&h);
		CHECK(f != NULL);
		if (f && f->ncp == 1 && f->cp[0].index == 4 && f->cp[0].gated && f->cp[0].worse)
			caught++;
		caught_exit += worse >= 1;
		hist_free(&h);

		/* one configuration twice as slow from run 4, the rest still */
		build(&h, seed * 104729, 1, 2);
		hist_add_families(&h);
		worse = hist_detect(&h, 0.001, 0.05);
		f = family(&h);
		CHECK(f && f->ncp == 0);
		CHECK_EQ_U64(worse, 0);
		listed_only += h.s[0].ncp > 0 && !h.s[0].cp[0].gated;
		hist_free(&h);

		/* noise alone */
		build(&h, seed * 104729 + 1, 1, 1);
		hist_add_families(&h);
		noise += hist_detect(&h, 0.001, 0.05);
		hist_free(&h);
	}
	CHECK(caught >= 19);
	CHECK(caught_exit >= 19);
	CHECK(listed_only >= 15); /* seen, and listed */
	CHECK_EQ_U64(noise, 0);
	return check_done();
}
