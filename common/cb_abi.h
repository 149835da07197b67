/* The cowbench guest <-> VMM ABI, version 2 (2: the phase record gained
 * full_copies, pt_copies and pte_writes).
 *
 * Shared by the guest kernel (freestanding) and the VMM, so it uses nothing
 * but fixed-width integers.  Everything the guest hands the VMM is
 * untrusted: the VMM checks magic, version, op, every length and every
 * guest-physical range against guest RAM before touching it.
 *
 * Boot (our VMM): the guest ELF is loaded at its p_paddr; the vCPU starts
 * in 64-bit mode at e_entry, CPL 0, interrupts off, with
 *   - CR3 -> identity page tables covering all guest RAM (2 MiB pages),
 *   - a flat GDT: 0x08 = 64-bit code, 0x10 = data,
 *   - RSP = CB_BOOT_STACK_TOP, RDI = CB_BOOT_INFO_GPA (struct cb_boot_info),
 *   - [0, CB_BOOT_RESERVED_END) reserved for those structures: ELF segments
 *     must load at or above CB_BOOT_RESERVED_END.
 * The guest replaces GDT, page tables and stack with its own right away.
 *
 * Boot (QEMU, PVH): the same ELF carries a XEN_ELFNOTE_PHYS32_ENTRY note;
 * QEMU enters it in 32-bit protected mode with EBX -> hvm_start_info.  The
 * guest then builds the same cb_boot_info itself with
 * transport = CB_TRANSPORT_DEBUGCON: results go out as text lines on the
 * debugcon port and the status through isa-debug-exit.
 *
 * Hypercalls: the guest kernel writes the guest-physical address of a
 * struct cb_hcall (32-bit OUT, so it must sit below 4 GiB) to CB_HC_PORT.
 * The exit is synchronous: when the guest resumes, `ret` holds the result.
 */
#ifndef COWBENCH_CB_ABI_H
#define COWBENCH_CB_ABI_H

#include <stdint.h>

#include "cb_counters.h"
#include "cb_phases.h"
#include "cb_prims.h"

#define CB_ABI_VERSION 2

/* --- boot --- */
#define CB_BOOT_MAGIC 0x49424243u /* "CBBI" */
#define CB_BOOT_GDT_GPA 0x1000u
#define CB_BOOT_INFO_GPA 0x2000u
#define CB_BOOT_CMDLINE_GPA 0x2100u
#define CB_BOOT_CMDLINE_MAX 3840u /* up to the end of that page */
#define CB_BOOT_PT_GPA 0x10000u	  /* PML4, then PDPT, then PDs */
#define CB_BOOT_STACK_TOP 0x80000u
#define CB_BOOT_RESERVED_END 0x100000u
/* What our VMM (vmm/) does beyond the summary above (clarifications):
 *   - CR0 = PE|MP|ET|NE|WP|PG, CR4 = PAE|OSFXSR|OSXMMEXCPT, EFER = LME|LMA,
 *     plus NXE when CPUID 0x80000001 EDX.NX is set; RFLAGS = 2; x87/SSE in
 *     their reset state (FCW 0x37f, MXCSR 0x1f80); CPUID = KVM's supported
 *     set.  IDT limit 0: an exception before the guest loads its IDT is a
 *     triple fault.  TR = 0x18, a busy 64-bit TSS at CB_BOOT_GDT_GPA+0x80.
 *   - The page tables use 0x10000 + 8 KiB + 4 KiB per GiB of RAM; RAM is
 *     at most 64 GiB and a multiple of 2 MiB, so [0x70000, 0x80000) is
 *     always free for the boot stack.
 *   - PT_LOAD segments are copied to p_paddr (p_vaddr is ignored) and
 *     e_entry is a guest-physical address inside an executable PT_LOAD.
 *   - A hypercall that gets EINVAL or EFAULT has `ret` written (when the
 *     struct itself lies in RAM) and then ends the run: the guest does not
 *     resume.  So do HLT, a port other than the three below, IN on them,
 *     and MMIO.  PHASE_END's record must repeat the phase, primitive and
 *     rep of the matching PHASE_BEGIN, and EXIT with status 0 while a
 *     phase is open is EINVAL.
 *   - CB_DEBUG_EXIT_PORT: a 1-, 2- or 4-byte OUT of v ends the run with
 *     exit status v (QEMU would report (v << 1) | 1). */

