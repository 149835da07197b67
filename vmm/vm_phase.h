/* The guest's open benchmark phases.  Phases nest (vfork's create phase
 * contains the child's dirty phase), at most CB_PHASE_DEPTH deep, and an
 * end must close the innermost open phase with a record that names the
 * same phase, primitive and rep. */
#ifndef COWBENCH_VM_PHASE_H
#define COWBENCH_VM_PHASE_H

#include <stddef.h>

#include "cb_abi.h"

struct vm_phase_open {
	uint32_t phase, prim, rep;
};

struct vm_phase_stack {
	unsigned depth;
	struct vm_phase_open open[CB_PHASE_DEPTH];
};

/* Both return CB_HC_OK or CB_HC_EINVAL (with why) and leave the stack
 * unchanged on error.  vm_phase_end closes the innermost phase, which rec
 * must name exactly (phase, primitive, rep). */
int vm_phase_begin(struct vm_phase_stack *s, uint32_t phase, uint32_t prim, uint32_t rep,
		   char *why, size_t why_len);
int vm_phase_end(struct vm_phase_stack *s, const struct cb_phase_record *rec, char *why,
		 size_t why_len);

#endif
