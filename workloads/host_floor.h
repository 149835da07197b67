/* The machine's copy floor, measured in the same run as the sweep: what
 * a fork's page-table copy and a COW fault's page copy cannot beat. */
#ifndef COWBENCH_HOST_FLOOR_H
#define COWBENCH_HOST_FLOOR_H

#include "cb.h"
#include "host_adapt.h"
#include "stats.h"

enum host_floor_metric {
	HOST_FLOOR_MEMCPY_BPS, /* bytes/s of one large memcpy, beyond the LLC */
	HOST_FLOOR_COPY_4K,    /* ns per 4 KiB copy, source flushed, destination warm */
	HOST_FLOOR_COPY_2M,    /* ns per 2 MiB copy, source flushed, destination warm */
	HOST_FLOOR_COUNT
};

extern const char *const host_floor_names[HOST_FLOOR_COUNT];

struct host_floor {
	bool measured;
	uint64_t buf_bytes; /* the buffer the copies were taken from */
	struct stats_summary s[HOST_FLOOR_COUNT];
	enum host_stop stop[HOST_FLOOR_COUNT];
};

/* Measures every floor metric with the adaptive rule a. Returns -1 when
 * the buffers cannot be had. */
int host_floor_measure(struct host_floor *f, const struct host_adapt *a, cb_error *e);

/* The median of a metric, NaN when not measured. */
double host_floor_median(const struct host_floor *f, enum host_floor_metric m);

#endif
