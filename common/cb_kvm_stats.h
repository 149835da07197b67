/* KVM binary statistics that get a column of their own, in column order.
 * (vm-stats.csv keeps every statistic KVM offers, by the descriptors'
 * names; these are the ones the analysis and the cross-check read.)
 *
 *   X(name, in_vm_csv, required)
 *     name       the KVM statistic (VM and vCPU values of one name add up)
 *     in_vm_csv  1: a vm.csv column, compared by `cowbench compare`;
 *                0: a qemu-crosscheck.csv column only (host-side exits the
 *                cross-check subtracts, and statistics only some KVMs have)
 *     required   1: vm.csv files must have it (analysis/run.c)
 *
 * qemu-crosscheck.csv has all of them in this order, vm.csv those with
 * in_vm_csv in this order. */
#ifndef COWBENCH_CB_KVM_STATS_H
#define COWBENCH_CB_KVM_STATS_H

#define CB_KVM_STATS(X)                \
	X(exits, 1, 1)                 \
	X(pf_taken, 1, 1)              \
	X(pf_fixed, 1, 0)              \
	X(pf_emulate, 1, 0)            \
	X(pf_guest, 1, 0)              \
	X(pf_spurious, 1, 0)           \
	X(pf_fast, 0, 0)               \
	X(tlb_flush, 1, 0)             \
	X(invlpg, 1, 0)                \
	X(io_exits, 1, 0)              \
	X(mmio_exits, 0, 0)            \
	X(halt_exits, 0, 0)            \
	X(signal_exits, 0, 0)          \
	X(irq_exits, 0, 0)             \
	X(preemption_other, 0, 0)      \
	X(insn_emulation, 1, 0)        \
	X(mmu_shadow_zapped, 1, 0)     \
	X(mmu_pte_write, 1, 0)         \
	X(mmu_cache_miss, 1, 0)        \
	X(mmu_unsync, 0, 0)

/* CB_KVM_IF_VM(in_vm_csv, f, args...) expands to f(args...) for vm.csv
 * columns only (in_vm_csv is a literal 0 or 1); f is applied last, so
 * what it expands to may hold commas. */
#define CB_KVM_IF_VM(in_vm_csv, f, ...) CB_KVM_IF_VM_##in_vm_csv(f, __VA_ARGS__)
#define CB_KVM_IF_VM_1(f, ...) f(__VA_ARGS__)
#define CB_KVM_IF_VM_0(f, ...)

#endif
