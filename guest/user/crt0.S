/* User program entry: the kernel starts us with rdi, rsi = arguments and
 * rsp 8 bytes below a 16-byte boundary, as after a call. */
	.section .text.entry, "ax"
	.globl _start
_start:
	xor %ebp, %ebp
	call main
	mov %rax, %rdi
	mov $1, %eax /* GSYS_EXIT */
	int3
1:	jmp 1b

/* vfork: parent and child return through the same stack, and the child's
 * next call overwrites the slot holding our return address.  So, like
 * glibc, keep the return address in a register across the trap: each
 * process gets its own copy of the registers. */
	.text
	.globl sys_vfork
sys_vfork:
	popq %rdx
	mov $3, %eax /* GSYS_VFORK */
	int3
	pushq %rdx
	ret

	.section .note.GNU-stack, "", @progbits
