/* Boot: take the boot info, set up the CPU, the frame allocator and the
 * kernel's direct map, then start the benchmark program in ring 3. */
#include "glib.h"
#include "gsys.h"
#include "kernel.h"
#include "mm.h"

struct cb_boot_info boot;
char boot_args[CB_BOOT_CMDLINE_MAX];
size_t boot_args_len;

extern uint8_t _kernel_end[];

/* The kernel sees all guest RAM at its physical address, through 2 MiB
 * supervisor pages in PML4 slot 0, shared by every address space. */
static void build_direct_map(uint64_t ram)
{
	uint64_t pml4 = frame_alloc(1), pdpt = frame_alloc(1);
	uint64_t *pdpt_t = phys_to_virt(pdpt);
	for (uint64_t gb = 0; gb * (1ull << 30) < ram; gb++) {
		uint64_t pd = frame_alloc(1);
		uint64_t *pd_t = phys_to_virt(pd);
		for (uint64_t i = 0; i < 512; i++)
			pd_t[i] = ((gb << 30) + i * PAGE_2M) | PTE_P | PTE_W | PTE_PS;
		pdpt_t[gb] = pd | PTE_P | PTE_W;
	}
	uint64_t e = pdpt | PTE_P | PTE_W;
	((uint64_t *)phys_to_virt(pml4))[0] = e;
	as_set_kernel_pml4e(e);
	kernel_cr3 = pml4;
}

/* prefault=1 (from a VMM on an EPT/NPT host): write every frame the
 * allocator will hand out, once, before any phase, so KVM's nested page
 * tables map all guest RAM and a COW copy into a fresh frame costs no
 * exit.  Zeros keep never-used frames zero. */
static void prefault_frames(void)
{
	int bad = 0;
	if (!args_u64(boot_args, boot_args_len, "prefault", 0, &bad) || bad)
		return;
	uint64_t n = 0;
	for (uint64_t pa = frames.fresh_lo; pa < frames.end; pa += PAGE_4K, n++)
		*(volatile uint64_t *)phys_to_virt(pa) = 0;
	static const char name[] = "prefault_frames";
	result_report(name, sizeof(name) - 1, n);
}

/* key=<one of names>: its index; def when the key is absent, -1 when its
 * value is none of them (the VMM checks the names first). */
static int args_choice(const char *key, const char *const *names, int n, int def)
{
	const char *v;
	size_t len;
	if (!args_find(boot_args, boot_args_len, key, &v, &len))
		return def;
	for (int i = 0; i < n; i++)
		if (span_eq(v, len, names[i]))
			return i;
	return -1;
}

void kmain(const struct cb_boot_info *bi)
{
	/* Until the boot info is known good, trust only its transport field,
	 * and only if it names one we have. */
	boot.transport = bi->transport == CB_TRANSPORT_DEBUGCON ? CB_TRANSPORT_DEBUGCON
								 : CB_TRANSPORT_HYPERCALL;
	if (bi->magic != CB_BOOT_MAGIC || bi->version != CB_ABI_VERSION ||
	    bi->size < sizeof(struct cb_boot_info))
		panic("bad boot info (magic %x version %u size %u)", bi->magic, bi->version,
		      bi->size);
	boot = *bi;
	/* The guest's first words, on either transport: what a VMM's startup
	 * time is measured to (our VMM's first hypercall, QEMU's first
	 * debugcon byte), at the same point of the guest's own work. */
	kprintf("cowbench-boot abi=%d\n", CB_ABI_VERSION);
	boot_args_len = bi->cmdline_len < sizeof(boot_args) ? bi->cmdline_len : sizeof(boot_args);
	memcpy(boot_args, (const void *)(uintptr_t)bi->cmdline_gpa, boot_args_len);

	cpu_init((uint64_t)kstack_top);

	uint64_t ram = boot.ram_bytes & ~(PAGE_2M - 1);
	uint64_t kend = ((uint64_t)(uintptr_t)_kernel_end + PAGE_4K - 1) & ~(PAGE_4K - 1);
	if (ram < kend + frame_meta_bytes(ram) + 8 * PAGE_2M)
		panic("guest RAM too small: %lu bytes", boot.ram_bytes);
	/* Our VMM hands over RAM it has never written beyond the image, so
	 * untouched frames are zero; under QEMU that is not promised. */
	frame_init(kend, ram, boot.transport == CB_TRANSPORT_HYPERCALL);
	prefault_frames();

	static const char *const policies[] = {[COW_COPY_2M] = "copy", [COW_SPLIT_4K] = "split"};
	static const char *const designs[FORK_DESIGN_COUNT] = {CB_FORK_DESIGNS(CB_FORK_DESIGN_NAME)};
	int policy = args_choice("policy", policies, 2, COW_COPY_2M);
	int design = args_choice("fork", designs, FORK_DESIGN_COUNT, FORK_EAGER);
	if (policy < 0 || design < 0)
		panic("policy= must be copy or split, fork= one of common/cb_fork_designs.h");
	mm_cow_policy = (enum cow_policy)policy;
	mm_fork_design = (enum fork_design)design;
	build_direct_map(ram);
	proc_start_init();
}
