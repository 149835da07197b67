/* The guest's memory manager: physical frames with reference counts, and
 * address spaces whose page tables fork() copies copy-on-write.
 *
 * This file and frame.c / vm.c are plain C over "physical memory" reached
 * through phys_to_virt(), so the unit tests compile them for the host
 * (GUEST_HOSTED) and drive fork, faults and exits against a malloc'ed arena
 * with the same code the guest runs. */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include <stddef.h>
#include <stdint.h>

#include "cb_counters.h"
#include "cb_fork_designs.h"

#ifdef GUEST_HOSTED
extern uint8_t *hosted_ram;
#define phys_to_virt(pa) ((void *)(hosted_ram + (pa)))
static inline void arch_invlpg(uint64_t va) { (void)va; }
static inline void arch_load_cr3(uint64_t pa) { (void)pa; }
#else
#include "x86.h"
#define phys_to_virt(pa) ((void *)(uintptr_t)(pa))
static inline void arch_invlpg(uint64_t va) { invlpg(va); }
static inline void arch_load_cr3(uint64_t pa) { write_cr3(pa); }
#endif

_Noreturn void mm_panic(const char *why, uint64_t a, uint64_t b);

#define PAGE_4K 0x1000ull
#define PAGE_2M 0x200000ull
#define FRAMES_PER_2M 512

/* --- frames --- */

struct frame_pool {
	uint64_t end;		  /* frames are handed out below this (2 MiB-aligned) */
	uint64_t fresh_lo;	  /* next never-used 4 KiB frame (grows up) */
	uint64_t fresh_hi;	  /* lowest never-used 2 MiB chunk handed out (grows down) */
	uint64_t free4k, free2m;  /* LIFO lists of recycled frames, linked through them */
	uint16_t *ref;		  /* per 4 KiB frame: 4 KiB mappings of it */
	uint16_t *huge_ref;	  /* per 2 MiB chunk: 2 MiB mappings of it */
	uint16_t *chunk_sub;	  /* per 2 MiB chunk: subframes with ref > 0 */
	uint8_t *is_chunk;	  /* per 2 MiB chunk: allocated as one huge frame */
	int fresh_is_zero;	  /* never-used frames are known to hold zeros */
	uint64_t frames_in_use;
};

extern struct frame_pool frames;

/* Lays out the metadata at meta_pa and hands out the frames from the end
 * of the metadata up to pool_hi. */
void frame_init(uint64_t meta_pa, uint64_t pool_hi, int fresh_is_zero);
/* Bytes of metadata frame_init needs for a pool ending at pool_hi. */
uint64_t frame_meta_bytes(uint64_t pool_hi);

/* Allocation hands out never-touched frames first: on a lazily backed VM
 * the first touch of such a frame is a host-side fault we want to be able
 * to attribute.  zero: the caller needs the frame zero-filled. */
uint64_t frame_alloc(int zero);
uint64_t frame_alloc_2m(int zero);

void frame_get(uint64_t pa);
void frame_put(uint64_t pa);
void frame_get_2m(uint64_t pa);
void frame_put_2m(uint64_t pa);
/* References that keep the 4 KiB frame pa's contents alive: its own 4 KiB
 * mappings plus 2 MiB mappings of the chunk it belongs to. */
unsigned frame_sharers(uint64_t pa);
unsigned frame_sharers_2m(uint64_t pa);
/* One 2 MiB mapping becomes 512 4 KiB mappings of the same chunk. */
void frame_split_2m(uint64_t pa);

/* --- address spaces --- */

/* Page-table entry bits; 9-11 are ignored by the MMU and ours. */
#define PTE_P 0x001ull
#define PTE_W 0x002ull
#define PTE_U 0x004ull
#define PTE_A 0x020ull
#define PTE_D 0x040ull
#define PTE_PS 0x080ull
#define PTE_COW 0x200ull    /* write-protected by fork: copy or reuse on write */
#define PTE_SHARED 0x400ull /* GMAP_SHARED: fork copies it writable */
#define PTE_REGION 0x800ull /* the benchmark region */
#define PTE_ADDR 0x000ffffffffff000ull

