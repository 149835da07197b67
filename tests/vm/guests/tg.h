/* Constants and macros for the tiny assembly test guests.
 *
 * common/cb_abi.h holds C structs and enums an assembler cannot read, so
 * the numbers the guests need are repeated here; test_vm_guest_abi.c
 * checks every one against cb_abi.h at compile time. */
#ifndef COWBENCH_TG_H
#define COWBENCH_TG_H

#define TG_ABI_VERSION 2
#define TG_BOOT_MAGIC 0x49424243
#define TG_BOOT_CMDLINE_GPA_OFF 24 /* cb_boot_info.cmdline_gpa */
#define TG_BOOT_CMDLINE_LEN_OFF 32 /* cb_boot_info.cmdline_len */
#define TG_HC_PORT 0x0cb0
#define TG_HC_MAGIC 0x42574f43
#define TG_DEBUGCON_PORT 0xe9
#define TG_DEBUG_EXIT_PORT 0x501

#define TG_HC_CONSOLE 1
#define TG_HC_PHASE_BEGIN 2
#define TG_HC_PHASE_END 3
#define TG_HC_RESULT 4
#define TG_HC_EXIT 5

#define TG_HC_OP 6
#define TG_HC_SIZEOF_OFF 8
#define TG_HC_RET 12
#define TG_HC_ARG0 16
#define TG_HC_ARG1 24
#define TG_HC_ARG2 32
#define TG_HC_SIZE 48

#define TG_PRIM_FORK 0
#define TG_PRIM_NONE 15
#define TG_PHASE_NULL 0
#define TG_PHASE_CREATE 1
#define TG_PHASE_DIRTY 2

#define TG_REC_CYCLES 16
#define TG_REC_COW_COPIES 24
#define TG_REC_ZERO_FILLS 56
#define TG_REC_FRESH_FRAMES 104
#define TG_REC_SIZE 152

#ifdef __ASSEMBLER__

/* The one hypercall block of a guest. */
.macro HC_BLOCK
	.balign 16
hcb:	.long TG_HC_MAGIC
	.word TG_ABI_VERSION
	.word 0
	.long TG_HC_SIZE
	.long 0
	.quad 0, 0, 0, 0
.endm

/* A phase record: phase, primitive, rep, then a few counters. */
.macro RECORD name, phase, prim, rep, cycles=0, cow=0, zero=0, fresh=0
	.balign 8
\name:	.long \phase, \prim, \rep, TG_REC_SIZE
	.quad \cycles, \cow, 0, 0, 0, \zero, 0, 0, 0, 0, 0, \fresh
	.fill (TG_REC_SIZE - 112) / 8, 8, 0
.endm

/* Fills the block and writes its gpa to the hypercall port. */
.macro HCALL op, a0=0, a1=0, a2=0
	movw $\op, hcb + TG_HC_OP
	movabsq $\a0, %rax
	movq %rax, hcb + TG_HC_ARG0
	movabsq $\a1, %rax
	movq %rax, hcb + TG_HC_ARG1
	movabsq $\a2, %rax
	movq %rax, hcb + TG_HC_ARG2
	movl $hcb, %eax
	movw $TG_HC_PORT, %dx
	outl %eax, %dx
.endm

/* A hypercall that must succeed; otherwise exit with status 99. */
.macro HCALL_OK op, a0=0, a1=0, a2=0
	HCALL \op, \a0, \a1, \a2
	cmpl $0, hcb + TG_HC_RET
	jne guest_fail
.endm

/* Exit status 99 through the debug-exit port, then stop. */
.macro GUEST_FAIL_BLOCK
guest_fail:
	movw $TG_DEBUG_EXIT_PORT, %dx
	movb $99, %al
	outb %al, %dx
1:	hlt
	jmp 1b
.endm

#endif
#endif
