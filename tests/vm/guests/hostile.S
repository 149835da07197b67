/* Hostile guests, one per -DV_<name>: each breaks the protocol or the
 * machine in one way, and the VMM must end the run with a one-line error
 * and a register dump, never crash. */
#include "tg.h"

	.text
	.globl _start
_start:
	HCALL_OK TG_HC_CONSOLE, hello, (hello_end-hello)
	/* One finished phase: it must survive whatever comes next. */
	HCALL_OK TG_HC_PHASE_BEGIN, TG_PHASE_NULL, TG_PRIM_NONE, 0
	HCALL_OK TG_HC_PHASE_END, TG_PHASE_NULL, rec_null, TG_REC_SIZE
#if defined(V_TRIPLE)
	/* No IDT yet (limit 0): #UD -> #GP -> #DF -> shutdown. */
	ud2
#elif defined(V_SPIN)
1:	jmp 1b
#elif defined(V_BADPTR)
	/* Console text whose end wraps past 2^64. */
	HCALL TG_HC_CONSOLE, 0xfffffffffffff000, 0x1000
#elif defined(V_BADREC)
	HCALL_OK TG_HC_PHASE_BEGIN, TG_PHASE_NULL, TG_PRIM_NONE, 0
	HCALL TG_HC_PHASE_END, TG_PHASE_NULL, 0xffffffffffffff80, TG_REC_SIZE
#elif defined(V_BADHC)
	/* The hypercall struct itself outside RAM. */
	movl $0xfff00000, %eax
	movw $TG_HC_PORT, %dx
	outl %eax, %dx
#elif defined(V_BADOP)
	HCALL 99
#elif defined(V_BADPORT)
	movb $1, %al
	outb %al, $0x80
#elif defined(V_BADPHASE)
	HCALL TG_HC_PHASE_END, TG_PHASE_CREATE, rec, TG_REC_SIZE
#elif defined(V_OPENEXIT)
	HCALL_OK TG_HC_PHASE_BEGIN, TG_PHASE_CREATE, TG_PRIM_FORK, 0
	HCALL TG_HC_EXIT, 0
#elif defined(V_FAILEXIT)
	HCALL TG_HC_CONSOLE, why, (why_end-why)
	HCALL TG_HC_EXIT, 3
#elif defined(V_FLOODRES)
	/* Floods: each loops one thing the host would store or print. */
1:	HCALL TG_HC_RESULT, rname, (rname_end-rname), 1
	jmp 1b
#elif defined(V_FLOODPHASE)
1:	HCALL TG_HC_PHASE_BEGIN, TG_PHASE_NULL, TG_PRIM_NONE, 0
	HCALL TG_HC_PHASE_END, TG_PHASE_NULL, rec_null, TG_REC_SIZE
	jmp 1b
#elif defined(V_FLOODCON)
1:	HCALL TG_HC_CONSOLE, junk, 4096
	jmp 1b
#elif defined(V_FLOODNL)
	/* Empty lines on debugcon: 1 guest byte, 8 bytes of "guest: \n". */
1:	movl $newlines, %esi
	movl $4096, %ecx
	movw $TG_DEBUGCON_PORT, %dx
	rep outsb
	jmp 1b
#elif defined(V_HLT)
	hlt
#elif defined(V_MMIO)
	/* Map gpa 1 GiB - 2 MiB (far beyond RAM) in the boot page directory
	 * and store there: no memslot, so KVM hands us an MMIO exit. */
	movq $(0x3fe00000 | 0x83), %rax
	movq %rax, 0x12000 + 511 * 8
	invlpg 0x3fe00000
	movl $1, 0x3fe00000
#else
#error "pick a variant"
#endif
	/* Whatever happens, the guest must not get here and exit cleanly. */
	jmp guest_fail

	GUEST_FAIL_BLOCK

	.data
	HC_BLOCK
hello:	.ascii "hostile guest starting\n"
hello_end:
why:	.ascii "self-test found a broken invariant\n"
why_end:
rname:	.ascii "flood"
rname_end:
junk:	.fill 4096, 1, 0x41
newlines: .fill 4096, 1, 10
	RECORD rec, TG_PHASE_CREATE, TG_PRIM_FORK, 0
	RECORD rec_null, TG_PHASE_NULL, TG_PRIM_NONE, 0
