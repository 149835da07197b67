/* From QEMU's PVH start info to our boot info.  Text goes out on debugcon
 * and the status through isa-debug-exit (see common/cb_abi.h). */
#include "glib.h"
#include "kernel.h"

#define HVM_START_MAGIC 0x336ec578u
#define E820_RAM 1

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries, reserved;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

void kmain(const struct cb_boot_info *bi);

static struct cb_boot_info pvh_boot;

void pvh_main(const struct hvm_start_info *si)
{
	boot.transport = CB_TRANSPORT_DEBUGCON;
	if (si->magic != HVM_START_MAGIC || si->version < 1)
		panic("bad PVH start info (magic %x version %u)", si->magic, si->version);
	/* The kernel wants RAM contiguous from 0 up to ram_bytes: take the RAM
	 * range that holds the kernel (at 1 MiB). */
	uint64_t ram = 0;
	const struct hvm_memmap_entry *m = (const void *)(uintptr_t)si->memmap_paddr;
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		if (m[i].type == E820_RAM && m[i].addr <= 0x100000 && m[i].addr + m[i].size > 0x100000)
			ram = m[i].addr + m[i].size;
	const char *cmd = (const char *)(uintptr_t)si->cmdline_paddr;
	pvh_boot = (struct cb_boot_info){
		.magic = CB_BOOT_MAGIC,
		.version = CB_ABI_VERSION,
		.size = sizeof(pvh_boot),
		.ram_bytes = ram > (4ull << 30) ? (4ull << 30) : ram, /* what pvh.S maps */
		.tsc_khz = 0,
		.cmdline_gpa = si->cmdline_paddr,
		.cmdline_len = cmd ? (uint32_t)strlen(cmd) : 0,
		.transport = CB_TRANSPORT_DEBUGCON,
	};
	kmain(&pvh_boot);
}
