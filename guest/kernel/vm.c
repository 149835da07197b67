/* Address spaces: mapping, fork's copy-on-write page-table copy, the COW
 * fault handler, teardown. */
#include <stdbool.h>

#include "glib.h"
#include "gsys.h"
#include "mm.h"

struct kcounters kcount;
enum cow_policy mm_cow_policy;
enum fork_design mm_fork_design;
static uint64_t kernel_pml4e;

#define AS_POOL 16
static struct aspace as_pool[AS_POOL];

#define PDE_ADDR_2M 0x000fffffffe00000ull
#define TABLE_FLAGS (PTE_P | PTE_W | PTE_U)

static inline uint64_t *table(uint64_t pa) { return phys_to_virt(pa); }
static inline unsigned idx(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

void as_set_kernel_pml4e(uint64_t e)
{
	kernel_pml4e = e;
}

struct aspace *as_create(void)
{
	for (int i = 0; i < AS_POOL; i++) {
		struct aspace *as = &as_pool[i];
		if (as->refs)
			continue;
		memset(as, 0, sizeof(*as));
		as->pml4 = frame_alloc(1);
		table(as->pml4)[0] = kernel_pml4e;
		as->refs = 1;
		return as;
	}
	mm_panic("out of address spaces", AS_POOL, 0);
}

static uint64_t table_alloc(struct aspace *as)
{
	if (!as->tlist || as->tlist_n == 511) {
		uint64_t l = frame_alloc(0);
		table(l)[0] = as->tlist;
		as->tlist = l;
		as->tlist_n = 0;
	}
	uint64_t pa = frame_alloc(1);
	table(as->tlist)[1 + as->tlist_n++] = pa;
	return pa;
}

/* Entry for va at `level` (0 = PTE, 1 = PDE), allocating tables on the way
 * when create is set.  Stops early at a 2 MiB leaf and says so. */
static uint64_t *walk(struct aspace *as, uint64_t va, int level, int create, int *huge)
{
	uint64_t pa = as->pml4;
	*huge = 0;
	for (int l = 3; l > level; l--) {
		uint64_t *e = &table(pa)[idx(va, l)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			*e = table_alloc(as) | TABLE_FLAGS;
		} else if (l == 1 && (*e & PTE_PS)) {
			*huge = 1;
			return e;
		}
		pa = *e & PTE_ADDR;
	}
	return &table(pa)[idx(va, level)];
}

uint64_t *as_lookup(struct aspace *as, uint64_t va, int *is_2m)
{
	uint64_t *e = walk(as, va, 0, 0, is_2m);
	return e && (*e & PTE_P) ? e : NULL;
}

static uint64_t leaf_flags(unsigned gmap)
{
	uint64_t f = PTE_P | PTE_W | PTE_U;
	if (gmap & GMAP_SHARED)
		f |= PTE_SHARED;
	if (gmap & GMAP_REGION)
		f |= PTE_REGION;
	return f;
}

static struct vma *find_vma(struct aspace *as, uint64_t va)
{
	for (int i = 0; i < as->nvma; i++)
		if (va >= as->vma[i].start && va < as->vma[i].end)
			return &as->vma[i];
	return NULL;
}

static void populate_page(struct aspace *as, uint64_t va, unsigned gmap)
{
	int huge;
	if (gmap & GMAP_HUGE) {
		uint64_t *pde = walk(as, va, 1, 1, &huge);
		*pde = frame_alloc_2m(1) | leaf_flags(gmap) | PTE_PS;
	} else {
		uint64_t *pte = walk(as, va, 0, 1, &huge);
		*pte = frame_alloc(1) | leaf_flags(gmap);
	}
}

int as_user_range(uint64_t va, uint64_t len)
{
	return va >= USER_IMAGE_BASE && va < USER_VA_END && len <= USER_VA_END - va;
}

int as_map(struct aspace *as, uint64_t va, uint64_t len, unsigned flags)
{
	uint64_t align = (flags & GMAP_HUGE) ? PAGE_2M : PAGE_4K;
	if (len == 0 || va % align || len % align || !as_user_range(va, len) ||
	    as->nvma == AS_MAX_VMAS)
		return -1;
	for (int i = 0; i < as->nvma; i++)
		if (va < as->vma[i].end && as->vma[i].start < va + len)
			return -1;
	as->vma[as->nvma++] = (struct vma){va, va + len, flags};
	if (flags & GMAP_POPULATE)
		for (uint64_t a = va; a < va + len; a += align)
			populate_page(as, a, flags);
	return 0;
}

void as_map_frame(struct aspace *as, uint64_t va, uint64_t pa, uint64_t pte_flags)
{
	int huge;
	uint64_t *pte = walk(as, va, 0, 1, &huge);
	*pte = pa | pte_flags;
}

/* A private writable page becomes read-only COW in parent and child. */
static inline uint64_t cow_entry(uint64_t *parent_e)
{
	uint64_t e = *parent_e;
	if (!(e & PTE_SHARED) && (e & (PTE_W | PTE_COW))) {
		e = (e & ~PTE_W) | PTE_COW;
		*parent_e = e;
	}
	return e;
}

/* The 2 MiB spans of [start, end) that have a page directory entry:
 * fork and teardown visit only these, as Linux's copy_page_range walks only
 * the VMAs' ranges; scanning all 512 entries of every table would cost
 * more than the copy itself where guest ring 0 is emulated. */
struct pd_span {
	struct aspace *as;
	uint64_t lo, hi, end; /* the current span [lo, hi) and where to stop */
	uint64_t *pde;	      /* its present entry */
};

static struct pd_span pd_spans(struct aspace *as, const struct vma *m)
{
	return (struct pd_span){as, m->start, m->start, m->end, NULL};
}

static bool pd_span_next(struct pd_span *s)
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

/* The span's entries in its page table: [first, last]. */
static inline unsigned span_first(const struct pd_span *s) { return idx(s->lo, 0); }
static inline unsigned span_last(const struct pd_span *s) { return idx(s->hi - 1, 0); }

static uint64_t table_count(const struct aspace *as)
{
	uint64_t n = 0;
	for (uint64_t l = as->tlist, used = as->tlist_n; l; l = table(l)[0], used = 511)
		n += used;
	return n;
}

/* eager: the child gets its own copy of each page table; every private
 * writable entry becomes read-only COW in both (Linux's copy_pte_range). */
static void fork_span_eager(const struct pd_span *s, struct aspace *child)
{
	int h;
	uint64_t *cpde = walk(child, s->lo, 1, 1, &h);
	if (*s->pde & PTE_PS) {
		uint64_t e = cow_entry(s->pde);
		frame_get_2m(e & PDE_ADDR_2M);
		*cpde = e;
		kcount.ptes_copied++;
		return;
	}
	if (!(*cpde & PTE_P))
		*cpde = table_alloc(child) | (*s->pde & ~PTE_ADDR);
	uint64_t *src = table(*s->pde & PTE_ADDR), *dst = table(*cpde & PTE_ADDR);
	for (unsigned i = span_first(s), n = span_last(s); i <= n; i++) {
		if (!(src[i] & PTE_P))
			continue;
		uint64_t e = cow_entry(&src[i]);
		frame_get(e & PTE_ADDR);
		dst[i] = e;
		kcount.ptes_copied++;
	}
}

struct aspace *as_fork(struct aspace *parent)
{
	struct aspace *child = as_create();
	memcpy(child->vma, parent->vma, sizeof(child->vma));
	child->nvma = parent->nvma;
	for (int v = 0; v < parent->nvma; v++) {
		for (struct pd_span s = pd_spans(parent, &parent->vma[v]); pd_span_next(&s);) {
			switch (mm_fork_design) {
			case FORK_EAGER:
				fork_span_eager(&s, child);
				break;
			}
		}
	}
	kcount.pt_pages_copied += table_count(child);
	/* The parent's entries lost their write bit: its TLB must forget them
	 * before it writes again, as Linux's flush_tlb_mm after copy_mm. */
	arch_load_cr3(parent->pml4);
	return child;
}

void as_share_into(struct aspace *to, const struct aspace *from)
{
	for (int v = 0; v < from->nvma; v++) {
		const struct vma *m = &from->vma[v];
		if (!(m->flags & GMAP_SHARED) || (m->flags & GMAP_HUGE) ||
		    as_map(to, m->start, m->end - m->start, m->flags & ~GMAP_POPULATE) < 0)
			continue;
		for (uint64_t va = m->start; va < m->end; va += PAGE_4K) {
			int huge;
			uint64_t *e = walk((struct aspace *)from, va, 0, 0, &huge);
			if (!e || !(*e & PTE_P))
				continue;
			frame_get(*e & PTE_ADDR);
			as_map_frame(to, va, *e & PTE_ADDR, *e & ~PTE_ADDR);
		}
	}
}

void as_put(struct aspace *as)
{
	if (--as->refs > 0)
		return;
	/* VMAs never overlap, so no entry is put twice, and the tables are
	 * freed below: no entry needs clearing (each store would be one more
	 * emulated or trapped write in the reap phase). */
	for (int v = 0; v < as->nvma; v++) {
		for (struct pd_span s = pd_spans(as, &as->vma[v]); pd_span_next(&s);) {
			if (*s.pde & PTE_PS) {
				frame_put_2m(*s.pde & PDE_ADDR_2M);
				continue;
			}
			const uint64_t *pt = table(*s.pde & PTE_ADDR);
			for (unsigned i = span_first(&s), n = span_last(&s); i <= n; i++)
				if (pt[i] & PTE_P)
					frame_put(pt[i] & PTE_ADDR);
		}
	}
	for (uint64_t l = as->tlist, n = as->tlist_n; l;) {
		uint64_t next = table(l)[0];
		for (uint64_t i = 0; i < n; i++)
			frame_put(table(l)[1 + i]);
		frame_put(l);
		l = next;
		n = 511;
	}
	frame_put(as->pml4);
	as->pml4 = 0;
}

static void count(int region, uint64_t *in_region, uint64_t *other)
{
	if (region)
		(*in_region)++;
	else
		(*other)++;
}

/* Replaces a COW 2 MiB mapping by 512 COW 4 KiB mappings of the same
 * chunk, as Linux does for an anonymous THP since 5.8: the write then
 * copies 4 KiB instead of 2 MiB. */
static void split_2m(struct aspace *as, uint64_t *pde, uint64_t va)
{
	uint64_t chunk = *pde & PDE_ADDR_2M;
	uint64_t flags = (*pde & ~PDE_ADDR_2M & ~PTE_PS) & 0xfffull;
	uint64_t pt = table_alloc(as);
	uint64_t *t = table(pt);
	for (int i = 0; i < 512; i++)
		t[i] = (chunk + (uint64_t)i * PAGE_4K) | flags;
	frame_split_2m(chunk);
	*pde = pt | TABLE_FLAGS;
	arch_invlpg(va);
}

enum fault_result as_fault(struct aspace *as, uint64_t va, uint64_t err)
{
	kcount.guest_faults++;
	struct vma *m = find_vma(as, va);
	if (!m || !(err & PF_U)) /* no mapping, or a kernel-mode access */
		return FAULT_BAD;
	int region = (m->flags & GMAP_REGION) != 0, huge;
	uint64_t *e = walk(as, va, 0, 0, &huge);

	if (!e || !(*e & PTE_P)) {
		if (err & PF_P)
			return FAULT_BAD;
		populate_page(as, va & ~((m->flags & GMAP_HUGE) ? PAGE_2M - 1 : PAGE_4K - 1), m->flags);
		count(region, &kcount.zero_fills, &kcount.other_zero_fills);
		return FAULT_ZERO_FILLED;
	}
	if (!(err & PF_W) || !(*e & PTE_COW))
		return FAULT_BAD; /* read of a present page, or a write to a read-only one */

	int split = 0;
	if (huge) {
		uint64_t chunk = *e & PDE_ADDR_2M;
		if (frame_sharers_2m(chunk) == 1) {
			*e = (*e | PTE_W) & ~PTE_COW;
			arch_invlpg(va);
			count(region, &kcount.cow_reuses, &kcount.other_cow_reuses);
			return FAULT_REUSED;
		}
		if (mm_cow_policy == COW_COPY_2M) {
			uint64_t copy = frame_alloc_2m(0);
			memcpy(phys_to_virt(copy), phys_to_virt(chunk), PAGE_2M);
			frame_put_2m(chunk);
			*e = copy | (((*e & ~PDE_ADDR_2M) | PTE_W) & ~PTE_COW);
			arch_invlpg(va);
			if (region)
				kcount.cow_copies_2m++;
			else
				kcount.other_cow_copies++;
			return FAULT_COPIED_2M;
		}
		split_2m(as, e, va);
		if (region)
			kcount.cow_splits++;
		split = 1;
		e = walk(as, va, 0, 0, &huge);
	}

	uint64_t old = *e & PTE_ADDR;
	if (frame_sharers(old) == 1) {
		*e = (*e | PTE_W) & ~PTE_COW;
		arch_invlpg(va);
		count(region, &kcount.cow_reuses, &kcount.other_cow_reuses);
		return split ? FAULT_SPLIT_REUSED : FAULT_REUSED;
	}
	uint64_t copy = frame_alloc(0);
	memcpy(phys_to_virt(copy), phys_to_virt(old), PAGE_4K);
	frame_put(old);
	*e = copy | (((*e & ~PTE_ADDR) | PTE_W) & ~PTE_COW);
	arch_invlpg(va);
	count(region, &kcount.cow_copies, &kcount.other_cow_copies);
	return split ? FAULT_SPLIT_COPIED : FAULT_COPIED;
}
