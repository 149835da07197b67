/* `cowbench vm` options: parsed and checked before anything boots, so
 * bad input ends in one line and exit 2 (cb_die). */
#ifndef COWBENCH_VM_OPTS_H
#define COWBENCH_VM_OPTS_H

#include "parse.h"
#include "vm_matrix.h"

struct vm_opts {
	struct vm_matrix_spec spec; /* the chosen matrix, options applied */
	const char *ram, *timeout, *kernel, *out, *where, *guest_args;
	const char *reps;
	bool verbose;
	bool pv_cpuid; /* show the guest KVM's paravirtual CPUID leaves (vm_cpuid.h) */
};

/* The parsed sweep. */
struct vm_sweep {
	int *prims, *gpages, *policies, *backings, *prefaults;
	size_t nprims, ngpages, npolicies, nbackings, nprefaults, nsizes, ndirty;
	uint64_t *sizes;
	struct dirty_spec *dirty;
	uint64_t reps, ram; /* ram 0: the formula */
	double timeout;	    /* 0: the formula */
	int where;
};

void vm_opts_parse(int argc, char **argv, struct vm_opts *o);
void vm_sweep_parse(const struct vm_opts *o, struct vm_sweep *w);
void vm_sweep_free(struct vm_sweep *w);

/* --kernel, else $COWBENCH_GUEST, else ../guest/cowbench-guest next to
 * this binary (build/cli/cowbench -> build/guest/cowbench-guest). */
char *vm_kernel_path(const char *opt);
/* The whole file; dies with exit 2 when it is missing or absurd. */
void *vm_kernel_load(const char *path, size_t *len);

#endif
