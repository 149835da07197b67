/* The guest's memory manager compiled for the host (GUEST_HOSTED): a
 * malloc'ed arena stands in for guest RAM, and these helpers read and
 * write it the way the guest's user code would. */
#ifndef COWBENCH_TEST_HOSTED_H
#define COWBENCH_TEST_HOSTED_H

#include <stdlib.h>

#include "check.h"
#include "gsys.h"
#include "mm.h"

uint8_t *hosted_ram;
#define RAM (64ull << 20)
#define REGION USER_REGION_BASE
#define W_FAULT (PF_P | PF_W | PF_U)

_Noreturn void mm_panic(const char *why, uint64_t a, uint64_t b)
{
	fprintf(stderr, "mm_panic: %s (%lx, %lx)\n", why, (unsigned long)a, (unsigned long)b);
	abort();
}

static inline void reset(int fresh_is_zero)
{
	memset(hosted_ram, 0, RAM);
	memset(&kcount, 0, sizeof(kcount));
	frame_init(0x100000, RAM, fresh_is_zero);
	as_set_kernel_pml4e(0);
	mm_cow_policy = COW_COPY_2M;
	mm_fork_design = FORK_EAGER;
}

static inline uint64_t frame_of(struct aspace *as, uint64_t va)
{
	int huge;
	uint64_t *e = as_lookup(as, va, &huge);
	if (!e)
		return 0;
	return huge ? (*e & 0x000fffffffe00000ull) + (va & (PAGE_2M - 1) & ~(PAGE_4K - 1))
		    : *e & PTE_ADDR;
}

static inline uint8_t *byte_at(struct aspace *as, uint64_t va)
{
	uint64_t f = frame_of(as, va);
	return f ? (uint8_t *)phys_to_virt(f) + (va & (PAGE_4K - 1)) : NULL;
}

static inline uint64_t pte_of(struct aspace *as, uint64_t va)
{
	int huge;
	uint64_t *e = as_lookup(as, va, &huge);
	return e ? *e : 0;
}

/* A user write of v at va, as the CPU and the kernel do it together: a
 * write fault first unless va is writable at every level.  Returns the
 * fault's result, or -1 when the write needed none. */
static inline int user_write(struct aspace *as, uint64_t va, uint8_t v)
{
	int r = -1;
	if (!as_user_writable(as, va)) {
		r = as_fault(as, va, (frame_of(as, va) ? PF_P : 0) | PF_W | PF_U);
		CHECK(r != FAULT_BAD);
	}
	CHECK(as_user_writable(as, va));
	uint8_t *p = byte_at(as, va);
	CHECK(p != NULL);
	if (p)
		*p = v;
	return r;
}

static inline uint8_t user_read(struct aspace *as, uint64_t va)
{
	uint8_t *p = byte_at(as, va);
	CHECK(p != NULL);
	return p ? *p : 0;
}

#endif
