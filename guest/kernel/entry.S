/* Kernel entry from our VMM (64-bit, see common/cb_abi.h), trap stubs, and
 * the return to user mode. */
	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	/* rdi = struct cb_boot_info; the VMM's boot stack is in reserved low
	 * memory, ours is in .bss. */
	lea kstack_top(%rip), %rsp
	xor %ebp, %ebp
	call kmain
1:	cli
	hlt
	jmp 1b

	.text
/* Every trap pushes the same frame (struct trapframe): vector stubs push a
 * zero error code where the CPU does not, then the vector number. */
.macro STUB vec, has_error
	.balign 16
stub_\vec:
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
.endm

	STUB 0, 0
	STUB 1, 0
	STUB 2, 0
	STUB 3, 0
	STUB 4, 0
	STUB 5, 0
	STUB 6, 0
	STUB 7, 0
	STUB 8, 1
	STUB 9, 0
	STUB 10, 1
	STUB 11, 1
	STUB 12, 1
	STUB 13, 1
	STUB 14, 1
	STUB 15, 0
	STUB 16, 0
	STUB 17, 1
	STUB 18, 0
	STUB 19, 0
	STUB 20, 0
	STUB 21, 1
	STUB 22, 0
	STUB 23, 0
	STUB 24, 0
	STUB 25, 0
	STUB 26, 0
	STUB 27, 0
	STUB 28, 0
	STUB 29, 1
	STUB 30, 1
	STUB 31, 0

	.balign 16
	.globl trap_stub_other
trap_stub_other:
	pushq $0
	pushq $255
	jmp trap_common

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	mov %rsp, %rdi
	cld
	call trap_dispatch
	/* trap_dispatch may have replaced the frame with another process's:
	 * that is how the scheduler switches. */
	mov %rsp, %rdi
	.globl trap_enter
trap_enter:
	mov %rdi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	add $16, %rsp
	iretq

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad stub_\v
	.endr

	.section .bss
	.balign 4096
	.globl kstack_top
kstack:
	.skip 16384
kstack_top:

	.section .note.GNU-stack, "", @progbits
