/* Address spaces: mapping, the COW fault handler, teardown (fork's
 * designs are in fork.c). */
#include "glib.h"
#include "gsys.h"
#include "pt.h"

struct kcounters kcount;
enum cow_policy mm_cow_policy;
enum fork_design mm_fork_design = FORK_EAGER;
static uint64_t kernel_pml4e;

#define AS_POOL 16
static struct aspace as_pool[AS_POOL];

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
		pte_set(&table(as->pml4)[0], kernel_pml4e);
		as->refs = 1;
		return as;
	}
	mm_panic("out of address spaces", AS_POOL, 0);
}

/* List frames: [0] = next, [1..511] = tables. */
void table_list_add(struct aspace *as, uint64_t pa)
{
	if (!as->tlist || as->tlist_n == 511) {
		uint64_t l = frame_alloc(0);
		table(l)[0] = as->tlist;
		as->tlist = l;
		as->tlist_n = 0;
	}
	table(as->tlist)[1 + as->tlist_n++] = pa;
}

uint64_t table_alloc(struct aspace *as)
{
	uint64_t pa = frame_alloc(1);
	table_list_add(as, pa);
	return pa;
}

void table_list_replace(struct aspace *as, uint64_t old, uint64_t pa)
{
	for (uint64_t l = as->tlist, n = as->tlist_n; l; l = table(l)[0], n = 511)
		for (uint64_t i = 1; i <= n; i++)
			if (table(l)[i] == old) {
				table(l)[i] = pa;
				return;
			}
	mm_panic("page table not on its address space's list", old, pa);
}

uint64_t *walk_slow(struct aspace *as, uint64_t va, int level, int create, int *huge)
{
	uint64_t pa = as->pml4;
	*huge = 0;
	for (int l = 3; l > level; l--) {
		uint64_t *e = &table(pa)[idx(va, l)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			pte_set(e, table_alloc(as) | TABLE_FLAGS);
		} else if (l == 1 && (*e & PTE_PS)) {
			*huge = 1;
			return e;
		} else if (l == 1 && create && pde_shared_table(*e)) {
			pd_own(as, e, va);
		}
		pa = *e & PTE_ADDR;
	}
	return &table(pa)[idx(va, level)];
}

uint64_t table_count(const struct aspace *as)
{
	uint64_t n = 0;
	for (uint64_t l = as->tlist, used = as->tlist_n; l; l = table(l)[0], used = 511)
		n += used;
	return n;
}

uint64_t *as_lookup(struct aspace *as, uint64_t va, int *is_2m)
{
	uint64_t *e = walk(as, va, 0, 0, is_2m);
	return e && (*e & PTE_P) ? e : NULL;
}

