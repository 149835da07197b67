/* System-call wrappers for guest user programs (see gsys.h for the ABI). */
#ifndef GUEST_USYS_H
#define GUEST_USYS_H

#include <stdbool.h>
#include <stdint.h>

#include "cb_abi.h"
#include "glib.h"
#include "gsys.h"
#include "x86.h"

static inline int64_t gsys3(long nr, uint64_t a, uint64_t b, uint64_t c)
{
	int64_t ret;
	/* The kernel preserves every register but rax. */
	__asm__ volatile("int3" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "memory");
	return ret;
}

static inline _Noreturn void sys_exit(int status)
{
	gsys3(GSYS_EXIT, (uint64_t)status, 0, 0);
	for (;;)
		;
}

static inline int64_t sys_fork(void) { return gsys3(GSYS_FORK, 0, 0, 0); }
/* In crt0.S: it must keep its return address out of the shared stack. */
int64_t sys_vfork(void) __attribute__((returns_twice));
static inline int64_t sys_clone_vm(void (*fn)(uint64_t), uint64_t stack_top, uint64_t arg)
{
	return gsys3(GSYS_CLONE_VM, (uint64_t)fn, stack_top, arg);
}
static inline int64_t sys_spawn(unsigned image, uint64_t a0, uint64_t a1)
{
	return gsys3(GSYS_SPAWN, image, a0, a1);
}
static inline int64_t sys_wait(int64_t pid) { return gsys3(GSYS_WAIT, (uint64_t)pid, 0, 0); }
static inline int64_t sys_map(uint64_t va, uint64_t len, unsigned flags)
{
	return gsys3(GSYS_MAP, va, len, flags);
}
static inline int64_t sys_phase_begin(unsigned phase, unsigned prim, unsigned rep)
{
	return gsys3(GSYS_PHASE_BEGIN, phase, prim, rep);
}
static inline int64_t sys_phase_end(unsigned phase, uint64_t cycles)
{
	return gsys3(GSYS_PHASE_END, phase, cycles, 0);
}
static inline int64_t sys_console(const char *s, uint64_t n)
{
	return gsys3(GSYS_CONSOLE, (uint64_t)s, n, 0);
}
static inline int64_t sys_result(const char *name, uint64_t value)
{
	return gsys3(GSYS_RESULT, (uint64_t)name, strlen(name), value);
}
static inline int64_t sys_getargs(char *buf, uint64_t len)
{
	return gsys3(GSYS_GETARGS, (uint64_t)buf, len, 0);
}

/* A stamp page shared by parent and children (GMAP_SHARED): the child's
 * exit time crosses the process boundary through it. */
struct shared_stamps {
	volatile uint64_t t_exit;
};
#define SHARED ((struct shared_stamps *)USER_SHARED_BASE)

void uprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What children write into the region; the parent only ever writes
 * values below 0x80 there, and PARENT_LATE while a fork child lives, so
 * either side can tell whose write it sees. */
#define CHILD_MARK 0xc5
#define PARENT_LATE 0xa5
#define PARENT_MARK(rep) ((uint8_t)((rep) & 0x7f))

/* The child's half of every primitive: dirty the first `dirty` 4 KiB pages
 * of `base` (one byte each); then, outside the phases, check that
 * `unchanged` (NULL: nothing) still reads `want` (a fork child must not
 * see its parent's later writes), and start the reap phase and exit. */
_Noreturn void child_dirty_and_exit(unsigned prim, unsigned rep, uint8_t *base, uint64_t dirty,
				    const volatile uint8_t *unchanged, uint8_t want);

#endif
