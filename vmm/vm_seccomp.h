/* Confines the thread that runs a boot's exit loop, as Firecracker confines
 * its vCPU threads: once the VM is set up, that thread needs KVM_RUN on
 * its vCPU, reads of the statistics fds, writes of the console, the
 * clock, memory for the result store, and the watchdog's signal, and
 * nothing else.  A guest that found a hole in the exit handler would then
 * still hold no open(), no exec, no socket, no new fd.  The filter is per
 * thread (no TSYNC): the main thread goes on to write the CSVs and set up
 * the next boot in a fresh loop thread.
 *
 * A forbidden call raises SIGSYS; the handler prints one line naming the
 * call and has the main thread put the hugepage pool back and end the
 * process (exit 1): the boots before it stay in the CSVs.
 *
 * Must be called from a thread other than the main one (the main thread
 * handles the exit). */
#ifndef COWBENCH_VM_SECCOMP_H
#define COWBENCH_VM_SECCOMP_H

#include "cb.h"

struct vm_seccomp_fds {
	int vcpu;	 /* KVM_RUN */
	int console;	 /* -1: none; else FIONREAD and F_GETPIPE_SZ on it */
};

/* Loads the filter on the calling thread.  Returns 1 when confined, 0 when
 * this kernel or libseccomp cannot (e says why; the run goes on
 * unconfined), -1 on an unexpected error. */
int vm_seccomp_confine(const struct vm_seccomp_fds *fds, cb_error *e);

/* Whether confinement is wanted: COWBENCH_SECCOMP=0 turns it off (to run
 * the VMM under strace or gdb). */
bool vm_seccomp_wanted(void);

#endif
