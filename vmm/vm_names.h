/* Name tables for the sweep's dimensions and the guest ABI's enums: one
 * place that turns an index into the word users type and CSVs hold.  The
 * primitives and phases are expanded from common/cb_prims.h and
 * common/cb_phases.h. */
#ifndef COWBENCH_VM_NAMES_H
#define COWBENCH_VM_NAMES_H

#include <stddef.h>

#include "cb_abi.h"

enum vm_gpage { VM_GPAGE_4K, VM_GPAGE_2M, VM_GPAGE_COUNT };
enum vm_policy { VM_POLICY_COPY, VM_POLICY_SPLIT, VM_POLICY_COUNT };
enum vm_where { VM_WHERE_HOST, VM_WHERE_NESTED_TCG, VM_WHERE_NESTED_KVM, VM_WHERE_COUNT };

/* NULL-terminated, for parse_name_list; indices are the enums above and,
 * for primitives and phases, the values of enum cb_primitive / cb_phase. */
extern const char *const vm_prim_names[];
extern const char *const vm_phase_names[];
extern const char *const vm_gpage_names[];
extern const char *const vm_policy_names[];
extern const char *const vm_prefault_names[]; /* "no", "yes" */
extern const char *const vm_where_names[];

/* "fork,vfork": primitives (indices into vm_prim_names) joined by commas,
 * as the guest command line and vm-boots.csv spell them; returns buf. */
const char *vm_prim_list(const int *prims, size_t n, char *buf, size_t len);

/* "fork" ... or "none" for CB_PRIM_NONE; "?" for anything else. */
const char *vm_prim_name(uint32_t prim);
const char *vm_phase_name(uint32_t phase);

#endif
