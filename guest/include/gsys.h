/* The guest's own system-call ABI, shared by the guest kernel and its
 * user programs.  (The guest<->VMM ABI is common/cb_abi.h.)
 *
 * Entry is `int3` with the number in rax and arguments in rdi, rsi, rdx,
 * r10; the result comes back in rax.  int3 rather than `syscall`: on PVM
 * hosts only CPU exceptions carry ring 3 into the guest kernel (`syscall`
 * lands at LSTAR still in CPL 3), and #BP through a DPL-3 gate works on
 * every x86 host, so one mechanism serves all of them. */
#ifndef GUEST_GSYS_H
#define GUEST_GSYS_H

enum gsys {
	GSYS_EXIT = 1,	      /* (status) */
	GSYS_FORK = 2,	      /* () -> child pid in the parent, 0 in the child */
	GSYS_VFORK = 3,	      /* () -> as fork; the parent sleeps until the child exits */
	GSYS_CLONE_VM = 4,    /* (fn, stack_top, arg) -> child pid; child runs fn(arg) */
	GSYS_SPAWN = 5,	      /* (image, arg0, arg1) -> child pid */
	GSYS_WAIT = 6,	      /* (pid) -> exit status, or -1 */
	GSYS_MAP = 7,	      /* (va, len, GMAP_* flags) -> 0 or -1 */
	GSYS_PHASE_BEGIN = 8, /* (phase, primitive, rep) */
	GSYS_PHASE_END = 9,   /* (phase, cycles) */
	GSYS_CONSOLE = 10,    /* (text, len) */
	GSYS_RESULT = 11,     /* (name, len, value) */
	GSYS_GETARGS = 12,    /* (buf, len) -> bytes of the boot command line */
	GSYS_COUNT
};

/* GSYS_MAP flags */
#define GMAP_HUGE 0x1	  /* back with 2 MiB pages (va and len 2 MiB-aligned) */
#define GMAP_POPULATE 0x2 /* map every page now instead of on first touch */
#define GMAP_SHARED 0x4	  /* shared with fork/vfork children and spawned programs, never COW */
#define GMAP_REGION 0x8	  /* the benchmark region: faults counted separately */

/* Embedded program images for GSYS_SPAWN */
enum gimage { GIMAGE_BENCH = 0, GIMAGE_CHILD = 1, GIMAGE_COUNT };

/* User address-space layout.  PML4 slot 0 (the first 512 GiB) belongs to
 * the kernel's direct map in every address space, so user space starts at
 * slot 1. */
#define USER_IMAGE_BASE 0x0000008000000000ull /* 512 GiB: program text and data */
#define USER_STACK_TOP 0x0000008040000000ull
#define USER_STACK_SIZE 0x10000ull		/* 64 KiB, demand-zero below the top page */
#define USER_SHARED_BASE 0x0000008080000000ull /* GMAP_SHARED stamp page */
#define USER_SCRATCH_BASE 0x00000080c0000000ull /* clone_vm stacks */
#define USER_REGION_BASE 0x0000010000000000ull /* 1 TiB: the benchmark region */
#define USER_VA_END 0x0000800000000000ull

#endif
