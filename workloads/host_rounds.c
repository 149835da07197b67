#include "host_rounds.h"

#include <stdlib.h>
#include <sys/random.h>

#include "host_rand.h"

/* Fisher-Yates. */
static void shuffle(size_t *v, size_t n, uint64_t *s)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)host_rand_below(s, i);
		size_t t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

void host_rounds_order(const struct host_matrix *m, uint64_t seed, unsigned round,
		       struct host_visit *order)
{
	/* The round's stream starts from the seed and the round number
	 * mixed once, so round r's order does not depend on how many draws
	 * earlier rounds took. */
	uint64_t s = seed;
	s ^= host_rand_next(&(uint64_t){round});
	size_t *pts = cb_xmalloc((m->npoints ? m->npoints : 1) * sizeof(*pts));
	size_t np = 0;
	for (size_t i = 0; i < m->npoints; i++)
		if (!m->points[i].skip[0] && m->points[i].count)
			pts[np++] = i;
	shuffle(pts, np, &s);
	size_t k = 0;
	for (size_t i = 0; i < np; i++) {
		const struct host_point *pt = &m->points[pts[i]];
		size_t *cfg = cb_xmalloc(pt->count * sizeof(*cfg));
		for (size_t c = 0; c < pt->count; c++)
			cfg[c] = pt->first + c;
		shuffle(cfg, pt->count, &s);
		for (size_t c = 0; c < pt->count; c++)
			order[k++] = (struct host_visit){pts[i], cfg[c]};
		free(cfg);
	}
	free(pts);
}

uint64_t host_rounds_fresh_seed(void)
{
	uint64_t s;
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
		uint64_t t = cb_now_ns();
		s = host_rand_next(&t);
	}
	return s & HOST_SEED_MAX;
}
