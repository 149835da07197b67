#include "vm_regs.h"

#include <stdio.h>

void vm_regs_format(const struct kvm_regs *r, const struct kvm_sregs *s, char *buf, size_t len)
{
	snprintf(buf, len,
		 "  rip=0x%016llx rflags=0x%08llx\n"
		 "  rax=0x%016llx rbx=0x%016llx rcx=0x%016llx rdx=0x%016llx\n"
		 "  rsi=0x%016llx rdi=0x%016llx rbp=0x%016llx rsp=0x%016llx\n"
		 "  r8 =0x%016llx r9 =0x%016llx r10=0x%016llx r11=0x%016llx\n"
		 "  r12=0x%016llx r13=0x%016llx r14=0x%016llx r15=0x%016llx\n"
		 "  cr0=0x%08llx cr2=0x%016llx cr3=0x%016llx cr4=0x%08llx efer=0x%llx\n"
		 "  cs=0x%04x ds=0x%04x es=0x%04x fs=0x%04x gs=0x%04x ss=0x%04x tr=0x%04x "
		 "cpl=%u gdt=0x%llx/0x%x idt=0x%llx/0x%x\n",
		 r->rip, r->rflags, r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp, r->rsp,
		 r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15, s->cr0, s->cr2,
		 s->cr3, s->cr4, s->efer, s->cs.selector, s->ds.selector, s->es.selector,
		 s->fs.selector, s->gs.selector, s->ss.selector, s->tr.selector, s->cs.dpl,
		 s->gdt.base, s->gdt.limit, s->idt.base, s->idt.limit);
}
