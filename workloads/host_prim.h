/* The process-creation primitives: one table row each, consumed by the
 * generic sample code in host_sample.c. */
#ifndef COWBENCH_HOST_PRIM_H
#define COWBENCH_HOST_PRIM_H

#include <sys/types.h>

#include "cb.h"
#include "host_prims.h" /* the list: enum host_prim_id, names, flags */

struct host_job;

struct host_prim {
	const char *name;
	bool execs;	/* the child runs the exec helper: no dirtying loop */
	bool shares_vm; /* the child writes the parent's pages: no COW */
	/* Creates the child.  Sets job->t_call right before the call and
	 * job->t_ret right after it returns in the parent; returns the pid or
	 * -1 with errno set. */
	pid_t (*create)(struct host_job *job);
};

/* Indexed by enum host_prim_id, generated from HOST_PRIMS. */
extern const struct host_prim host_prims[HOST_PRIM_COUNT];
/* NULL-terminated, for parse_name_list. */
extern const char *const host_prim_names[HOST_PRIM_COUNT + 1];

#endif
