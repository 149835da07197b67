/* A per-boot watchdog.  When the deadline passes it sets the exit
 * context's timed_out flag and kvm_run->immediate_exit, then signals the
 * vCPU thread: a KVM_RUN in progress returns EINTR, and one about to start
 * returns at once because of immediate_exit, so there is no window in
 * which the kick is lost.  It repeats the kick until stopped. */
#ifndef COWBENCH_VM_WATCHDOG_H
#define COWBENCH_VM_WATCHDOG_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>

#include "cb.h"

struct vm_watchdog {
	pthread_t thread, target;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop, started;
	uint64_t deadline_ns; /* CLOCK_MONOTONIC */
	struct kvm_run *run;
	atomic_bool *fired;
};

/* Arms a watchdog for the calling thread. */
int vm_watchdog_start(struct vm_watchdog *w, double seconds, struct kvm_run *run,
		      atomic_bool *fired, cb_error *e);
void vm_watchdog_stop(struct vm_watchdog *w);

#endif
