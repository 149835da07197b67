/* The sweep: randomized interleaved rounds over the matrix.  Each round
 * visits the (page mode, size) points in a fresh seeded order, populates
 * a point's region once, and takes one block of samples of each of its
 * configurations that is still sampling, in a fresh order too
 * (host_rounds.h); after each round the stopping rule (host_adapt.h)
 * decides which configurations need another.  The result files are
 * rewritten after every point visited.  Regions and pools: host_region.h. */
#ifndef COWBENCH_HOST_SWEEP_H
#define COWBENCH_HOST_SWEEP_H

#include "host_matrix.h"
#include "host_opts.h"
#include "host_out.h"
#include "host_runfile.h"

/* SIGINT, SIGTERM and SIGHUP ask the sweep to stop after the current
 * sample; a second one restores the hugepage pools and dies at once. */
void host_sweep_signals(void);
/* The signal that asked to stop, or 0. */
int host_sweep_stopped(void);

struct host_sweep_in {
	const struct host_opts *o;
	const struct host_matrix *m;
	uint64_t seed;
	const char *helper; /* NULL when no exec primitive is measured */
	int cpu;	    /* host_sys_pin's result */
	/* Where the reading threads of --threads run: the CPUs allowed
	 * besides the measuring one. */
	const int *touch_cpus;
	size_t ntouch_cpus;
	/* One per m->configs, initialised; a resumed sweep's hold the
	 * blocks already done, which are not taken again. */
	struct host_result *results;
	struct host_out *out;
	/* Memory for regions once the hugepage pools are held: what the
	 * regions kept populated between visits and the largest other one
	 * may use at once (host_region.h); 0 keeps none. */
	uint64_t region_room;
	/* What the sweep learns about measuring here goes into it. */
	struct host_runfile *rf;
};

/* Returns the exit status: 0, CB_EXIT_FAIL, or 128 + signal when
 * interrupted. */
int host_sweep_run(const struct host_sweep_in *in);

#endif
