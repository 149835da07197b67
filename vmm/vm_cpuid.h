/* The CPUID the guest sees: KVM's supported set, less KVM's paravirtual
 * leaves unless asked for.
 *
 * KVM_GET_SUPPORTED_CPUID lists 0x40000000 ("KVMKVMKVM", the hypervisor
 * signature) and 0x40000001 (the paravirtual features: kvmclock, PV EOI,
 * async page faults, steal time, ...).  Our guest uses none of them, and a
 * leaf that advertises host features is information a guest does not need;
 * so, as QEMU's `-cpu ...,kvm=off`, the whole 0x40000000 range is left out
 * unless --pv-cpuid asks for it.  The hypervisor-present bit (leaf 1 ECX
 * bit 31) stays: it says "a VM", not which one. */
#ifndef COWBENCH_VM_CPUID_H
#define COWBENCH_VM_CPUID_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

#define VM_CPUID_PV_FIRST 0x40000000u
#define VM_CPUID_PV_LAST 0x4fffffffu

/* Removes the paravirtual leaves from c in place (keep_pv: nothing); returns
 * how many entries were removed. */
unsigned vm_cpuid_filter(struct kvm_cpuid2 *c, bool keep_pv);

#endif
