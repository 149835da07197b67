/* PVH entry, for QEMU's `-M microvm -kernel`: QEMU finds the Xen
 * PHYS32_ENTRY note, loads the ELF at its physical addresses and jumps to
 * pvh_start32 in 32-bit protected mode, paging off, with EBX pointing at
 * struct hvm_start_info.  We build the same world our VMM hands over (flat
 * GDT with 0x08 = 64-bit code, identity page tables) and continue in C. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.section .note.Xen, "a"
	.balign 4
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.long pvh_start32

	.section .text.pvh, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	mov %ebx, %esi
	lgdt pvh_gdt_desc
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss

	/* Identity-map the first 4 GiB.  The tables are in .bss, which an
	 * ELF loader zero-fills (p_memsz beyond p_filesz).  With 1 GiB pages
	 * (CPUID 0x80000001 EDX[26]) that is four entries; without, 2048 PDEs,
	 * which cost tens of milliseconds where ring 0 is emulated. */
	movl $(pvh_pt + 0x1000 + 3), pvh_pt          /* PML4[0] -> PDPT */
	mov $0x80000001, %eax
	cpuid
	bt $26, %edx
	jnc 4f
	mov $0, %ecx
3:	mov %ecx, %eax
	shl $30, %eax
	or $0x83, %eax                                 /* present, writable, 1 GiB */
	mov %eax, (pvh_pt + 0x1000)(,%ecx,8)
	inc %ecx
	cmp $4, %ecx
	jne 3b
	jmp 5f
4:	mov $0, %ecx
1:	mov %ecx, %eax
	shl $12, %eax
	add $(pvh_pt + 0x2000 + 3), %eax
	mov %eax, (pvh_pt + 0x1000)(,%ecx,8)          /* PDPT[i] -> PD i */
	inc %ecx
	cmp $4, %ecx
	jne 1b
	mov $0, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax                                 /* present, writable, 2 MiB */
	mov %eax, (pvh_pt + 0x2000)(,%ecx,8)
	mov %ecx, %eax
	shr $11, %eax                                  /* high dword: bits 32+ of i << 21 */
	mov %eax, (pvh_pt + 0x2000 + 4)(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jne 2b
5:
	mov %cr4, %eax
	or $0x620, %eax /* PAE | OSFXSR | OSXMMEXCPT */
	mov %eax, %cr4
	mov $pvh_pt, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx /* EFER.LME */
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax /* PG | WP | PE */
	mov %eax, %cr0
	ljmp $0x08, $pvh_start64

	.code64
pvh_start64:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	lea kstack_top(%rip), %rsp
	mov %esi, %edi /* hvm_start_info, zero-extended */
	call pvh_main
3:	cli
	hlt
	jmp 3b

	.section .rodata
	.balign 16
pvh_gdt:
	.quad 0
	.quad 0x00af9b000000ffff /* 0x08 64-bit code */
	.quad 0x00cf93000000ffff /* 0x10 data */
	.quad 0x00cf9b000000ffff /* 0x18 32-bit code (unused) */
pvh_gdt_desc:
	.word pvh_gdt_desc - pvh_gdt - 1
	.long pvh_gdt

	.section .bss
	.balign 4096
pvh_pt: /* PML4, PDPT, 4 PDs */
	.skip 6 * 4096

	.section .note.GNU-stack, "", @progbits
