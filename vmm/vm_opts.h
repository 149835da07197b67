/* `cowbench vm` options: parsed and checked before anything boots, so
 * bad input ends in one line and exit 2 (cb_die). */
#ifndef COWBENCH_VM_OPTS_H
#define COWBENCH_VM_OPTS_H

#include "parse.h"
#include "vm_matrix.h"

struct vm_opts {
	/* The chosen matrix, options applied: its slices, each resolved (the
	 * run-wide prims and reps are specs[0]'s). */
	struct vm_matrix_spec specs[VM_SLICES_MAX];
	size_t nspecs;
	const char *ram, *timeout, *kernel, *out, *where, *guest_args;
	const char *reps;
	bool verbose;
	bool pv_cpuid; /* show the guest KVM's paravirtual CPUID leaves (vm_cpuid.h) */
	bool resume;	   /* continue the sweep in --out (vm_resume.h) */
	bool plan_given;   /* an option the plan depends on was given (vm_plan.h) */
};

/* One slice of the parsed sweep. */
struct vm_slice {
	int *dims[VM_DIM_COUNT]; /* indices into the name tables */
	size_t ndims[VM_DIM_COUNT], nsizes, ndirty;
	uint64_t *sizes;
	struct dirty_spec *dirty;
};

/* The parsed sweep. */
struct vm_sweep {
	int *prims;
	size_t nprims;
	struct vm_slice slices[VM_SLICES_MAX];
	size_t nslices;
	uint64_t reps, ram; /* ram 0: the formula */
	double timeout;	    /* 0: the formula */
	int where;
};

/* Exits 0 after --help and --list (they print), 2 on bad input. */
void vm_opts_parse(int argc, char **argv, struct vm_opts *o);
void vm_sweep_parse(const struct vm_opts *o, struct vm_sweep *w);
void vm_sweep_free(struct vm_sweep *w);
/* Every configuration of the sweep (the union of its slices); *out is
 * malloc'ed. */
size_t vm_sweep_configs(const struct vm_sweep *w, struct vm_config **out);

/* --kernel, else $COWBENCH_GUEST, else ../guest/cowbench-guest next to
 * this binary (build/cli/cowbench -> build/guest/cowbench-guest). */
char *vm_kernel_path(const char *opt);
/* The whole file; dies with exit 2 when it is missing or absurd. */
void *vm_kernel_load(const char *path, size_t *len);

#endif
