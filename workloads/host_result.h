/* The samples of one configuration, column by column, as host.csv and
 * host-summary.csv need them, gathered over every round. */
#ifndef COWBENCH_HOST_RESULT_H
#define COWBENCH_HOST_RESULT_H

#include "cb.h"
#include "host_adapt.h"
#include "host_kev.h"
#include "loghist.h"
#include "host_matrix.h"
#include "host_sample.h"

/* The per-sample series, one list: X(ID, column, row, summary) where row
 * says how host.csv writes it (HOST_ROW_WHOLE: a whole number,
 * HOST_ROW_FRACTION, HOST_ROW_NONE: derived, not a column) and summary
 * whether host-summary.csv has statistic rows for it.  In column order;
 * the kernel's counts (host_kev.h) last. */
#define HOST_KEV_METRIC_(E, col, perf, X) X(K_##E, col, HOST_ROW_WHOLE, false)
#define HOST_METRICS(X)                                               \
	X(CREATE, create_ns, HOST_ROW_WHOLE, true)                    \
	X(CHILD_START, child_start_ns, HOST_ROW_WHOLE, true)          \
	X(TOTAL, total_ns, HOST_ROW_WHOLE, true)                      \
	X(COW, cow_ns, HOST_ROW_WHOLE, true)                          \
	X(COW_PER_PAGE, cow_ns_per_page, HOST_ROW_NONE, true)         \
	X(COW_FAULTS, cow_faults, HOST_ROW_WHOLE, true)               \
	X(MINFLT, minflt, HOST_ROW_WHOLE, true)                       \
	X(PTE, pte_bytes, HOST_ROW_WHOLE, false)                      \
	X(HUGE, huge_fraction, HOST_ROW_FRACTION, false)              \
	X(CPU, cpu, HOST_ROW_WHOLE, false)                            \
	X(PROBE_CPU, probe_cpu_ns, HOST_ROW_WHOLE, false)             \
	X(PROBE_MEM, probe_mem_ns, HOST_ROW_WHOLE, false)             \
	X(VERIFIED, verified_pages, HOST_ROW_WHOLE, false)            \
	X(COPIED, copied_bytes, HOST_ROW_WHOLE, false)                \
	X(POOL_COPIED, pool_copied_bytes, HOST_ROW_WHOLE, false)      \
	X(SHOOTDOWNS, tlb_shootdowns, HOST_ROW_WHOLE, true)           \
	X(THP_SPLIT, thp_split_pmd, HOST_ROW_WHOLE, false)            \
	HOST_KEVENTS(HOST_KEV_METRIC_, X)

enum host_row_kind { HOST_ROW_NONE, HOST_ROW_WHOLE, HOST_ROW_FRACTION };

#define HOST_METRIC_ENUM_(ID, col, row, summary) HOST_M_##ID,
enum host_metric { HOST_METRICS(HOST_METRIC_ENUM_) HOST_M_COUNT };
#undef HOST_METRIC_ENUM_

struct host_metric_desc {
	const char *name;
	enum host_row_kind row;
	bool summary;
};

extern const struct host_metric_desc host_metrics[HOST_M_COUNT];

/* The first writes of one round, as host-writes.csv keeps them. */
struct host_writes_round {
	int round;
	struct loghist h;
};

struct host_result {
	const struct host_point *pt;
	const struct host_config *cfg;
	size_t n, cap;
	double *v[HOST_M_COUNT];
	int *round;	      /* the round of each sample, 1-based */
	struct host_writes_round *writes; /* per round that timed writes, in round order */
	size_t nwrites;
	uint64_t writes_total;
	unsigned rounds_done; /* rounds that gave this configuration a block */
	uint64_t elapsed_ns;  /* sampling time over all its blocks */
	enum host_stop stop;
};

void host_result_init(struct host_result *r, const struct host_point *pt,
		      const struct host_config *cfg);
/* Appends a sample taken in `round` (its probe reading is in s). */
void host_result_push(struct host_result *r, const struct host_sample *s, int round,
		      double pte_bytes, double huge_fraction, int cpu);
/* Adds a finished block's first writes (h) to round `round`. */
void host_result_add_writes(struct host_result *r, int round, const struct loghist *h);
/* Every first write as values for the statistics (loghist_values), each
 * with its round; *n how many.  Both malloc'ed (NULL when none). */
void host_result_write_values(const struct host_result *r, double **x, int **round, size_t *n);
/* Drops the samples from index n on (an interrupted block). */
void host_result_truncate(struct host_result *r, size_t n);
/* The series the stopping rule watches: create_ns, and cow_ns when the
 * child dirties pages.  Returns how many. */
size_t host_result_watched(const struct host_result *r, const double **series);
void host_result_free(struct host_result *r);

#endif
