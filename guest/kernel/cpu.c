/* GDT, TSS and IDT: the minimum for ring 3 and exceptions. */
#include "glib.h"
#include "kernel.h"

struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

struct __attribute__((packed)) gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
};

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint64_t base;
};

static uint64_t gdt[7] __attribute__((aligned(16))) = {
	0,
	0x00af9b000000ffffull, /* 0x08 kernel code, 64-bit */
	0x00cf93000000ffffull, /* 0x10 kernel data */
	0x00cff3000000ffffull, /* 0x18 user data, DPL 3 */
	0x00affb000000ffffull, /* 0x20 user code, 64-bit, DPL 3 */
	0, 0,		       /* 0x28 TSS (16 bytes) */
};
static struct tss64 tss __attribute__((aligned(16)));
static struct gate idt[256] __attribute__((aligned(16)));

static void set_gate(int vec, uint64_t handler, int dpl)
{
	idt[vec] = (struct gate){
		.off_lo = (uint16_t)handler,
		.sel = SEL_KCODE,
		.type = (uint8_t)(0x8e | (dpl << 5)), /* present 64-bit interrupt gate */
		.off_mid = (uint16_t)(handler >> 16),
		.off_hi = (uint32_t)(handler >> 32),
	};
}

void cpu_init(uint64_t kstack)
{
	uint64_t base = (uint64_t)&tss;
	tss.rsp[0] = kstack;
	tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 has no ports */
	gdt[5] = (sizeof(tss) - 1) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		 (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;
	struct dtr g = {sizeof(gdt) - 1, (uint64_t)gdt};
	/* CS keeps selector 0x08 from the boot protocol, the same descriptor
	 * in this GDT, so it needs no far-return reload: one instruction less
	 * of emulated ring 0 on PVM hosts. */
	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%ss\n\t"
			 "ltr %w2"
			 :
			 : "m"(g), "r"((uint64_t)SEL_KDATA), "r"(SEL_TSS)
			 : "memory");
	for (int v = 0; v < 256; v++)
		set_gate(v, (uint64_t)trap_stub_other, 0);
	for (int v = 0; v < 32; v++)
		set_gate(v, trap_stubs[v], 0);
	/* #BP is the system call: reachable from ring 3. */
	set_gate(3, trap_stubs[3], 3);
	struct dtr i = {sizeof(idt) - 1, (uint64_t)idt};
	__asm__ volatile("lidt %0" ::"m"(i));
}
