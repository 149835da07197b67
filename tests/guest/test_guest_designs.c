/* The three fork designs (common/cb_fork_designs.h) on the guest's own
 * memory manager, compiled for the host: exact counts, private writes on
 * both sides of every fork, and no frame or table left after teardown. */
#include "hosted.h"

#define SPANS 4 /* an 8 MiB region: four 2 MiB spans, four page tables */
#define PAGES (SPANS * 512)

static uint64_t page(unsigned span, unsigned i)
{
	return REGION + span * PAGE_2M + (uint64_t)i * PAGE_4K;
}

/* A populated 4 KiB region whose page p holds (p & 0x7f). */
static struct aspace *parent_with_region(enum fork_design d, unsigned npages)
{
	reset(1);
	mm_fork_design = d;
	struct aspace *as = as_create();
	CHECK(as_map(as, REGION, (uint64_t)npages * PAGE_4K, GMAP_REGION | GMAP_POPULATE) == 0);
	for (unsigned p = 0; p < npages; p++)
		*byte_at(as, REGION + (uint64_t)p * PAGE_4K) = (uint8_t)(p & 0x7f);
	return as;
}

/* Every page reads its initial value, except those listed with theirs. */
static void region_is(struct aspace *as, const uint64_t *va, const uint8_t *v, size_t n)
{
	unsigned bad = 0;
	for (unsigned p = 0; p < PAGES; p++) {
		uint64_t a = REGION + (uint64_t)p * PAGE_4K;
		uint8_t want = (uint8_t)(p & 0x7f);
		for (size_t k = 0; k < n; k++)
			if (va[k] == a)
				want = v[k];
		bad += user_read(as, a) != want;
	}
	CHECK_EQ_U64(bad, 0);
}

/* odf: pt_copies counts the distinct 2 MiB spans written, by either side,
 * whoever writes first; a table unshared by one side leaves the other's
 * pages intact, and the other side's later writes stay its own. */
static void odf_spans(void)
{
	struct aspace *parent = parent_with_region(FORK_ODF, PAGES);
	uint64_t in_use = frames.frames_in_use;
	struct aspace *child = as_fork(parent);
	CHECK_EQ_U64(kcount.pt_copies, 0);
	CHECK_EQ_U64(kcount.ptes_copied, SPANS);	/* one directory entry per table */
	CHECK_EQ_U64(kcount.pt_pages_copied, 2); /* the child's own PDPT and PD */
	/* PML4, PDPT, PD and the child's table list: no page, no page table */
	CHECK_EQ_U64(frames.frames_in_use - in_use, 4);
	CHECK(frame_of(child, page(1, 7)) == frame_of(parent, page(1, 7)));

	/* The child writes spans 0 (three pages) and 2: two table copies. */
	CHECK(user_write(child, page(0, 1), 0xc1) == FAULT_COPIED);
	CHECK(user_write(child, page(0, 2), 0xc2) == FAULT_COPIED);
	CHECK(user_write(child, page(0, 300), 0xc3) == FAULT_COPIED);
	CHECK(user_write(child, page(2, 5), 0xc4) == FAULT_COPIED);
	CHECK_EQ_U64(kcount.pt_copies, 2);
	CHECK_EQ_U64(kcount.cow_copies, 4);
	/* The parent writes span 0 after the child unshared it: its table is
	 * its own again (no copy), page 3 is still shared (COW copy), page 1
	 * is the parent's alone now (reuse). */
	CHECK(user_write(parent, page(0, 3), 0x13) == FAULT_COPIED);
	CHECK(user_write(parent, page(0, 1), 0x11) == -1);
	CHECK_EQ_U64(kcount.pt_copies, 2);
	/* Span 3, still shared by both: the parent copies it. */
	CHECK(user_write(parent, page(3, 9), 0x19) == FAULT_COPIED);
	CHECK_EQ_U64(kcount.pt_copies, 3);
	/* The child, back in span 0, writes the page the parent copied: the
	 * old frame is the child's alone. */
	CHECK(user_write(child, page(0, 3), 0xc5) == FAULT_REUSED);
	CHECK_EQ_U64(kcount.pt_copies, 3);

	uint64_t cva[] = {page(0, 1), page(0, 2), page(0, 300), page(2, 5), page(0, 3)};
	uint8_t cv[] = {0xc1, 0xc2, 0xc3, 0xc4, 0xc5};
	uint64_t pva[] = {page(0, 3), page(0, 1), page(3, 9)};
	uint8_t pv[] = {0x13, 0x11, 0x19};
	region_is(child, cva, cv, 5);
	region_is(parent, pva, pv, 3);

	/* Span 1 was never written: still one table for both. */
	CHECK(frame_of(child, page(1, 7)) == frame_of(parent, page(1, 7)));
	as_put(child);
	region_is(parent, pva, pv, 3);
	as_put(parent);
	CHECK_EQ_U64(frames.frames_in_use, 0);
}

