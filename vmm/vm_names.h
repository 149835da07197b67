/* Name tables for the sweep's dimensions and the guest ABI's enums: one
 * place that turns an index into the word users type and CSVs hold. */
#ifndef COWBENCH_VM_NAMES_H
#define COWBENCH_VM_NAMES_H

#include "cb_abi.h"

enum vm_gpage { VM_GPAGE_4K, VM_GPAGE_2M, VM_GPAGE_COUNT };
enum vm_policy { VM_POLICY_COPY, VM_POLICY_SPLIT, VM_POLICY_COUNT };
enum vm_where { VM_WHERE_HOST, VM_WHERE_NESTED_TCG, VM_WHERE_NESTED_KVM, VM_WHERE_COUNT };

/* NULL-terminated, for parse_name_list; indices are the enums above and,
 * for primitives and phases, the values of enum cb_primitive / cb_phase. */
extern const char *const vm_prim_names[CB_PRIM_COUNT + 1];
extern const char *const vm_phase_names[CB_PHASE_COUNT + 1];
extern const char *const vm_gpage_names[VM_GPAGE_COUNT + 1];
extern const char *const vm_policy_names[VM_POLICY_COUNT + 1];
extern const char *const vm_prefault_names[3]; /* "no", "yes" */
extern const char *const vm_where_names[VM_WHERE_COUNT + 1];

/* "fork" ... or "none" for CB_PRIM_NONE; "?" for anything else. */
const char *vm_prim_name(uint32_t prim);
const char *vm_phase_name(uint32_t phase);

#endif
