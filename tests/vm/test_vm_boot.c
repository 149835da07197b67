/* Boot structures: GDT, identity page tables, boot info, command line,
 * and the 64-bit register state, checked byte by byte. */
#include <sys/mman.h>

#include "cb_abi.h"
#include "check.h"
#include "vm_boot.h"
#include "vm_cpuid.h"

#define MIB (1024ull * 1024)
#define GIB (1024 * MIB)

static uint64_t q(const uint8_t *ram, uint64_t gpa)
{
	uint64_t v;
	memcpy(&v, ram + gpa, 8);
	return v;
}

static void test_memory(uint64_t size)
{
	uint8_t *ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		SKIP("cannot map %llu bytes", (unsigned long long)size);
	struct gmem m = {ram, size, true};
	const char *cl = "region=4096 dirty=1";
	struct vm_boot_params p = {2793436, cl, strlen(cl)};
	cb_error e;
	CHECK(vm_boot_write(&m, &p, &e) == 0);

	/* GDT: null, 64-bit code at 0x08, data at 0x10, a busy TSS at 0x18. */
	CHECK_EQ_U64(q(ram, CB_BOOT_GDT_GPA), 0);
	CHECK_EQ_U64(q(ram, CB_BOOT_GDT_GPA + 8), 0x00af9b000000ffffull);
	CHECK_EQ_U64(q(ram, CB_BOOT_GDT_GPA + 16), 0x00cf93000000ffffull);
	CHECK(((q(ram, CB_BOOT_GDT_GPA + 24) >> 40) & 0xff) == 0x8b);

	/* Page tables: PML4 -> PDPT -> one PD per GiB, 2 MiB identity pages. */
	uint64_t pml4 = CB_BOOT_PT_GPA, pdpt = pml4 + 0x1000, pd = pdpt + 0x1000;
	CHECK_EQ_U64(q(ram, pml4) & ~0xfffull, pdpt);
	CHECK(q(ram, pml4) & 1);
	CHECK_EQ_U64(q(ram, pml4 + 8), 0);
	uint64_t gib = (size + GIB - 1) / GIB;
	for (uint64_t g = 0; g < gib; g++)
		CHECK_EQ_U64(q(ram, pdpt + g * 8) & ~0xfffull, pd + g * 0x1000);
	CHECK_EQ_U64(q(ram, pdpt + gib * 8), 0);
	for (uint64_t gpa = 0; gpa < size; gpa += 2 * MIB) {
		uint64_t pte = q(ram, pd + (gpa >> 21) * 8);
		if ((pte & ~0xfffull) != gpa || (pte & 0x83) != 0x83) {
			CHECK(!"identity PDE");
			break;
		}
	}
	/* Nothing beyond RAM is mapped. */
	if (size % GIB)
		CHECK_EQ_U64(q(ram, pd + (size >> 21) * 8), 0);
	CHECK(pd + gib * 0x1000 <= VM_BOOT_STACK_BOTTOM);

	struct cb_boot_info bi;
	memcpy(&bi, ram + CB_BOOT_INFO_GPA, sizeof(bi));
	CHECK(bi.magic == CB_BOOT_MAGIC && bi.version == CB_ABI_VERSION && bi.size == sizeof(bi));
	CHECK_EQ_U64(bi.ram_bytes, size);
	CHECK_EQ_U64(bi.tsc_khz, 2793436);
	CHECK_EQ_U64(bi.cmdline_gpa, CB_BOOT_CMDLINE_GPA);
	CHECK_EQ_U64(bi.cmdline_len, strlen(cl));
	CHECK(bi.transport == CB_TRANSPORT_HYPERCALL);
	CHECK(memcmp(ram + CB_BOOT_CMDLINE_GPA, cl, strlen(cl)) == 0);
	CHECK(ram[CB_BOOT_CMDLINE_GPA + strlen(cl)] == 0);
	/* The guest's own area is untouched. */
	CHECK(ram[CB_BOOT_RESERVED_END] == 0);
	munmap(ram, size);
}

