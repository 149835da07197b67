/* The sweep: for each (page mode, size) point, populate one region and
 * measure every (primitive, dirty) configuration on it, rewriting the
 * result files after each. */
#ifndef COWBENCH_HOST_SWEEP_H
#define COWBENCH_HOST_SWEEP_H

#include "host_matrix.h"
#include "host_opts.h"
#include "host_out.h"

/* SIGINT, SIGTERM and SIGHUP ask the sweep to stop after the current
 * sample; a second one restores the hugepage pools and dies at once. */
void host_sweep_signals(void);
/* The signal that asked to stop, or 0. */
int host_sweep_stopped(void);

/* Returns the exit status: 0, CB_EXIT_FAIL, or 128 + signal when
 * interrupted.  helper may be NULL when no exec primitive is measured;
 * cpu is host_sys_pin's result. */
int host_sweep_run(const struct host_opts *o, const struct host_matrix *m, const char *helper,
		   int cpu, struct host_out *out);

#endif
