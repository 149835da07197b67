/* A well-behaved guest: console text (hypercall and debugcon), its
 * command line echoed, an empty phase pair, a nested create/dirty pair
 * with records, one result, exit 0. */
#include "tg.h"

	.text
	.globl _start
_start:
	cmpl $TG_BOOT_MAGIC, (%rdi)
	jne guest_fail
	HCALL_OK TG_HC_CONSOLE, hello, (hello_end-hello)

	/* The command line, as the VMM built it, between "cmdline=[" and "]". */
	HCALL_OK TG_HC_CONSOLE, cl_pre, 9
	movq TG_BOOT_CMDLINE_GPA_OFF(%rdi), %rax
	movq %rax, hcb + TG_HC_ARG0
	movl TG_BOOT_CMDLINE_LEN_OFF(%rdi), %eax
	movq %rax, hcb + TG_HC_ARG1
	movw $TG_HC_CONSOLE, hcb + TG_HC_OP
	movl $hcb, %eax
	movw $TG_HC_PORT, %dx
	outl %eax, %dx
	cmpl $0, hcb + TG_HC_RET
	jne guest_fail
	HCALL_OK TG_HC_CONSOLE, cl_post, 2

	/* debugcon: one string OUT. */
	movl $dbg, %esi
	movl $(dbg_end - dbg), %ecx
	movw $TG_DEBUGCON_PORT, %dx
	rep outsb

	HCALL_OK TG_HC_PHASE_BEGIN, TG_PHASE_NULL, TG_PRIM_NONE, 0
	HCALL_OK TG_HC_PHASE_END, TG_PHASE_NULL, rec_null, TG_REC_SIZE

	HCALL_OK TG_HC_PHASE_BEGIN, TG_PHASE_CREATE, TG_PRIM_FORK, 0
	HCALL_OK TG_HC_PHASE_BEGIN, TG_PHASE_DIRTY, TG_PRIM_FORK, 0
	HCALL_OK TG_HC_PHASE_END, TG_PHASE_DIRTY, rec_dirty, TG_REC_SIZE
	HCALL_OK TG_HC_PHASE_END, TG_PHASE_CREATE, rec_create, TG_REC_SIZE

	HCALL_OK TG_HC_RESULT, name, (name_end-name), 42
	HCALL_OK TG_HC_EXIT, 0
	jmp guest_fail

	GUEST_FAIL_BLOCK

	.data
	HC_BLOCK
hello:	.ascii "hello from the ok guest\n"
hello_end:
cl_pre:	.ascii "cmdline=["
cl_post: .ascii "]\n"
dbg:	.ascii "debugcon says hi\n"
dbg_end:
name:	.ascii "answer_to_everything"
name_end:
	RECORD rec_null, TG_PHASE_NULL, TG_PRIM_NONE, 0
	RECORD rec_create, TG_PHASE_CREATE, TG_PRIM_FORK, 0, cycles=123456, fresh=3
	RECORD rec_dirty, TG_PHASE_DIRTY, TG_PRIM_FORK, 0, cycles=2793436, cow=7, zero=2
