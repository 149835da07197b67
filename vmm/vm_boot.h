/* The boot protocol of common/cb_abi.h, VMM side: what guest memory and
 * the vCPU registers hold at the first instruction.  Pure (guest memory
 * view in, register structs out), so tests check every byte. */
#ifndef COWBENCH_VM_BOOT_H
#define COWBENCH_VM_BOOT_H

#include <linux/kvm.h>

#include "cb.h"
#include "vm_gmem.h"

/* The page tables start at CB_BOOT_PT_GPA (PML4, PDPT, then one page
 * directory per GiB) and grow toward the boot stack, which the ABI puts
 * below CB_BOOT_STACK_TOP.  Keeping 64 KiB of stack caps RAM at 94 GiB;
 * we stop at 64 GiB. */
#define VM_BOOT_STACK_BOTTOM 0x70000u
#define VM_RAM_MAX (64ull << 30)

#define VM_GDT_CODE64 0x08
#define VM_GDT_DATA 0x10
#define VM_GDT_TSS 0x18

struct vm_boot_params {
	uint64_t tsc_khz;
	const char *cmdline;
	size_t cmdline_len;
};

/* Writes GDT, TSS, identity page tables, boot info and command line.
 * RAM must be a multiple of 2 MiB, at least CB_BOOT_RESERVED_END and at
 * most VM_RAM_MAX. */
int vm_boot_write(const struct gmem *m, const struct vm_boot_params *p, cb_error *e);

/* 64-bit mode directly: paging on, long mode active, flat segments from
 * the GDT above.  nx: the CPU has NX (CPUID 0x80000001 EDX bit 20), so
 * EFER.NXE is set and the guest may use the XD bit at once. */
void vm_boot_sregs(struct kvm_sregs *s, bool nx);
void vm_boot_regs(struct kvm_regs *r, uint64_t entry);
/* A clean x87/SSE state: FCW as after FNINIT, MXCSR as after reset. */
void vm_boot_fpu(struct kvm_fpu *f);

#endif
