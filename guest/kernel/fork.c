/* fork(): the three designs (common/cb_fork_designs.h), span by span of
 * the parent's VMAs, and odf's deferred half, pd_own.
 *
 * Where guest ring 0 is emulated (PVM) every loop iteration here is paid
 * in microseconds, and under shadow paging every store to a live table is
 * one the hypervisor must see; the designs differ in exactly that:
 *   full   one new frame and a 4 KiB copy per private page, no COW after;
 *   eager  a store per entry in the parent (write-protect) and in the child;
 *   odf    a store per page-directory entry; a table's entries are copied
 *          only when a write first touches its 2 MiB span. */
#include "glib.h"
#include "pt.h"

/* eager: a private writable entry becomes read-only COW in parent and
 * child (Linux's copy_pte_range). */
static inline uint64_t cow_entry(uint64_t *parent_e, unsigned *stores)
{
	uint64_t e = *parent_e;
	if (pte_private(e) && !(e & PTE_COW)) {
		e = (e & ~PTE_W) | PTE_COW;
		pte_store(parent_e, e);
		(*stores)++;
	}
	return e;
}

/* The child's table for the span: a second VMA in the same span has
 * allocated it already. */
static uint64_t *child_table(const struct pd_span *s, struct aspace *child)
{
	int h;
	uint64_t *cpde = walk(child, s->lo, 1, 1, &h);
	if (!(*cpde & PTE_P))
		pte_set(cpde, table_alloc(child) | (*s->pde & ~PTE_ADDR));
	return table(*cpde & PTE_ADDR);
}

static void share_frame(uint64_t pa, uint64_t bytes)
{
	if (bytes == PAGE_2M)
		frame_get_2m(pa);
	else
		frame_get(pa);
}

/* The child's entry for the parent's entry *pe of a page of `bytes`
 * (addr_mask picks out its frame); *stores counts the parent's entries it
 * stored. */
typedef uint64_t (*entry_fn)(uint64_t *pe, uint64_t addr_mask, uint64_t bytes, unsigned *stores);

/* eager: both share the frame, read-only COW where it is private. */
static inline uint64_t eager_entry(uint64_t *pe, uint64_t addr_mask, uint64_t bytes,
				   unsigned *stores)
{
	uint64_t e = cow_entry(pe, stores);
	share_frame(e & addr_mask, bytes);
	return e;
}

/* full: a private page's copy for the child, writable; shared and
 * read-only pages (the program's text) keep one frame. */
static inline uint64_t full_entry(uint64_t *pe, uint64_t addr_mask, uint64_t bytes,
				  unsigned *stores)
{
	uint64_t e = *pe, old = e & addr_mask;
	if (!pte_private(e)) {
		share_frame(old, bytes);
		return e;
	}
	uint64_t copy = bytes == PAGE_2M ? frame_alloc_2m(0) : frame_alloc(0);
	memcpy(phys_to_virt(copy), phys_to_virt(old), bytes);
	kcount.full_copies += bytes / PAGE_4K;
	return copy | (((e & ~addr_mask) | PTE_W) & ~PTE_COW);
}

/* The span's present entries into the child's tables, fn deciding each.
 * Always inlined, so each design's fn is inlined too: an indirect call
 * per entry would be a dozen more emulated instructions per page. */
static inline __attribute__((always_inline)) void copy_span(const struct pd_span *s,
							    struct aspace *child, entry_fn fn)
{
	unsigned stores = 0, copied = 0;
	if (*s->pde & PTE_PS) {
		int h;
		pte_store(walk(child, s->lo, 1, 1, &h), fn(s->pde, PDE_ADDR_2M, PAGE_2M, &stores));
		copied = 1;
	} else {
		uint64_t *src = table(*s->pde & PTE_ADDR), *dst = child_table(s, child);
		for (unsigned i = idx(s->lo, 0), n = idx(s->hi - 1, 0); i <= n; i++) {
			if (!(src[i] & PTE_P))
				continue;
			pte_store(&dst[i], fn(&src[i], PTE_ADDR, PAGE_4K, &stores));
			copied++;
		}
	}
	/* counted once per span, not per entry (pte_store) */
	kcount.ptes_copied += copied;
	kcount.pte_writes += copied + stores;
}

