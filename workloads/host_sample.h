/* One sample: create a child with a primitive, let it stamp its start,
 * let one side write its pages while the other lives, reap the child, and
 * collect what both reported. */
#ifndef COWBENCH_HOST_SAMPLE_H
#define COWBENCH_HOST_SAMPLE_H

#include "cb.h"
#include "host_account.h"
#include "host_kev.h"
#include "host_matrix.h"
#include "host_prim.h"
#include "host_shared.h"
#include "host_wtime.h"
#include "probe.h"

struct host_job {
	/* the point's populated memory */
	volatile char *region;
	uint64_t region_bytes;
	enum host_page_mode mode;
	/* the configuration's writes (host_job_config) */
	uint64_t dirty_pages;	 /* 4 KiB pages written */
	uint32_t *pages;	 /* their page indices, in write order */
	uint32_t *flush;	 /* blocks of flush_pages pages evicted before each sample */
	size_t nflush;
	uint64_t flush_pages;
	uint32_t *collapse;	 /* THP blocks to collapse again after the parent wrote */
	size_t ncollapse;
	size_t collapse_failed;	 /* MADV_COLLAPSE calls that failed */
	bool writer_parent;	 /* the parent writes while the child lives */
	bool shares_vm;		 /* the child's writes are the parent's (vfork, clone_vm) */
	bool cow_child;		 /* fork: the child maps the pages copy-on-write */
	/* per sample */
	bool observe;		 /* the block's observed sample: kernel counts, copies */
	bool account;		 /* measure what the writes copied (host_account.h) */
	bool live;		 /* the child steps through host_live_step */
	uint8_t old_value, new_value;
	/* one set up for the sweep */
	uint32_t *lat;		 /* a tick count per write (MAP_SHARED) */
	uint64_t lat_cap;
	struct host_wtime timer;
	struct host_account acct;
	struct host_kev_thread kev; /* the measuring thread's counters */
	struct host_kev_thread **kev_threads; /* it and the reading threads' */
	size_t nkev;
	/* the child's side */
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
	uint64_t create_ns;
	double total_ns;	   /* NaN when accounting held the child (account) */
	double child_start_ns;
	double cow_ns, cow_faults; /* the writer's loop; NaN for exec'd children */
	double minflt;
	double writes;		   /* first writes timed (their ticks are in job->lat) */
	double verified_pages;	   /* pages each process saw as copy-on-write requires */
	double copied_bytes, pool_copied_bytes; /* NaN unless accounted */
	/* over the sample, the parent's threads; the counters NaN unless
	 * observed, the shootdowns always */
	struct host_kev_reading kev;
};

/* helper may be NULL when no exec primitive runs. */
int host_job_init(struct host_job *j, const char *helper, cb_error *e);
void host_job_free(struct host_job *j);
/* The writes of configuration c on point pt's region (set j->region and
 * region_bytes first); seed is the random pattern's. */
void host_job_config(struct host_job *j, const struct host_point *pt, const struct host_config *c,
		     uint64_t seed);

/* Runs one sample: the machine-state probe, then the primitive.  Returns
 * 0, or -1 with e set when the probe or the child failed, or when a
 * process saw what copy-on-write forbids. */
int host_sample_run(const struct host_prim *p, struct host_job *j, uint64_t seq,
		    struct host_sample *out, cb_error *e);

/* The child's side, shared by fork, vfork and clone_vm. */
_Noreturn void host_child_run(struct host_job *j);

/* Futex steps of the live child (host_shared.h). */
void host_live_set(uint32_t *word, uint32_t step);
void host_live_wait(const uint32_t *word, uint32_t step);

#endif
