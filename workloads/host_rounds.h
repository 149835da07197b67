/* Randomized interleaved rounds (RMIT: Abedi & Brecht, ICPE 2017): the
 * order in which one round visits the configurations.
 *
 * A round visits every configuration it is given once.  Configurations of
 * one (page mode, size) point share a populated region, and a 4 GiB region
 * or a hugetlb pool costs seconds to set up, so a round visits the points
 * in a fresh random order and, inside each point, its configurations in a
 * fresh random order: one setup per point per round, and slow drift of the
 * machine still lands on every configuration alike over the rounds.
 *
 * The order is a pure function of the matrix, the seed and the round, so a
 * resumed sweep (--resume) replays the interrupted one exactly.  Pure: the
 * tests check it without measuring anything. */
#ifndef COWBENCH_HOST_ROUNDS_H
#define COWBENCH_HOST_ROUNDS_H

#include "host_matrix.h"

/* One visit: a configuration (index into m->configs) and its point. */
struct host_visit {
	size_t point, config;
};

/* Writes round `round`'s (1-based) visits to order[0 .. m->nconfigs):
 * every configuration of every runnable point exactly once, a point's
 * configurations next to each other. */
void host_rounds_order(const struct host_matrix *m, uint64_t seed, unsigned round,
		       struct host_visit *order);

/* Seeds are 32-bit: short enough to retype, exact in every file format
 * that records them (JSON, CSV read back as doubles). */
#define HOST_SEED_MAX 0xffffffffull

/* A seed for a run that was given none (from getrandom, or the clock). */
uint64_t host_rounds_fresh_seed(void);

#endif