/* odf: parent and child point at the same last-level table, each PDE
 * write-protected, and the table gains a reference.  A 2 MiB page has no
 * such table: its entry is copied as eager does (as ODF leaves huge pages
 * to the usual path).  Returns the tables shared (1 or 0). */
static int fork_span_odf(const struct pd_span *s, struct aspace *child)
{
	if (*s->pde & PTE_PS) {
		copy_span(s, child, eager_entry);
		return 0;
	}
	int h;
	uint64_t *cpde = walk(child, s->lo, 1, 1, &h);
	if (*cpde & PTE_P)
		return 0; /* a second VMA in this span: the table is shared already */
	uint64_t e = *s->pde;
	if (!pde_shared_table(e)) {
		e = (e & ~PTE_W) | PTE_COW;
		pte_set(s->pde, e);
	}
	frame_get(e & PTE_ADDR);
	table_list_add(child, e & PTE_ADDR);
	pte_set(cpde, e);
	kcount.ptes_copied++;
	return 1;
}

struct aspace *as_fork(struct aspace *parent)
{
	struct aspace *child = as_create();
	memcpy(child->vma, parent->vma, sizeof(child->vma));
	child->nvma = parent->nvma;
	uint64_t shared = 0;
	for (int v = 0; v < parent->nvma; v++) {
		for (struct pd_span s = pd_spans(parent, &parent->vma[v]); pd_span_next(&s);) {
			switch (mm_fork_design) {
			case FORK_FULL:
				copy_span(&s, child, full_entry);
				break;
			case FORK_EAGER:
				copy_span(&s, child, eager_entry);
				break;
			case FORK_ODF:
				shared += (uint64_t)fork_span_odf(&s, child);
				break;
			}
		}
	}
	kcount.pt_pages_copied += table_count(child) - shared;
	/* The parent's entries lost their write bit (at the page or the
	 * directory level): its TLB must forget them before it writes again,
	 * as Linux's flush_tlb_mm after copy_mm. */
	arch_load_cr3(parent->pml4);
	return child;
}

/* --- odf's deferred half --- */

/* The copy: every entry, private ones COW (their frames now have one
 * mapping more). */
static inline unsigned copy_entry(uint64_t *e, unsigned i, void *dst)
{
	uint64_t v = *e;
	frame_get(v & PTE_ADDR);
	if (pte_private(v))
		v = (v & ~PTE_W) | PTE_COW;
	pte_store(&((uint64_t *)dst)[i], v);
	return 1;
}

/* The last sharer's table: the private entries whose frames a copy still
 * maps become COW; the rest stay as they are, writable or not. */
static inline unsigned protect_entry(uint64_t *e, unsigned i, void *unused)
{
	uint64_t v = *e;
	if (!pte_private(v) || !(v & PTE_W) || frame_sharers(v & PTE_ADDR) == 1)
		return 0;
	pte_store(e, (v & ~PTE_W) | PTE_COW);
	return 1;
}

void pd_own(struct aspace *as, uint64_t *pde, uint64_t va)
{
	uint64_t t = *pde & PTE_ADDR, own = t, base = va & ~(PAGE_2M - 1);
	if (frame_sharers(t) > 1) {
		own = frame_alloc(1);
		kcount.pte_writes += table_each(as, base, table(t), copy_entry, table(own));
		table_list_replace(as, t, own);
		frame_put(t);
		kcount.pt_copies++;
	} else {
		kcount.pte_writes += table_each(as, base, table(t), protect_entry, NULL);
	}
	pte_set(pde, (*pde & ~(PTE_ADDR | PTE_COW)) | own | PTE_W);
	/* Read-only translations of the span may be cached from before (and
	 * the paging-structure caches hold the old table): drop them all, so
	 * no write takes a spurious fault on a now writable entry. */
	arch_load_cr3(as->pml4);
}
