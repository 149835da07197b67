/* Reserving hugetlb pages for a measurement and giving them back.
 *
 * The pool (nr_hugepages) is machine-wide state, so every change is
 * recorded and undone: explicitly, at exit, and from a signal handler
 * (hugepool_restore_all is async-signal-safe). */
#ifndef COWBENCH_HUGEPOOL_H
#define COWBENCH_HUGEPOOL_H

#include "cb.h"

/* Makes at least `pages` free huge pages of `page_kib` (2048 or 1048576)
 * available, growing the pool if needed.  On failure (not root, the kernel
 * could not find contiguous memory) the pool is put back and e says why in
 * a form fit for a skip message. */
int hugepool_reserve(unsigned long page_kib, uint64_t pages, cb_error *e);
/* Puts every pool this process changed back to its original size and
 * releases the pool lock (taken by the first hugepool_reserve; a second
 * cowbench process waits for it, up to 5 minutes). */
void hugepool_restore_all(void);
/* The signals that stop a run from a terminal, a kill or a lost session:
 * each must put the pool back. */
extern const int hugepool_stop_signals[4];
/* Installs a handler for each of them that restores the pools and then
 * dies of the signal as it would have (for processes with no handler of
 * their own; the host sweep's handler calls hugepool_restore_all). */
void hugepool_restore_on_signals(void);
/* Free pages of that size right now, or -1 when the size is unsupported. */
long hugepool_free(unsigned long page_kib);

#endif
