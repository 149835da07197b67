/* The summary's metric for the first writes' latency. */
#define HOST_WRITE_METRIC "write_ns"

/* host.csv, host-summary.csv, host-floor.csv and host-writes.csv.  Rows of finished blocks
 * (one configuration's samples of one round) accumulate in memory; every
 * host_out_write() rewrites the files atomically, the summary recomputed
 * from every sample so far, so an interrupted run leaves exactly the
 * blocks that finished and statistics that describe them. */
#ifndef COWBENCH_HOST_OUT_H
#define COWBENCH_HOST_OUT_H

#include <stdio.h>

#include "csv.h"
#include "host_floor.h"
#include "host_result.h"

/* One result file, buffered in memory (open_memstream). */
struct host_out_file {
	const char *name;
	const char *const *header;
	char *buf;
	size_t len;
	FILE *fp;
	struct csv_writer w;
};

/* One configuration's host-summary.csv rows as last rendered. */
struct host_out_cached {
	size_t n;
	enum host_stop stop;
	char *text;
	size_t len;
};

struct host_out {
	char *dir;
	const struct host_floor *floor; /* NULL: not measured */
	bool write_floor;		/* false: host-floor.csv stays as it is (--resume) */
	uint64_t seed;
	/* host.csv, host-summary.csv, host-floor.csv (complete from init),
	 * host-writes.csv */
	struct host_out_file rows, summary, floors, writes;
	const char *copied_by; /* how copied_bytes was counted (host_account.h) */
	char kernel[128];      /* uname -r, beside what the kernel decided */
	size_t blocks; /* finished blocks added */
	struct host_out_cached *cache; /* per configuration, from the first write */
	size_t ncache;
};

void host_out_init(struct host_out *o, const char *dir, const struct host_floor *floor,
		   bool write_floor, uint64_t seed);
/* Adds samples [from, r->n) of a configuration: a finished block (or,
 * resuming, every block it had). */
void host_out_add_block(struct host_out *o, const struct host_result *r, size_t from);
/* Rewrites host-summary.csv from results[0..n) (configurations without
 * samples have no rows), then host.csv and host-floor.csv. */
int host_out_write(struct host_out *o, const struct host_result *results, size_t n,
		   cb_error *e);
void host_out_free(struct host_out *o);

/* The machine's lower bound for a metric of a configuration, NaN when
 * none applies (see results/README.md, host-summary.csv). */
double host_out_floor_ns(const struct host_floor *f, const struct host_result *r,
			 enum host_metric m);

#endif