int as_user_writable(struct aspace *as, uint64_t va)
{
	int huge;
	uint64_t *pde = walk(as, va, 1, 0, &huge), *e = as_lookup(as, va, &huge);
	return e && (*e & PTE_W) && (huge || (*pde & PTE_W));
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

/* One entry stored: the caller counts it (pte_store). */
static void populate_page(struct aspace *as, uint64_t va, unsigned gmap)
{
	int huge;
	if (gmap & GMAP_HUGE) {
		uint64_t *pde = walk(as, va, 1, 1, &huge);
		pte_store(pde, frame_alloc_2m(1) | leaf_flags(gmap) | PTE_PS);
	} else {
		uint64_t *pte = walk(as, va, 0, 1, &huge);
		pte_store(pte, frame_alloc(1) | leaf_flags(gmap));
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
	if (flags & GMAP_POPULATE) {
		for (uint64_t a = va; a < va + len; a += align)
			populate_page(as, a, flags);
		kcount.pte_writes += len / align;
	}
	return 0;
}

void as_map_frame(struct aspace *as, uint64_t va, uint64_t pa, uint64_t pte_flags)
{
	int huge;
	uint64_t *pte = walk(as, va, 0, 1, &huge);
	pte_set(pte, pa | pte_flags);
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

/* Drops the frame of every present entry of pt[i..n].  Apart from its
 * caller, so that the few values its loop needs stay in registers across
 * the calls (a spill is one more emulated store per page on PVM hosts). */
static __attribute__((noinline)) void put_entries(const uint64_t *pt, unsigned i, unsigned n)
{
	for (; i <= n; i++)
		if (pt[i] & PTE_P)
			frame_put(pt[i] & PTE_ADDR);
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
			/* odf: a table another process still shares keeps its
			 * pages for both; only our reference goes, below. */
			if (frame_sharers(*s.pde & PTE_ADDR) > 1)
				continue;
			put_entries(table(*s.pde & PTE_ADDR), idx(s.lo, 0), idx(s.hi - 1, 0));
		}
	}
	/* Each table once, shared ones too: the last reference frees it. */
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
		pte_store(&t[i], (chunk + (uint64_t)i * PAGE_4K) | flags);
	kcount.pte_writes += 512;
	frame_split_2m(chunk);
	pte_set(pde, pt | TABLE_FLAGS);
	arch_invlpg(va);
}

enum fault_result as_fault(struct aspace *as, uint64_t va, uint64_t err)
{
	kcount.guest_faults++;
	struct vma *m = find_vma(as, va);
	if (!m || !(err & PF_U)) /* no mapping, or a kernel-mode access */
		return FAULT_BAD;
	int region = (m->flags & GMAP_REGION) != 0, huge, owned = 0;
	/* One walk to the directory entry, then the leaf: where guest ring 0
	 * is emulated each instruction of the fault path counts. */
	uint64_t *pde = walk(as, va, 1, 0, &huge), *e = NULL;
	huge = pde && (*pde & (PTE_P | PTE_PS)) == (PTE_P | PTE_PS);
	if (huge) {
		e = pde;
	} else if (pde && (*pde & PTE_P)) {
		/* odf: the page's table is (or was) shared with another process;
		 * any fault that writes through it or into it needs it as our
		 * own first. */
		if (pde_shared_table(*pde)) {
			pd_own(as, pde, va);
			owned = 1;
		}
		e = &table(*pde & PTE_ADDR)[idx(va, 0)];
	}

	if (!e || !(*e & PTE_P)) {
		if (err & PF_P)
			return FAULT_BAD;
		populate_page(as, va & ~((m->flags & GMAP_HUGE) ? PAGE_2M - 1 : PAGE_4K - 1), m->flags);
		kcount.pte_writes++;
		count(region, &kcount.zero_fills, &kcount.other_zero_fills);
		return FAULT_ZERO_FILLED;
	}
	if (owned && (err & PF_W) && (*e & PTE_W))
		return FAULT_TABLE_OWNED; /* the page itself is writable: the write goes ahead */
	if (!(err & PF_W) || !(*e & PTE_COW))
		return FAULT_BAD; /* read of a present page, or a write to a read-only one */

	int split = 0;
	if (huge) {
		uint64_t chunk = *e & PDE_ADDR_2M;
		if (frame_sharers_2m(chunk) == 1) {
			pte_set(e, (*e | PTE_W) & ~PTE_COW);
			arch_invlpg(va);
			count(region, &kcount.cow_reuses, &kcount.other_cow_reuses);
			return FAULT_REUSED;
		}
		if (mm_cow_policy == COW_COPY_2M) {
			uint64_t copy = frame_alloc_2m(0);
			memcpy(phys_to_virt(copy), phys_to_virt(chunk), PAGE_2M);
			frame_put_2m(chunk);
			pte_set(e, copy | (((*e & ~PDE_ADDR_2M) | PTE_W) & ~PTE_COW));
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
		pte_set(e, (*e | PTE_W) & ~PTE_COW);
		arch_invlpg(va);
		count(region, &kcount.cow_reuses, &kcount.other_cow_reuses);
		return split ? FAULT_SPLIT_REUSED : FAULT_REUSED;
	}
	uint64_t copy = frame_alloc(0);
	memcpy(phys_to_virt(copy), phys_to_virt(old), PAGE_4K);
	frame_put(old);
	pte_set(e, copy | (((*e & ~PTE_ADDR) | PTE_W) & ~PTE_COW));
	arch_invlpg(va);
	count(region, &kcount.cow_copies, &kcount.other_cow_copies);
	return split ? FAULT_SPLIT_COPIED : FAULT_COPIED;
}
