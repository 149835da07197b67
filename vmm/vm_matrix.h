/* The sweep: which guests to boot.  One boot per configuration: a value of
 * every named dimension (vm_dims.h: guest page, COW policy, backing,
 * prefault, fork design), a region size and a dirty count; the guest runs every
 * requested primitive x reps inside it.  Pure: tests build matrices
 * without /dev/kvm. */
#ifndef COWBENCH_VM_MATRIX_H
#define COWBENCH_VM_MATRIX_H

#include "cb.h"
#include "parse.h"
#include "vm_backing.h"
#include "vm_dims.h"
#include "vm_names.h"

/* A matrix as the user would type it: the defaults below are option
 * strings run through the same parsers as the command line, so changing a
 * default is a one-line edit here and cannot bypass validation.
 *
 * A matrix is one or more slices, each a cross product; the boots are the
 * union (a configuration two slices share boots once).  In a preset, a
 * slice after the first names only what differs from the slice before it
 * (NULL: the same), as `cowbench vm --and` does; prims and reps are the
 * first slice's, for the whole run. */
struct vm_matrix_spec {
	const char *prims, *sizes, *dirty;
	const char *dims[VM_DIM_COUNT]; /* by vm_dims[]' options */
	uint64_t reps;
};
#define VM_SLICES_MAX 8
struct vm_matrix_preset {
	const struct vm_matrix_spec *slices;
	size_t n;
};
extern const struct vm_matrix_preset vm_matrix_default; /* make bench */
extern const struct vm_matrix_preset vm_matrix_quick;	/* --quick */

/* slice, with every field `with` sets replaced. */
struct vm_matrix_spec vm_spec_apply(struct vm_matrix_spec slice, const struct vm_matrix_spec *with);

/* The named dimensions' values are indices into their name tables (an int
 * each, reached through vm_dims[].off). */
struct vm_config {
	enum vm_gpage gpage;
	enum vm_policy policy; /* VM_POLICY_COPY for 4k: a 4 KiB COW always copies 4 KiB */
	enum vm_backing backing;
	int prefault; /* index into vm_prefault_names: 1 = yes */
	int design;   /* common/cb_fork_designs.h, in its order */
	uint64_t region_bytes;
	uint64_t dirty_pages; /* 4 KiB pages, resolved against the region */
	char skip[160];	      /* non-empty: cannot run, and why */
};

struct vm_matrix_in {
	const int *dims[VM_DIM_COUNT]; /* each dimension's values, as indices */
	size_t ndims[VM_DIM_COUNT];
	const uint64_t *sizes;
	size_t nsizes;
	const struct dirty_spec *dirty;
	size_t ndirty;
};

/* Ordered by the dimensions in vm_dims[] order, then size, then dirty, as
 * given.  Dirty specs resolving to the same page count are booted once; a
 * 2 MiB guest page with a region that is not a multiple of 2 MiB is a
 * skipped configuration.  Returns the count; *out is malloc'ed. */
size_t vm_matrix_build(const struct vm_matrix_in *in, struct vm_config **out);
/* The union of n slices, in order, each configuration once. */
size_t vm_matrix_build_slices(const struct vm_matrix_in *in, size_t n, struct vm_config **out);

/* "4k copy anon4k prefault=no region=2M dirty=16" */
const char *vm_config_label(const struct vm_config *c, char *buf, size_t len);

#endif
