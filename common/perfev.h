/* Kernel event counts by name, through perf_event_open: software events
 * ("sw:page-faults", "sw:minor-faults") and tracepoints ("tlb:tlb_flush",
 * "exceptions:page_fault_user"), with "huge_memory:*" standing for every
 * event of a tracepoint system.  What this kernel or its tracefs lacks is
 * named, never fatal: a set opens what it can and lists the rest. */
#ifndef COWBENCH_PERFEV_H
#define COWBENCH_PERFEV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cb.h"

#define PERFEV_MAX 24

struct perfev {
	char name[96]; /* as asked, or "system:event" for a wildcard's member */
	int fd;
};

struct perfev_set {
	struct perfev ev[PERFEV_MAX];
	size_t n;
	char missing[512]; /* "name (why); ..." for what could not be opened */
};

/* Where tracefs is mounted ("/sys/kernel/tracing"), mounting it there when
 * it is not and we may (root), in a private mount namespace of the calling
 * thread: no other process sees that mount, and it goes with this one
 * however it ends.  *mounted_now tells, so the caller can say so.  NULL
 * when there is none, with the reason in e. */
const char *perfev_tracefs(bool *mounted_now, cb_error *e);
/* Unmounts tracefs if perfev_tracefs mounted it (best effort). */
void perfev_tracefs_release(void);

/* One disabled counter of (type, config) on pid (0: this thread), on any
 * CPU, close-on-exec; the fd, or -1 with errno set. */
int perfev_open_counter(uint32_t type, uint64_t config, pid_t pid, bool inherit,
			bool exclude_kernel);

/* Opens the named counters for pid (0: this process), counting its
 * children created afterwards too when inherit is set, disabled.  Returns
 * how many opened. */
size_t perfev_open(struct perfev_set *s, const char *const *names, size_t n, pid_t pid,
		   bool inherit);
/* Zero and start, or stop, every counter of the set. */
void perfev_start(struct perfev_set *s);
void perfev_stop(struct perfev_set *s);
/* Reads every counter (in ev[] order) into vals; a failed read is -1. */
void perfev_read(const struct perfev_set *s, int64_t *vals);
void perfev_close(struct perfev_set *s);

#endif
