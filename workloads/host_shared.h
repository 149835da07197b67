/* The page a measured child reports through.  It lives in a memfd mapped
 * MAP_SHARED by the parent: fork and clone children write it directly,
 * and the exec'd helper, which has no mapping of it, gets the fd number
 * in argv and pwrite()s its stamp at offsetof(struct host_shared, stamp).
 * Shared with exec_helper.c, so plain fixed-width types only. */
#ifndef COWBENCH_HOST_SHARED_H
#define COWBENCH_HOST_SHARED_H

#include <stdint.h>

/* What a child writes first: when it started and which sample it is. */
struct host_stamp {
	uint64_t start_ns; /* CLOCK_MONOTONIC_RAW at the child's first instruction */
	uint64_t seq;	   /* echo of host_shared.seq (argv[2] for the helper) */
};

/* A child that lives beside its parent's work (the parent writes, or
 * measures what the child's writes copied) steps through these, on
 * futexes in this page: it says HOST_LIVE_READY once started and waits;
 * the parent says HOST_LIVE_GO (write now, or check what the parent wrote)
 * and later HOST_LIVE_FINISH (exit now); a writing child says
 * HOST_LIVE_WROTE between. */
enum host_live_step { HOST_LIVE_NONE, HOST_LIVE_READY, HOST_LIVE_GO, HOST_LIVE_WROTE,
		      HOST_LIVE_FINISH };

struct host_shared {
	uint64_t seq; /* written by the parent before each sample */
	struct host_stamp stamp;
	uint64_t cow_ns;     /* the child's dirtying loop */
	uint64_t cow_faults; /* minor faults inside that loop */
	uint64_t cow_seq;    /* equals seq once cow_ns/cow_faults are valid */
	uint32_t child_step; /* enum host_live_step, the child's futex */
	uint32_t parent_step; /* the parent's */
	uint64_t child_saw_old; /* pages where the child read the value from before the fork */
};

#define HOST_HELPER_NAME "cowbench-exec-helper"

#endif
