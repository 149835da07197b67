/* Reports what CPUID leaf 0x40000000 (the hypervisor signature) says, as
 * results hv_ebx, hv_ecx and hv_edx ("KVMK", "VMKV", "M\0\0\0" under KVM's
 * paravirtual leaves), then exits 0. */
#include "tg.h"

	.text
	.globl _start
_start:
	movl $0x40000000, %eax
	xorl %ecx, %ecx
	cpuid
	movl %ebx, sig + 0
	movl %ecx, sig + 8
	movl %edx, sig + 16
	movl $0, %esi
1:	/* One RESULT per register: name n_<i>, value sig[i]. */
	movw $TG_HC_RESULT, hcb + TG_HC_OP
	leaq names(,%rsi,8), %rax
	movq %rax, hcb + TG_HC_ARG0
	movq $6, hcb + TG_HC_ARG1
	movq sig(,%rsi,8), %rax
	movq %rax, hcb + TG_HC_ARG2
	movl $hcb, %eax
	movw $TG_HC_PORT, %dx
	outl %eax, %dx
	cmpl $0, hcb + TG_HC_RET
	jne guest_fail
	incl %esi
	cmpl $3, %esi
	jne 1b
	HCALL_OK TG_HC_EXIT, 0
	jmp guest_fail

	GUEST_FAIL_BLOCK

	.data
	HC_BLOCK
	.balign 8
sig:	.quad 0, 0, 0
names:	.ascii "hv_ebx\0\0hv_ecx\0\0hv_edx\0\0"
