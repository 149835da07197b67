#include "vm_names.h"

#include <stdio.h>

#include "cb.h"

/* Name tables, NULL-terminated for parse_name_list, in enum order.  They
 * are sized by their initialisers, so a missing name fails the asserts
 * below instead of leaving a NULL hole. */
const char *const vm_prim_names[] = {CB_PRIMITIVES(CB_PRIM_NAME_INIT) NULL};
const char *const vm_phase_names[] = {CB_PHASES(CB_PHASE_NAME_INIT) NULL};
const char *const vm_gpage_names[] = {"4k", "2m", NULL};
const char *const vm_policy_names[] = {"copy", "split", NULL};
const char *const vm_prefault_names[] = {"no", "yes", NULL};
const char *const vm_where_names[] = {"host", "nested-tcg", "nested-kvm", NULL};

_Static_assert(CB_ARRAY_SIZE(vm_prim_names) == CB_PRIM_COUNT + 1, "vm_prim_names");
_Static_assert(CB_ARRAY_SIZE(vm_phase_names) == CB_PHASE_COUNT + 1, "vm_phase_names");
_Static_assert(CB_ARRAY_SIZE(vm_gpage_names) == VM_GPAGE_COUNT + 1, "vm_gpage_names");
_Static_assert(CB_ARRAY_SIZE(vm_policy_names) == VM_POLICY_COUNT + 1, "vm_policy_names");
_Static_assert(CB_ARRAY_SIZE(vm_prefault_names) == 3, "vm_prefault_names");
_Static_assert(CB_ARRAY_SIZE(vm_where_names) == VM_WHERE_COUNT + 1, "vm_where_names");

const char *vm_prim_name(uint32_t prim)
{
	if (prim == CB_PRIM_NONE)
		return "none";
	return prim < CB_PRIM_COUNT ? vm_prim_names[prim] : "?";
}

const char *vm_phase_name(uint32_t phase)
{
	return phase < CB_PHASE_COUNT ? vm_phase_names[phase] : "?";
}

const char *vm_prim_list(const int *prims, size_t n, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? "," : "",
				 vm_prim_names[prims[i]]);
		used += w > 0 ? (size_t)w : 0;
	}
	return buf;
}
