#include "vm_names.h"

#include "cb.h"

const char *const vm_prim_names[CB_PRIM_COUNT + 1] = {
	[CB_PRIM_FORK] = "fork",
	[CB_PRIM_VFORK] = "vfork",
	[CB_PRIM_CLONE_VM] = "clone_vm",
	[CB_PRIM_SPAWN] = "spawn",
	[CB_PRIM_COUNT] = NULL,
};

const char *const vm_phase_names[CB_PHASE_COUNT + 1] = {
	[CB_PHASE_NULL] = "null",
	[CB_PHASE_CREATE] = "create",
	[CB_PHASE_DIRTY] = "dirty",
	[CB_PHASE_REAP] = "reap",
	[CB_PHASE_REUSE] = "reuse",
	[CB_PHASE_POPULATE] = "populate",
	[CB_PHASE_COUNT] = NULL,
};

const char *const vm_gpage_names[VM_GPAGE_COUNT + 1] = {"4k", "2m", NULL};
const char *const vm_policy_names[VM_POLICY_COUNT + 1] = {"copy", "split", NULL};
const char *const vm_prefault_names[3] = {"no", "yes", NULL};
const char *const vm_where_names[VM_WHERE_COUNT + 1] = {"host", "nested-tcg", "nested-kvm", NULL};

_Static_assert(CB_ARRAY_SIZE(vm_prim_names) == CB_PRIM_COUNT + 1, "vm_prim_names");
_Static_assert(CB_ARRAY_SIZE(vm_phase_names) == CB_PHASE_COUNT + 1, "vm_phase_names");

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