/* odf: nothing written, nothing copied; teardown in either order, with
 * tables still shared, leaks nothing. */
static void odf_untouched(int parent_first)
{
	struct aspace *parent = parent_with_region(FORK_ODF, PAGES);
	struct aspace *child = as_fork(parent);
	uint64_t cow = kcount.cow_copies;
	if (parent_first) {
		as_put(parent);
		/* the last sharer's writes need no copy of anything */
		CHECK(user_write(child, page(2, 2), 0xcc) == FAULT_TABLE_OWNED);
		CHECK_EQ_U64(kcount.cow_copies, cow);
		as_put(child);
	} else {
		as_put(child);
		region_is(parent, NULL, NULL, 0);
		as_put(parent);
	}
	CHECK_EQ_U64(kcount.pt_copies, 0);
	CHECK_EQ_U64(frames.frames_in_use, 0);
}

/* odf and a GMAP_SHARED page: the child's write unshares the table and
 * reaches the parent (shared memory, not COW); a grandchild forked from
 * a child whose tables are still shared shares them three ways. */
static void odf_shared_and_nested(void)
{
	struct aspace *parent = parent_with_region(FORK_ODF, 16);
	CHECK(as_map(parent, USER_SHARED_BASE, PAGE_4K, GMAP_SHARED | GMAP_POPULATE) == 0);
	struct aspace *child = as_fork(parent);
	CHECK(user_write(child, USER_SHARED_BASE, 0x5a) == FAULT_TABLE_OWNED);
	CHECK_EQ_U64(user_read(parent, USER_SHARED_BASE), 0x5a);
	struct aspace *grand = as_fork(child);
	CHECK(user_write(grand, REGION + 4 * PAGE_4K, 0x77) == FAULT_COPIED);
	CHECK_EQ_U64(user_read(child, REGION + 4 * PAGE_4K), 4);
	CHECK_EQ_U64(user_read(parent, REGION + 4 * PAGE_4K), 4);
	CHECK(user_write(parent, REGION + 4 * PAGE_4K, 0x44) == FAULT_COPIED);
	CHECK_EQ_U64(user_read(child, REGION + 4 * PAGE_4K), 4);
	CHECK_EQ_U64(user_read(grand, REGION + 4 * PAGE_4K), 0x77);
	CHECK_EQ_U64(kcount.pt_copies, 3); /* the shared page's, the grandchild's, the parent's */
	as_put(child);
	as_put(parent);
	CHECK_EQ_U64(user_read(grand, REGION + 5 * PAGE_4K), 5);
	as_put(grand);
	CHECK_EQ_U64(frames.frames_in_use, 0);
}

/* odf with 2 MiB pages: no last-level table to share, so the region's
 * entries are copied as eager copies them. */
static void odf_huge(void)
{
	reset(1);
	mm_fork_design = FORK_ODF;
	struct aspace *parent = as_create();
	CHECK(as_map(parent, REGION, 2 * PAGE_2M, GMAP_REGION | GMAP_HUGE | GMAP_POPULATE) == 0);
	struct aspace *child = as_fork(parent);
	CHECK(user_write(child, REGION + 5 * PAGE_4K, 0x33) == FAULT_COPIED_2M);
	CHECK_EQ_U64(kcount.pt_copies, 0);
	CHECK_EQ_U64(user_read(parent, REGION + 5 * PAGE_4K), 0);
	as_put(child);
	as_put(parent);
	CHECK_EQ_U64(frames.frames_in_use, 0);
}

