#include "vm_phase.h"

#include <stdio.h>

#include "vm_names.h"

int vm_phase_begin(struct vm_phase_stack *s, uint32_t phase, uint32_t prim, uint32_t rep,
		   char *why, size_t why_len)
{
	if (s->depth >= CB_PHASE_DEPTH) {
		snprintf(why, why_len, "phase %s begins with %u phases already open (at most %u)",
			 vm_phase_name(phase), s->depth, CB_PHASE_DEPTH);
		return CB_HC_EINVAL;
	}
	s->open[s->depth++] = (struct vm_phase_open){phase, prim, rep};
	return CB_HC_OK;
}

int vm_phase_end(struct vm_phase_stack *s, const struct cb_phase_record *rec, char *why,
		 size_t why_len)
{
	if (s->depth == 0) {
		snprintf(why, why_len, "phase %s ends but no phase is open", vm_phase_name(rec->phase));
		return CB_HC_EINVAL;
	}
	const struct vm_phase_open *top = &s->open[s->depth - 1];
	if (rec->phase != top->phase) {
		snprintf(why, why_len, "phase %s ends but the innermost open phase is %s",
			 vm_phase_name(rec->phase), vm_phase_name(top->phase));
		return CB_HC_EINVAL;
	}
	if (rec->primitive != top->prim || rec->rep != top->rep) {
		snprintf(why, why_len, "phase %s record is for %s rep %u, it began as %s rep %u",
			 vm_phase_name(rec->phase), vm_prim_name(rec->primitive), rec->rep,
			 vm_prim_name(top->prim), top->rep);
		return CB_HC_EINVAL;
	}
	s->depth--;
	return CB_HC_OK;
}
