/* Memory the harness keeps that its fork children never get.
 *
 * fork copies the page tables of everything the parent has mapped, the
 * harness's own data included: a sweep whose samples and CSV text grew
 * the heap to 25 MB made fork of an empty region cost 250 us more at the
 * end of the run than at its start.  What grows with the run lives here
 * instead: one mapping, MADV_DONTFORK, so every fork sees the same parent
 * from the first sample to the last (one mapping, because fork visits
 * every VMA even when it copies none of its pages).
 *
 * Blocks are powers of two from 64 bytes, each size with its own free
 * list; what the arena cannot hold comes from malloc and is freed there.
 * A child of fork must not touch arena memory: it is not mapped there.
 * Not thread-safe: the sweep's main thread alone allocates. */
#ifndef COWBENCH_NOFORK_H
#define COWBENCH_NOFORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* realloc(3)'s contract; dies when memory runs out (as cb_xrealloc). */
void *nofork_realloc(void *p, size_t bytes);
void nofork_free(void *p);
/* Whether p is arena memory (false for malloc's fallback and NULL). */
bool nofork_owns(const void *p);

/* open_memstream(3) whose buffer is arena memory: *buf and *len are set
 * at every fflush and fclose, and *buf is freed with nofork_free. */
FILE *nofork_memstream(char **buf, size_t *len);

#endif