enum cb_transport {
	CB_TRANSPORT_HYPERCALL = 1, /* our VMM: CB_HC_PORT */
	CB_TRANSPORT_DEBUGCON = 2,  /* QEMU: text on CB_DEBUGCON_PORT */
};

struct cb_boot_info {
	uint32_t magic;	      /* CB_BOOT_MAGIC */
	uint16_t version;     /* CB_ABI_VERSION */
	uint16_t size;	      /* sizeof(struct cb_boot_info) */
	uint64_t ram_bytes;   /* guest RAM, contiguous from gpa 0 */
	uint64_t tsc_khz;     /* guest TSC frequency; 0 when unknown */
	uint64_t cmdline_gpa; /* "key=value key=value", not NUL-terminated */
	uint32_t cmdline_len;
	uint32_t transport; /* enum cb_transport */
};

/* --- hypercalls --- */
#define CB_HC_PORT 0x0cb0u
#define CB_HC_MAGIC 0x42574f43u /* "COWB" */
#define CB_DEBUGCON_PORT 0xe9u	/* QEMU's debugcon; our VMM also prints it */
#define CB_DEBUG_EXIT_PORT 0x501u /* QEMU isa-debug-exit: status (v << 1) | 1 */

enum cb_hc_op {
	/* arg0 = gpa of text, arg1 = length (<= CB_HC_CONSOLE_MAX). */
	CB_HC_CONSOLE = 1,
	/* arg0 = enum cb_phase, arg1 = enum cb_primitive, arg2 = rep.  The VMM
	 * snapshots KVM statistics.  Phases may nest (vfork's create phase
	 * contains the child's dirty phase), at most CB_PHASE_DEPTH deep. */
	CB_HC_PHASE_BEGIN = 2,
	/* arg0 = enum cb_phase (must match the innermost open phase),
	 * arg1 = gpa of struct cb_phase_record, arg2 = its size. */
	CB_HC_PHASE_END = 3,
	/* A named value for the run: arg0 = gpa of name, arg1 = name length
	 * (<= CB_HC_NAME_MAX, [a-z0-9_] only), arg2 = value. */
	CB_HC_RESULT = 4,
	/* arg0 = exit status: 0 = all done, anything else = the guest detected
	 * a failure (it prints why on the console first). */
	CB_HC_EXIT = 5,
	CB_HC_OP_MAX
};

enum cb_hc_ret {
	CB_HC_OK = 0,
	CB_HC_EINVAL = -22, /* bad op, length, phase nesting */
	CB_HC_EFAULT = -14, /* a pointer outside guest RAM */
};

#define CB_HC_CONSOLE_MAX 4096u
#define CB_HC_NAME_MAX 64u
#define CB_PHASE_DEPTH 4u

struct cb_hcall {
	uint32_t magic;	  /* CB_HC_MAGIC */
	uint16_t version; /* CB_ABI_VERSION */
	uint16_t op;	  /* enum cb_hc_op */
	uint32_t size;	  /* sizeof(struct cb_hcall) */
	int32_t ret;	  /* written by the VMM */
	uint64_t arg[4];
};

/* --- what the benchmark measures --- */

#define CB_PRIM_ENUM(E, n) CB_PRIM_##E,
enum cb_primitive {
	CB_PRIMITIVES(CB_PRIM_ENUM) /* common/cb_prims.h */
	CB_PRIM_COUNT,
	CB_PRIM_NONE = 15, /* phases not tied to a primitive (null) */
};
#undef CB_PRIM_ENUM
_Static_assert(CB_PRIM_COUNT < CB_PRIM_NONE, "primitive values must stay below CB_PRIM_NONE");

#define CB_PHASE_ENUM(E, n) CB_PHASE_##E,
enum cb_phase {
	CB_PHASES(CB_PHASE_ENUM) /* common/cb_phases.h */
	CB_PHASE_COUNT
};
#undef CB_PHASE_ENUM

/* Guest-side counters for one phase (deltas): common/cb_counters.h. */
struct cb_phase_record {
	uint32_t phase;	    /* enum cb_phase */
	uint32_t primitive; /* enum cb_primitive */
	uint32_t rep;
	uint32_t size; /* sizeof(struct cb_phase_record) */
	uint64_t cycles; /* ring-3 rdtsc delta around the measured operation */
	CB_COUNTERS(CB_COUNTER_FIELD)
};

#endif
