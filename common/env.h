/* The environment fingerprint: what a reader needs to know to trust (or
 * distrust) a run, and what compare checks before comparing two runs. */
#ifndef COWBENCH_ENV_H
#define COWBENCH_ENV_H

#include <jansson.h>
#include <stdbool.h>

#include "cb.h"

/* Collects everything; never fails (missing facts become null). */
json_t *env_collect(void);
/* Writes the fingerprint to DIR/meta.json atomically; with only_if_absent,
 * leaves an existing meta.json alone (a run folder that `cowbench env`,
 * `host` and `vm` all write into keeps the first, taken before measuring). */
int env_write_meta(const char *dir, bool only_if_absent, cb_error *e);
/* `cowbench env [--out DIR]` */
int env_main(int argc, char **argv);

/* CPU time in clock ticks since boot, all CPUs summed, from /proc/stat's
 * "cpu" line: what the hypervisor took from us (steal) and everything.
 * Returns -1 when unreadable. */
struct env_ticks {
	uint64_t steal, total;
};
int env_read_ticks(struct env_ticks *t);
/* Share of the CPU time between two readings that was stolen; NaN when
 * no time passed. */
double env_steal_fraction(const struct env_ticks *before, const struct env_ticks *after);

/* The keys under "fingerprint" identify the machine class: two runs whose
 * fingerprints differ are not comparable without --allow-env-change.
 * Kernel, THP and governor are deliberately not in it: comparing kernels is
 * what compare is for. */
extern const char *const env_fingerprint_keys[];

#endif
