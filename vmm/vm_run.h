/* One boot: map guest RAM, create the VM, load the kernel, enter 64-bit
 * mode, run the exit loop under a watchdog, snapshot statistics at every
 * phase mark, and record everything into the store.  Whatever phases
 * finished are kept even when the guest dies. */
#ifndef COWBENCH_VM_RUN_H
#define COWBENCH_VM_RUN_H

#include "vm_kvm.h"
#include "vm_quota.h"
#include "vm_store.h"

struct vm_run_in {
	const struct kvm_sys *sys;
	const void *kernel;
	size_t kernel_len;
	const char *cmdline;
	size_t cmdline_len;
	uint64_t ram_bytes; /* already rounded for the backing */
	double timeout_s;
	bool verbose;	       /* guest console to stderr */
	uint64_t process_start_ns; /* cb_now_ns() when `cowbench vm` started */
	const struct vm_quota *quota; /* what the guest may store or print; NULL: none */
};

/* Fills the boot row store->boots[boot] (status, reason, timings).  On an
 * error, *dump (malloc'ed, may be NULL) holds the register dump and the
 * guest's last console output for stderr. */
void vm_run_boot(const struct vm_run_in *in, struct vm_store *st, uint32_t boot, char **dump);

#endif
