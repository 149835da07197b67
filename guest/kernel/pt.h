/* Page-table internals shared by the address-space code (vm.c) and
 * fork's designs (fork.c).  Not part of the memory manager's interface
 * (mm.h). */
#ifndef GUEST_PT_H
#define GUEST_PT_H

#include <stdbool.h>

#include "mm.h"

#define PDE_ADDR_2M 0x000fffffffe00000ull
#define TABLE_FLAGS (PTE_P | PTE_W | PTE_U)

static inline uint64_t *table(uint64_t pa) { return phys_to_virt(pa); }
static inline unsigned idx(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

/* Every store of a page-table entry is counted in kcount.pte_writes:
 * under shadow paging each store to a table the hypervisor shadows is one
 * it must see.  pte_set stores and counts one; loops store with pte_store
 * and add their count once, since a counter incremented in memory per
 * store would be one more emulated store each where guest ring 0 is
 * emulated. */
static inline void pte_store(uint64_t *e, uint64_t v)
{
	*e = v;
}

static inline void pte_set(uint64_t *e, uint64_t v)
{
	pte_store(e, v);
	kcount.pte_writes++;
}

/* A private entry: fork may not simply share its frame writable. */
static inline bool pte_private(uint64_t e)
{
	return !(e & PTE_SHARED) && (e & (PTE_W | PTE_COW));
}

/* odf: a page directory entry whose table fork shared with another
 * process: write-protected at this level, and marked with the COW bit
 * (as a leaf entry is for its page). */
static inline bool pde_shared_table(uint64_t e)
{
	return (e & (PTE_P | PTE_PS | PTE_COW)) == (PTE_P | PTE_COW);
}

/* The address space's list of the page-table pages it holds a reference
 * to, below the PML4 (each one once). */
uint64_t table_alloc(struct aspace *as); /* a fresh zeroed table, listed */
void table_list_add(struct aspace *as, uint64_t pa);
void table_list_replace(struct aspace *as, uint64_t old, uint64_t pa);
uint64_t table_count(const struct aspace *as);

/* odf (fork.c): va's page directory entry points at a table fork shared;
 * before anything writes that table or through it, this process gets its
 * own: a copy while another process still shares it (pt_copies), else the
 * table itself, with the entries whose frames a copy still maps made COW. */
void pd_own(struct aspace *as, uint64_t *pde, uint64_t va);

/* Entry for va at `level` (0 = PTE, 1 = PDE), allocating tables on the way
 * when create is set (and, for a leaf, making a shared table this
 * process's own first: pd_own).  Stops early at a 2 MiB leaf and says so.
 * walk_slow does it all; walk, inline, descends through present tables
 * and hands anything else to it, so the fault and fork paths get the few
 * instructions (and registers) that need (each instruction is emulated in
 * guest ring 0 on PVM hosts, and each spill is a store). */
uint64_t *walk_slow(struct aspace *as, uint64_t va, int level, int create, int *huge);

static inline uint64_t *walk(struct aspace *as, uint64_t va, int level, int create, int *huge)
{
	uint64_t pa = as->pml4;
	*huge = 0;
	for (int l = 3; l > level; l--) {
		uint64_t *e = &table(pa)[idx(va, l)];
		if (!(*e & PTE_P) || (l == 1 && create && pde_shared_table(*e)))
			return create ? walk_slow(as, va, level, create, huge) : NULL;
		if (l == 1 && (*e & PTE_PS)) {
			*huge = 1;
			return e;
		}
		pa = *e & PTE_ADDR;
	}
	return &table(pa)[idx(va, level)];
}

/* The 2 MiB spans of a VMA that have a page directory entry: fork and
 * teardown visit only these, as Linux's copy_page_range walks only the
 * VMAs' ranges; scanning all 512 entries of every table would cost more
 * than the copy itself where guest ring 0 is emulated.
 *   for (struct pd_span s = pd_spans(as, m); pd_span_next(&s);) ... */
struct pd_span {
	struct aspace *as;
	uint64_t lo, hi, end; /* the current span [lo, hi) and where to stop */
	uint64_t *pde;	      /* its present entry */
};

static inline struct pd_span pd_spans(struct aspace *as, const struct vma *m)
{
	return (struct pd_span){as, m->start, m->start, m->end, NULL};
}

/* Inline, so the iterator's state stays in registers (an emulated store
 * per field and span otherwise). */
static inline bool pd_span_next(struct pd_span *s)
{
	while (s->hi < s->end) {
		s->lo = s->hi;
		uint64_t n = (s->lo + PAGE_2M) & ~(PAGE_2M - 1);
		s->hi = n < s->end ? n : s->end;
		int huge;
		s->pde = walk(s->as, s->lo, 1, 0, &huge);
		if (s->pde && (*s->pde & PTE_P))
			return true;
	}
	return false;
}

/* Calls fn(entry, i, arg) for every present entry t[i] of the table t
 * that maps the 2 MiB span at base, VMA by VMA (entries lie only inside
 * VMAs); returns the sum of what fn returns (the entries it stored).
 * Always inlined, and fn with it. */
static inline __attribute__((always_inline)) unsigned
table_each(struct aspace *as, uint64_t base, uint64_t *t,
	   unsigned (*fn)(uint64_t *entry, unsigned i, void *arg), void *arg)
{
	uint64_t end = base + PAGE_2M;
	unsigned n = 0;
	for (int v = 0; v < as->nvma; v++) {
		const struct vma *m = &as->vma[v];
		uint64_t lo = m->start > base ? m->start : base, hi = m->end < end ? m->end : end;
		for (uint64_t va = lo; va < hi; va += PAGE_4K)
			if (t[idx(va, 0)] & PTE_P)
				n += fn(&t[idx(va, 0)], idx(va, 0), arg);
	}
	return n;
}

#endif