/* #PF error code bits (SDM vol. 3, 4.7). */
#define PF_P 0x1ull /* the page was present: a protection fault */
#define PF_W 0x2ull /* a write */
#define PF_U 0x4ull /* from user mode */

#define AS_MAX_VMAS 16

struct vma {
	uint64_t start, end;
	unsigned flags; /* GMAP_* */
};

struct aspace {
	uint64_t pml4; /* physical */
	int refs;      /* processes using it (vfork and clone_vm share) */
	struct vma vma[AS_MAX_VMAS];
	int nvma;
	/* Every page-table page below the PML4, listed so teardown frees them
	 * without scanning empty entries (each instruction counts where guest
	 * ring 0 is emulated).  List frames: [0] = next, [1..511] = tables. */
	uint64_t tlist;
	unsigned tlist_n;
};

enum cow_policy { COW_COPY_2M = 0, COW_SPLIT_4K = 1 };

/* How fork() copies an address space; one design per boot. */
#define FORK_ENUM(E, n) FORK_##E,
#define FORK_ONE(E, n) +1
enum fork_design { CB_FORK_DESIGNS(FORK_ENUM) };
/* Apart from the enum, so a switch that misses a design does not compile. */
enum { FORK_DESIGN_COUNT = 0 CB_FORK_DESIGNS(FORK_ONE) };
#undef FORK_ENUM
#undef FORK_ONE

/* The kernel's running totals of common/cb_counters.h ("region" =
 * mappings with GMAP_REGION): each phase reports their change. */
struct kcounters {
	CB_COUNTERS(CB_COUNTER_FIELD)
};

extern struct kcounters kcount;
extern enum cow_policy mm_cow_policy;
extern enum fork_design mm_fork_design;

/* The kernel's PML4 entry 0 (direct map), copied into every address space. */
void as_set_kernel_pml4e(uint64_t e);
struct aspace *as_create(void);
/* [va, va+len) lies in user space (PML4 slots 1..255), without wrapping. */
int as_user_range(uint64_t va, uint64_t len);
void as_put(struct aspace *as);
/* Reserves [va, va+len) with GMAP_* flags; populates it when asked.
 * Returns 0, or -1 on overlap, misalignment or exhaustion. */
int as_map(struct aspace *as, uint64_t va, uint64_t len, unsigned flags);
/* Maps one existing frame (program loading, shared pages). */
void as_map_frame(struct aspace *as, uint64_t va, uint64_t pa, uint64_t pte_flags);
/* fork(): a copy of `parent` made the mm_fork_design way (fork.c). */
struct aspace *as_fork(struct aspace *parent);
/* spawn(): every GMAP_SHARED mapping of `from` appears in `to` too. */
void as_share_into(struct aspace *to, const struct aspace *from);

enum fault_result {
	FAULT_BAD = 0,	/* not ours to fix: the process dies */
	FAULT_COPIED,
	FAULT_COPIED_2M,
	FAULT_REUSED,
	FAULT_SPLIT_COPIED, /* 2 MiB split, then a 4 KiB copy */
	FAULT_SPLIT_REUSED,
	FAULT_ZERO_FILLED,
	FAULT_TABLE_OWNED, /* odf: the shared table became ours; the page was writable */
};
/* Handles a page fault at va; err is the x86 #PF error code. */
enum fault_result as_fault(struct aspace *as, uint64_t va, uint64_t err);

/* Leaf entry mapping va (a PTE, or a PDE with PS), or NULL. */
uint64_t *as_lookup(struct aspace *as, uint64_t va, int *is_2m);
/* va is mapped writable at every level (a user write would not fault). */
int as_user_writable(struct aspace *as, uint64_t va);

#endif
