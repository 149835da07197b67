/* vm-plan.json: what a `cowbench vm` sweep set out to do, written into
 * --out before its first boot, so that `cowbench vm --resume` can tell
 * whether a folder is its own to continue, and with which options.
 *
 * The plan is a list of lines, one per thing that decides what the boots
 * measure: where, the host's MMU, the kernel (size and hash), whether
 * KVM's paravirtual CPUID is shown, then every boot in the order run, by
 * its configuration, its guest RAM and its guest command line (which
 * carries primitives, reps and --guest-args).  The watchdog and --verbose
 * change no measurement and are not in it.  Two sweeps are the same plan
 * when their lines are equal; options spelled differently that resolve
 * alike (--sizes 256K and --sizes 262144) are. */
#ifndef COWBENCH_VM_PLAN_H
#define COWBENCH_VM_PLAN_H

#include "cb.h"
#include "vm_matrix.h"

#define VM_PLAN_FILE "vm-plan.json"

struct vm_plan {
	char **lines;
	size_t n;
};

struct vm_plan_in {
	const char *where, *mmu;
	bool pv_cpuid;
	const void *kernel;
	size_t kernel_len;
	const struct vm_config *cfgs;
	size_t ncfg;
	char *const *cmdlines;
	const uint64_t *ram; /* per configuration */
};

void vm_plan_build(const struct vm_plan_in *in, struct vm_plan *p);
void vm_plan_free(struct vm_plan *p);

/* Writes dir/vm-plan.json atomically: the plan and args, the options the
 * sweep was given (what --resume parses again when given no others). */
int vm_plan_write(const char *dir, const struct vm_plan *p, char *const *args, size_t nargs,
		  cb_error *e);
/* 0 when vm_plan_write can record args; -1 (e names one) when an
 * argument is not UTF-8, which JSON cannot hold. */
int vm_plan_check_args(char *const *args, size_t nargs, cb_error *e);
/* Reads dir/vm-plan.json: 1 (and *p, *args filled; either may be NULL),
 * 0 when there is none, -1 when it is unreadable or malformed. */
int vm_plan_read(const char *dir, struct vm_plan *p, char ***args, size_t *nargs, cb_error *e);
void vm_plan_free_args(char **args, size_t nargs);

/* 0 when equal; else -1 with the first difference in e
 * ("boot 3 there is '...', here '...'"). */
int vm_plan_compare(const struct vm_plan *there, const struct vm_plan *here, cb_error *e);

#endif
