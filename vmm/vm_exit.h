/* The exit loop's body: one switch over KVM exit reasons.  It takes a
 * struct kvm_run and a guest memory view and returns what to do next, so
 * tests drive it with synthetic exits and no /dev/kvm.
 *
 * Devices: CB_HC_PORT (32-bit OUT: gpa of a struct cb_hcall),
 * CB_DEBUGCON_PORT (byte OUTs: console text), CB_DEBUG_EXIT_PORT (OUT: the
 * guest's exit status).  Anything else (another port, IN on ours, MMIO,
 * HLT) is a guest protocol error and ends the run.
 *
 * Hypercall policy: a benchmark guest that passes garbage is broken and
 * its numbers cannot be trusted, so after writing `ret` (EINVAL or EFAULT)
 * the VMM ends the run with the reason; the guest never resumes. */
#ifndef COWBENCH_VM_EXIT_H
#define COWBENCH_VM_EXIT_H

#include <linux/kvm.h>
#include <stdatomic.h>

#include "vm_console.h"
#include "vm_gmem.h"
#include "vm_phase.h"
#include "vm_quota.h"

/* The VMM's own counters (source `vmm` in vm-stats.csv). */
enum vm_ctr {
	VM_CTR_EXITS, /* every return from KVM_RUN */
	VM_CTR_EXIT_IO,
	VM_CTR_EXIT_MMIO,
	VM_CTR_EXIT_HLT,
	VM_CTR_EXIT_SHUTDOWN,
	VM_CTR_EXIT_FAIL_ENTRY,
	VM_CTR_EXIT_INTERNAL_ERROR,
	VM_CTR_EXIT_INTR,
	VM_CTR_EXIT_OTHER,
	VM_CTR_HC, /* exits on CB_HC_PORT */
	VM_CTR_HC_CONSOLE, /* ... by op, in enum cb_hc_op order */
	VM_CTR_HC_PHASE_BEGIN,
	VM_CTR_HC_PHASE_END,
	VM_CTR_HC_RESULT,
	VM_CTR_HC_EXIT,
	VM_CTR_DEBUGCON, /* exits on CB_DEBUGCON_PORT */
	VM_CTR_DEBUG_EXIT,
	VM_CTR_COUNT
};
extern const char *const vm_ctr_names[VM_CTR_COUNT];

enum vm_action {
	VM_CONTINUE,	  /* re-enter the guest */
	VM_STOP_EXITED,	  /* the guest reported its exit status (exit_status) */
	VM_STOP_ERROR,	  /* protocol error or dead guest: err says why */
};

/* Called as phases open and close, so the VMM can snapshot statistics at
 * the marks.  Any may be NULL. */
struct vm_exit_hooks {
	void (*first_hcall)(void *user);
	/* The phase at stack index depth was just opened. */
	void (*phase_begin)(void *user, unsigned depth);
	/* The phase at stack index depth was just closed by rec (whose phase,
	 * primitive and rep match its begin); ctr_delta holds the VMM
	 * counters' change since its begin (the end exit included). */
	void (*phase_end)(void *user, unsigned depth, const struct cb_phase_record *rec,
			  const uint64_t *ctr_delta);
	void (*result)(void *user, const char *name, uint64_t value);
};

struct vm_exit_ctx {
	struct gmem mem;
	size_t run_size; /* bytes of the kvm_run mapping: bounds for io.data_offset */
	struct vm_console *con;
	const struct vm_exit_hooks *hooks;
	void *user;
	const struct vm_quota *quota; /* NULL: no limits (tests) */
	struct vm_phase_stack phases;
	uint64_t ctr[VM_CTR_COUNT];
	uint64_t ctr_begin[CB_PHASE_DEPTH][VM_CTR_COUNT];
	atomic_bool timed_out; /* set by the watchdog */
	double timeout_s;
	bool exited;
	uint64_t exit_status;
	char err[400];
};

void vm_exit_init(struct vm_exit_ctx *x, const struct gmem *mem, size_t run_size,
		  struct vm_console *con, const struct vm_exit_hooks *hooks, void *user);
enum vm_action vm_exit_handle(struct vm_exit_ctx *x, struct kvm_run *run);

/* "KVM_EXIT_IO", ...; NULL when unknown. */
const char *vm_exit_reason_name(uint32_t reason);

#endif