/* full: every populated private page copied at fork, each side's pages
 * writable at once, so no COW fault ever follows. */
static void full_copy(void)
{
	struct aspace *parent = parent_with_region(FORK_FULL, 64);
	CHECK(as_map(parent, USER_SHARED_BASE, PAGE_4K, GMAP_SHARED | GMAP_POPULATE) == 0);
	uint64_t fresh = kcount.fresh_frames;
	struct aspace *child = as_fork(parent);
	CHECK_EQ_U64(kcount.full_copies, 64); /* the shared page is shared, not copied */
	/* 64 copies, the PML4, the table list and 2 x (PDPT, PD, PT) */
	CHECK_EQ_U64(kcount.fresh_frames - fresh, 64 + 2 + 6);
	CHECK(frame_of(child, USER_SHARED_BASE) == frame_of(parent, USER_SHARED_BASE));
	unsigned same = 0, copied = 0, writable = 0;
	for (unsigned p = 0; p < 64; p++) {
		uint64_t a = REGION + (uint64_t)p * PAGE_4K;
		same += frame_of(child, a) == frame_of(parent, a);
		copied += user_read(child, a) == (p & 0x7f);
		writable += as_user_writable(child, a) && as_user_writable(parent, a);
	}
	CHECK_EQ_U64(same, 0);
	CHECK_EQ_U64(copied, 64);
	CHECK_EQ_U64(writable, 64);
	uint64_t faults = kcount.guest_faults;
	for (unsigned p = 0; p < 64; p++) {
		CHECK(user_write(child, REGION + (uint64_t)p * PAGE_4K, 0xc0) == -1);
		CHECK(user_write(parent, REGION + (uint64_t)p * PAGE_4K, 0x10) == -1);
	}
	CHECK_EQ_U64(kcount.guest_faults, faults);
	CHECK_EQ_U64(kcount.cow_copies + kcount.cow_reuses, 0);
	CHECK_EQ_U64(user_read(parent, REGION), 0x10);
	CHECK_EQ_U64(user_read(child, REGION), 0xc0);
	as_put(parent);
	as_put(child);
	CHECK_EQ_U64(frames.frames_in_use, 0);

	/* 2 MiB pages: 512 per page */
	reset(1);
	mm_fork_design = FORK_FULL;
	parent = as_create();
	CHECK(as_map(parent, REGION, 2 * PAGE_2M, GMAP_REGION | GMAP_HUGE | GMAP_POPULATE) == 0);
	child = as_fork(parent);
	CHECK_EQ_U64(kcount.full_copies, 2 * 512);
	CHECK(user_write(child, REGION + PAGE_2M, 1) == -1);
	as_put(child);
	as_put(parent);
	CHECK_EQ_U64(frames.frames_in_use, 0);
}

/* pte_writes: eager stores an entry per page in each of parent and child,
 * odf one per table. */
static void pte_writes(void)
{
	enum fork_design ds[] = {FORK_EAGER, FORK_ODF};
	uint64_t want[] = {2 * PAGES, SPANS};
	for (size_t k = 0; k < 2; k++) {
		struct aspace *parent = parent_with_region(ds[k], PAGES);
		uint64_t w = kcount.pte_writes;
		struct aspace *child = as_fork(parent);
		/* plus the child's upper levels: PML4 slot, PDPT entry, and for
		 * eager its tables' directory entries; for odf the parent's */
		uint64_t got = kcount.pte_writes - w;
		CHECK(got >= want[k] + SPANS && got <= want[k] + SPANS + 4);
		as_put(child);
		as_put(parent);
		CHECK_EQ_U64(frames.frames_in_use, 0);
	}
}

int main(void)
{
	hosted_ram = aligned_alloc(PAGE_2M, RAM);
	if (!hosted_ram)
		SKIP("cannot allocate a 64 MiB test arena");
	odf_spans();
	odf_untouched(0);
	odf_untouched(1);
	odf_shared_and_nested();
	odf_huge();
	full_copy();
	pte_writes();
	free(hosted_ram);
	return check_done();
}
