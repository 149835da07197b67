/* Published fork-latency figures (the CSV files in analysis/reference/)
 * that the report draws beside this machine's numbers. */
#ifndef COWBENCH_REFS_H
#define COWBENCH_REFS_H

#include <stdbool.h>
#include <stddef.h>

#include "cb.h"

struct csv_table;

struct ref_point {
	const char *source, *year, *machine, *kernel, *primitive, *page_mode, *metric, *note;
	double mem_bytes; /* NaN when the source gives no size */
	double value_ns;
	char label[128];  /* "source, machine" as drawn on the plot */
	/* Set by the report: whether the point was drawn, and if not why. */
	bool plotted;
	char why[128];
};

struct refs {
	char *dir;
	struct ref_point *p;
	size_t n;
	struct csv_table **tables; /* own the strings above */
	size_t ntables;
};

/* Reads every .csv file in dir, in name order.  A file that does not follow
 * the column list in reference/README.md is bad input. */
int refs_load(const char *dir, struct refs *out, cb_error *e);
void refs_free(struct refs *r);

/* The folder the report uses when --reference names none: COWBENCH_SRC's
 * analysis/reference, else one found walking up from the binary, else the
 * source tree the binary was built from.  NULL when none exists. */
char *refs_default_dir(void);

/* Whether a reference metric measures what create_ns measures. */
bool refs_metric_is_create(const char *metric);
/* The run's page mode a reference page mode is drawn with: the anchors
 * say "huge2m" for THP-backed figures, which is our "thp". */
const char *refs_page_mode(const char *ref_mode);

#endif
