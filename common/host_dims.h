/* The host sweep's dimensions beyond primitive, page mode, size and dirty
 * count: the one list that host.csv, host-summary.csv and host-writes.csv
 * carry as key columns (after dirty_pages, in this order), that the
 * analysis groups a configuration by, and that `cowbench host` takes as
 * options (workloads/host_opts.c).
 *
 *   X(ENUM, column, option, default)
 *     ENUM     HOST_DIM_<ENUM>
 *     column   the CSV column
 *     option   --<option> LIST
 *     default  its value when not asked for, and the value every row of
 *              files written before the dimension existed had (the
 *              analysis fills it in, so old and new runs group and
 *              compare alike, and compare leaves it out of benchmark
 *              names)
 *
 * writer   who writes the dirty pages while the other process lives: the
 *          child (the classic fork benchmark) or the parent, the
 *          snapshotting server's case (HOST_WRITERS)
 * pattern  where the writes land (HOST_PATTERNS)
 * threads  the parent's threads: N - 1 extra ones keep reading the region
 *          on other CPUs, so fork's write-protection needs TLB shootdowns
 * vmas     the region's mappings, of equal size
 */
#ifndef COWBENCH_HOST_DIMS_H
#define COWBENCH_HOST_DIMS_H

#define HOST_DIMS(X)                              \
	X(WRITER, writer, writer, "child")        \
	X(PATTERN, pattern, pattern, "dense")     \
	X(THREADS, threads, threads, "1")         \
	X(VMAS, vmas, vmas, "1")

#define HOST_DIM_ENUM_(E, column, option, def) HOST_DIM_##E,
enum host_dim { HOST_DIMS(HOST_DIM_ENUM_) HOST_DIM_COUNT };
#undef HOST_DIM_ENUM_

/* The column names as string literals, for initializers. */
#define HOST_DIM_COLUMN(E, column, option, def) #column,

/* X(ENUM, name): the writers, in the order tables show them. */
#define HOST_WRITERS(X) \
	X(CHILD, child)  \
	X(PARENT, parent)

/* X(ENUM, name): the write patterns.
 *   dense   the region's first pages, in order (the classic benchmark)
 *   sparse  one 4 KiB page per 2 MiB of the region, in order: every write
 *           lands in a different huge page when there are huge pages
 *   random  distinct pages drawn uniformly from the region (seeded) */
#define HOST_PATTERNS(X) \
	X(DENSE, dense)   \
	X(SPARSE, sparse) \
	X(RANDOM, random)

#define HOST_NAME_(E, name) #name,

#endif