static void test_limits(void)
{
	static uint8_t small[4 * MIB];
	cb_error e;
	struct vm_boot_params p = {0, "", 0};
	struct gmem m = {small, 3 * MIB, false};
	CHECK(vm_boot_write(&m, &p, &e) == -1); /* not a multiple of 2 MiB */
	m.size = 512 * 1024;
	CHECK(vm_boot_write(&m, &p, &e) == -1); /* below the reserved area */
	m.size = 4 * MIB;
	char big[CB_BOOT_CMDLINE_MAX + 1];
	memset(big, 'a', sizeof(big));
	p.cmdline = big;
	p.cmdline_len = sizeof(big);
	CHECK(vm_boot_write(&m, &p, &e) == -1 && strstr(e.msg, "command line"));
	p.cmdline_len = CB_BOOT_CMDLINE_MAX;
	memset(small, 0xee, sizeof(small));
	CHECK(vm_boot_write(&m, &p, &e) == 0);
	/* A full command line ends exactly at the page end. */
	CHECK(small[CB_BOOT_CMDLINE_GPA + CB_BOOT_CMDLINE_MAX - 1] == 'a');
	CHECK(CB_BOOT_CMDLINE_GPA + CB_BOOT_CMDLINE_MAX == 0x3000);
	/* Not-fresh RAM gets its page tables and command line area cleared. */
	CHECK_EQ_U64(q(small, CB_BOOT_PT_GPA + 8), 0);
}

static void test_regs(void)
{
	struct kvm_sregs s;
	memset(&s, 0xff, sizeof(s));
	vm_boot_sregs(&s, true);
	CHECK((s.cr0 & 0x80000001) == 0x80000001); /* PG, PE */
	CHECK(s.cr0 & (1u << 16));		    /* WP */
	CHECK((s.cr4 & 0x620) == 0x620);	    /* PAE, OSFXSR, OSXMMEXCPT */
	CHECK_EQ_U64(s.efer, 0xd00);		    /* LME, LMA, NXE */
	CHECK_EQ_U64(s.cr3, CB_BOOT_PT_GPA);
	CHECK(s.cs.selector == VM_GDT_CODE64 && s.cs.l == 1 && s.cs.db == 0 && s.cs.present);
	CHECK(s.ss.selector == VM_GDT_DATA && s.ds.selector == VM_GDT_DATA);
	CHECK(s.tr.selector == VM_GDT_TSS && s.tr.type == 11);
	CHECK_EQ_U64(s.gdt.base, CB_BOOT_GDT_GPA);
	vm_boot_sregs(&s, false);
	CHECK_EQ_U64(s.efer, 0x500);

	struct kvm_regs r;
	vm_boot_regs(&r, 0x100123);
	CHECK_EQ_U64(r.rip, 0x100123);
	CHECK_EQ_U64(r.rsp, CB_BOOT_STACK_TOP);
	CHECK_EQ_U64(r.rdi, CB_BOOT_INFO_GPA);
	CHECK_EQ_U64(r.rflags, 2);
	struct kvm_fpu f;
	vm_boot_fpu(&f);
	CHECK(f.fcw == 0x37f && f.mxcsr == 0x1f80);
}

/* The paravirtual leaves go, everything else stays in order. */
static void test_cpuid_filter(void)
{
	static const uint32_t fn[] = {0x0, 0x1, 0x40000000, 0x40000001, 0x80000000, 0x80000001,
				      0x4fffffff, 0x50000000};
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + CB_ARRAY_SIZE(fn) * sizeof(c->entries[0]));
	c->nent = CB_ARRAY_SIZE(fn);
	for (size_t i = 0; i < CB_ARRAY_SIZE(fn); i++)
		c->entries[i].function = fn[i];
	CHECK_EQ_U64(vm_cpuid_filter(c, true), 0);
	CHECK_EQ_U64(c->nent, CB_ARRAY_SIZE(fn));
	CHECK_EQ_U64(vm_cpuid_filter(c, false), 3);
	static const uint32_t want[] = {0x0, 0x1, 0x80000000, 0x80000001, 0x50000000};
	CHECK_EQ_U64(c->nent, CB_ARRAY_SIZE(want));
	for (size_t i = 0; i < CB_ARRAY_SIZE(want) && i < c->nent; i++)
		CHECK_EQ_U64(c->entries[i].function, want[i]);
	free(c);
}

int main(void)
{
	test_cpuid_filter();
	test_memory(4 * MIB);
	test_memory(3 * GIB + 2 * MIB);
	test_limits();
	test_regs();
	return check_done();
}
