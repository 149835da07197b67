/* host.csv, host-summary.csv and host-floor.csv.  Rows of finished
 * configurations accumulate in memory; every host_out_write() rewrites all
 * three files atomically, so an interrupted run leaves exactly the
 * configurations that finished. */
#ifndef COWBENCH_HOST_OUT_H
#define COWBENCH_HOST_OUT_H

#include <stdio.h>

#include "csv.h"
#include "host_floor.h"
#include "host_result.h"

/* One result file, buffered in memory (open_memstream). */
struct host_out_file {
	const char *name;
	char *buf;
	size_t len;
	FILE *fp;
	struct csv_writer w;
};

struct host_out {
	char *dir;
	const struct host_floor *floor; /* NULL: not measured */
	/* host.csv, host-summary.csv, host-floor.csv (complete from init) */
	struct host_out_file rows, summary, floors;
	size_t configs; /* finished configurations written */
};

void host_out_init(struct host_out *o, const char *dir, const struct host_floor *floor);
/* Adds a finished configuration's samples and statistics. */
void host_out_add(struct host_out *o, const struct host_result *r);
int host_out_write(struct host_out *o, cb_error *e);
void host_out_free(struct host_out *o);

/* The machine's lower bound for a metric of a configuration, NaN when
 * none applies (see results/README.md, host-summary.csv). */
double host_out_floor_ns(const struct host_floor *f, const struct host_result *r,
			 enum host_metric m);

#endif
