/* The machine class of a run: the name of the folder under
 * results/reference/ that holds the baseline CI compares against.
 *
 * It is a slug of the fingerprint's CPU brand, logical CPU count and KVM
 * MMU mode, e.g. "intel-xeon-platinum-8375c-2-90ghz-2cpu-pvm-shadow":
 * machines that share it are expected to give comparable numbers (the
 * full fingerprint is still checked by compare). */
#ifndef COWBENCH_MCLASS_H
#define COWBENCH_MCLASS_H

#include <jansson.h>

#include "cb.h"

/* Builds the slug into buf from meta.json's "fingerprint" object.  Fails
 * when the fingerprint lacks the CPU brand. */
int mclass_from_meta(const json_t *meta, char *buf, size_t len, cb_error *e);
/* The slug rules on their own: lower case, "(R)", "(TM)", "CPU",
 * "Processor" and "@" dropped, every other run of non-alphanumerics one '-'. */
void mclass_slug(const char *brand, long logical_cpus, const char *mmu, char *buf, size_t len);

#endif
