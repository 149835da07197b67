/* The smallest kernel QEMU boots through PVH (-M microvm -kernel FILE):
 * QEMU finds the XEN_ELFNOTE_PHYS32_ENTRY note, enters pvh_start in 32-bit
 * protected mode (paging off, EBX -> hvm_start_info), and this code prints
 * one line on the debugcon port, writes status 0 to the isa-debug-exit port
 * and halts.  scripts/qemu-crosscheck uses it to prove its harness without
 * the cowbench guest; the VM exits it causes (string OUT, the exit port,
 * HLT) are what its test expects to see counted. */

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define DEBUGCON_PORT 0xe9
#define DEBUG_EXIT_PORT 0x501

	.section .note.pvh, "a", @note
	.p2align 2
	.long 4				/* name size: "Xen\0" */
	.long 4				/* descriptor size */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.p2align 2
	.long pvh_start			/* physical 32-bit entry */

	.text
	.code32
	.globl pvh_start
pvh_start:
	cld
	movl $msg, %esi
	movl $(msg_end - msg), %ecx
	movw $DEBUGCON_PORT, %dx
	rep outsb
	/* Same last words as the cowbench guest: the status line, then the port. */
	movl $bye, %esi
	movl $(bye_end - bye), %ecx
	rep outsb
	movw $DEBUG_EXIT_PORT, %dx
	xorl %eax, %eax
	outw %ax, %dx
1:	cli
	hlt
	jmp 1b

	.section .rodata
msg:	.ascii "cowbench-pvh-hello: hello from a PVH kernel\n"
msg_end:
bye:	.ascii "cowbench-exit status=0\n"
bye_end:
