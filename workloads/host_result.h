/* The samples of one configuration, column by column, as host.csv and
 * host-summary.csv need them. */
#ifndef COWBENCH_HOST_RESULT_H
#define COWBENCH_HOST_RESULT_H

#include "cb.h"
#include "host_adapt.h"
#include "host_matrix.h"
#include "host_sample.h"

enum host_metric {
	HOST_M_CREATE,
	HOST_M_CHILD_START,
	HOST_M_TOTAL,
	HOST_M_COW,
	HOST_M_COW_PER_PAGE, /* derived: cow_ns / dirty_pages */
	HOST_M_COW_FAULTS,
	HOST_M_MINFLT,
	HOST_M_PTE,
	HOST_M_HUGE,
	HOST_M_CPU,
	HOST_M_COUNT
};

extern const char *const host_metric_names[HOST_M_COUNT];

struct host_result {
	const struct host_point *pt;
	const struct host_config *cfg;
	size_t n, cap;
	double *v[HOST_M_COUNT];
	enum host_stop stop;
};

void host_result_init(struct host_result *r, const struct host_point *pt,
		      const struct host_config *cfg);
void host_result_push(struct host_result *r, const struct host_sample *s, double pte_bytes,
		      double huge_fraction, int cpu);
/* The series the stopping rule watches: create_ns, and cow_ns when the
 * child dirties pages.  Returns how many. */
size_t host_result_watched(const struct host_result *r, const double **series);
void host_result_free(struct host_result *r);

#endif
