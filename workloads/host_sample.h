/* One sample: create a child with a primitive, let it stamp its start and
 * dirty its pages, reap it, and collect what it reported. */
#ifndef COWBENCH_HOST_SAMPLE_H
#define COWBENCH_HOST_SAMPLE_H

#include "cb.h"
#include "host_prim.h"
#include "host_shared.h"
#include "probe.h"

struct host_job {
	volatile char *region;	 /* the parent's populated memory */
	uint64_t dirty_pages;	 /* 4 KiB pages the child writes */
	uint64_t flush_bytes;	 /* region bytes evicted from the caches first */
	struct host_shared *sh;	 /* MAP_SHARED view of the memfd */
	int sh_fd;		 /* inherited by the exec'd helper */
	const char *helper;	 /* path of cowbench-exec-helper */
	char *helper_argv[4];
	char argv_fd[16], argv_seq[24];
	char *clone_stack_top;	 /* clone_vm child's stack */
	void *clone_stack;
	uint64_t t_call, t_ret;	 /* set by the primitive's create() */
};

struct host_sample {
	struct probe_reading probe; /* timed right before the create call */
	uint64_t create_ns, total_ns;
	double child_start_ns;
	double cow_ns, cow_faults; /* NaN for exec'd children */
	double minflt;
};

/* helper may be NULL when no exec primitive runs. */
int host_job_init(struct host_job *j, const char *helper, cb_error *e);
void host_job_free(struct host_job *j);

/* Runs one sample: the machine-state probe, then the primitive.  Returns
 * 0, or -1 with e set when the probe or the child failed. */
int host_sample_run(const struct host_prim *p, struct host_job *j, uint64_t seq,
		    struct host_sample *out, cb_error *e);

/* The child's side, shared by fork, vfork and clone_vm. */
_Noreturn void host_child_run(struct host_job *j);

#endif
