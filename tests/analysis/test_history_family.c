/* The history's families: a step in every fork configuration is a gated
 * change point of the fork family; one configuration that drifts on its own
 * is listed and decides nothing; names read back to their family
 * (test_compare checks that against compare's own families). */
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

static const struct hseries *family(const struct hist *h)
{
	for (size_t i = 0; i < h->ns; i++)
		if (h->s[i].family && !strcmp(h->s[i].bench, "host/fork"))
			return &h->s[i];
	return NULL;
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
