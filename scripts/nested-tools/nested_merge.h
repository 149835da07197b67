/* Merging the vm*.csv files of nested runs into a run directory (what
 * cowbench-nested-merge does; a library so the fuzz harness can drive it).
 *
 * Rows already in run_dir stay, except those of the same `where` (a
 * previous nested run of that kind), which the incoming rows replace.
 * Incoming `sample` and `boot` ids are renumbered past the ids that stay
 * (each in_dir in turn), so they remain unique across the merged files and
 * vm-stats.csv / vm-results.csv keep joining the right rows.  Columns are
 * matched by name: a column only one side has is kept, empty on the other
 * side ("not measured").  Each file is written atomically; nothing is
 * written when an input is refused. */
#ifndef COWBENCH_NESTED_MERGE_H
#define COWBENCH_NESTED_MERGE_H

#include "cb.h"

/* Returns 0 (merged; *added = incoming vm.csv rows), 1 (a file could not be
 * read or written, or holds what cannot be merged) or 2 (an incoming row of
 * another `where`), with e saying why. */
int nested_merge(const char *where, const char *run_dir, char *const *in_dirs, size_t nin,
		 size_t *added, cb_error *e);

#endif
