#include "vm_boot.h"

#include <inttypes.h>
#include <string.h>

#include "cb_abi.h"

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

#define TSS_GPA (CB_BOOT_GDT_GPA + 0x80u)
#define TSS_LIMIT 0x67u

/* Flat descriptors: base 0, limit 4 GiB, granularity 4 KiB.  0xa09b:
 * present, DPL 0, code exec/read accessed, L=1.  0xc093: present, data
 * read/write accessed, D/B=1. */
static const uint64_t gdt[] = {
	0,
	0x00af9b000000ffffull, /* 0x08 */
	0x00cf93000000ffffull, /* 0x10 */
};

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static int write_gdt(const struct gmem *m)
{
	uint8_t page[0x100] = {0};
	memcpy(page, gdt, sizeof(gdt));
	/* A 64-bit TSS descriptor takes two slots.  VMX refuses to enter with
	 * an unusable TR, so the guest gets a real (empty) TSS until it loads
	 * its own. */
	uint64_t base = TSS_GPA;
	uint64_t lo = TSS_LIMIT | (base & 0xffffff) << 16 | 0x8bull << 40 | (base >> 24 & 0xff) << 56;
	put64(page + VM_GDT_TSS, lo);
	put64(page + VM_GDT_TSS + 8, base >> 32);
	return gmem_write(m, CB_BOOT_GDT_GPA, page, sizeof(page));
}

static int write_page_tables(const struct gmem *m)
{
	uint64_t gib = (m->size + (1ull << 30) - 1) >> 30;
	uint64_t pml4 = CB_BOOT_PT_GPA, pdpt = pml4 + 0x1000, pd = pdpt + 0x1000;
	uint8_t entry[8];
	put64(entry, pdpt | PTE_P | PTE_RW | PTE_A);
	if (gmem_zero(m, pml4, 0x2000 + gib * 0x1000) < 0 || gmem_write(m, pml4, entry, 8) < 0)
		return -1;
	for (uint64_t g = 0; g < gib; g++) {
		put64(entry, (pd + g * 0x1000) | PTE_P | PTE_RW | PTE_A);
		if (gmem_write(m, pdpt + g * 8, entry, 8) < 0)
			return -1;
	}
	/* A and D preset: under shadow paging the walker setting them would be
	 * an emulated write per entry. */
	for (uint64_t gpa = 0; gpa < m->size; gpa += 2ull << 20) {
		put64(entry, gpa | PTE_P | PTE_RW | PTE_A | PTE_D | PTE_PS);
		if (gmem_write(m, pd + (gpa >> 21) * 8, entry, 8) < 0)
			return -1;
	}
	return 0;
}

int vm_boot_write(const struct gmem *m, const struct vm_boot_params *p, cb_error *e)
{
	if (m->size < CB_BOOT_RESERVED_END || m->size > VM_RAM_MAX || m->size % (2ull << 20)) {
		cb_error_set(e, "guest RAM of %" PRIu64 " bytes: need a multiple of 2 MiB between "
			     "1 MiB and %llu GiB", m->size, VM_RAM_MAX >> 30);
		return -1;
	}
	if (p->cmdline_len > CB_BOOT_CMDLINE_MAX) {
		cb_error_set(e, "guest command line is %zu bytes, the boot protocol allows %u",
			     p->cmdline_len, CB_BOOT_CMDLINE_MAX);
		return -1;
	}
	struct cb_boot_info bi = {
		.magic = CB_BOOT_MAGIC,
		.version = CB_ABI_VERSION,
		.size = sizeof(bi),
		.ram_bytes = m->size,
		.tsc_khz = p->tsc_khz,
		.cmdline_gpa = CB_BOOT_CMDLINE_GPA,
		.cmdline_len = (uint32_t)p->cmdline_len,
		.transport = CB_TRANSPORT_HYPERCALL,
	};
	if (write_gdt(m) < 0 || write_page_tables(m) < 0 ||
	    gmem_write(m, CB_BOOT_INFO_GPA, &bi, sizeof(bi)) < 0 ||
	    gmem_zero(m, CB_BOOT_CMDLINE_GPA, CB_BOOT_CMDLINE_MAX) < 0 ||
	    gmem_write(m, CB_BOOT_CMDLINE_GPA, p->cmdline, p->cmdline_len) < 0) {
		cb_error_set(e, "boot structures do not fit guest RAM");
		return -1;
	}
	return 0;
}

static void flat_seg(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
}

void vm_boot_sregs(struct kvm_sregs *s, bool nx)
{
	flat_seg(&s->cs, VM_GDT_CODE64, 11);
	s->cs.l = 1;
	flat_seg(&s->ds, VM_GDT_DATA, 3);
	s->ds.db = 1;
	s->es = s->fs = s->gs = s->ss = s->ds;

	memset(&s->tr, 0, sizeof(s->tr));
	s->tr.base = TSS_GPA;
	s->tr.limit = TSS_LIMIT;
	s->tr.selector = VM_GDT_TSS;
	s->tr.type = 11; /* busy 64-bit TSS */
	s->tr.present = 1;
	memset(&s->ldt, 0, sizeof(s->ldt));
	s->ldt.type = 2;
	s->ldt.unusable = 1;

	s->gdt.base = CB_BOOT_GDT_GPA;
	s->gdt.limit = VM_GDT_TSS + 16 - 1;
	/* No IDT: the guest installs its own before anything can fault; until
	 * then a fault is a triple fault, which the VMM reports. */
	s->idt.base = 0;
	s->idt.limit = 0;

	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s->cr3 = CB_BOOT_PT_GPA;
	/* OSFXSR/OSXMMEXCPT: SSE works (and reports through #XM) in guest user
	 * code without the guest kernel touching CR4 first. */
	s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s->efer = EFER_LME | EFER_LMA | (nx ? EFER_NXE : 0);
}

void vm_boot_regs(struct kvm_regs *r, uint64_t entry)
{
	memset(r, 0, sizeof(*r));
	r->rip = entry;
	r->rsp = CB_BOOT_STACK_TOP;
	r->rdi = CB_BOOT_INFO_GPA;
	r->rflags = 2; /* bit 1 is reserved-set; IF clear */
}

void vm_boot_fpu(struct kvm_fpu *f)
{
	memset(f, 0, sizeof(*f));
	f->fcw = 0x37f;
	f->mxcsr = 0x1f80;
}
