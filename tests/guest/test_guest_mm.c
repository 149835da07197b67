/* Fork, COW faults, reuse, 2 MiB copy and split, teardown without leaks:
 * the guest's memory manager against a host arena standing in for RAM. */
#include "hosted.h"

static void allocator(void)
{
	reset(1);
	uint64_t fresh0 = kcount.fresh_frames;
	uint64_t a = frame_alloc(1), b = frame_alloc(1);
	CHECK(a != b);
	CHECK_EQ_U64(kcount.fresh_frames - fresh0, 2);
	frame_put(a);
	/* never-touched frames come first, even with one recycled */
	uint64_t c = frame_alloc(0);
	CHECK(c != a);
	CHECK_EQ_U64(kcount.fresh_frames - fresh0, 3);
	uint64_t h = frame_alloc_2m(1);
	CHECK(h % PAGE_2M == 0);
	CHECK_EQ_U64(frame_sharers_2m(h), 1);
	CHECK_EQ_U64(frame_sharers(h + PAGE_4K), 1); /* a 2 MiB mapping keeps every subframe */
	frame_put_2m(h);
	frame_put(b);
	frame_put(c);
	CHECK_EQ_U64(frames.frames_in_use, 0);
}

static void fork_cow_reuse(void)
{
	reset(1);
	struct aspace *parent = as_create();
	CHECK(as_map(parent, REGION, 64 * PAGE_4K, GMAP_REGION | GMAP_POPULATE) == 0);
	for (int i = 0; i < 64; i++)
		*byte_at(parent, REGION + (uint64_t)i * PAGE_4K) = 0x11;
	uint64_t before_fork = frames.frames_in_use;

	struct aspace *child = as_fork(parent);
	CHECK_EQ_U64(kcount.ptes_copied, 64);
	CHECK_EQ_U64(kcount.pt_pages_copied, 3); /* PDPT, PD, PT */
	uint64_t p3 = pte_of(parent, REGION + 3 * PAGE_4K), c3 = pte_of(child, REGION + 3 * PAGE_4K);
	CHECK((p3 & PTE_COW) && !(p3 & PTE_W));
	CHECK((c3 & PTE_COW) && !(c3 & PTE_W));
	CHECK_EQ_U64(p3 & PTE_ADDR, c3 & PTE_ADDR);
	CHECK_EQ_U64(frame_sharers(p3 & PTE_ADDR), 2);

	/* the child writes page 3: a private copy with the same contents */
	uint64_t fresh = kcount.fresh_frames;
	CHECK(as_fault(child, REGION + 3 * PAGE_4K + 17, W_FAULT) == FAULT_COPIED);
	CHECK_EQ_U64(kcount.cow_copies, 1);
	CHECK_EQ_U64(kcount.fresh_frames - fresh, 1);
	CHECK(frame_of(child, REGION + 3 * PAGE_4K) != frame_of(parent, REGION + 3 * PAGE_4K));
	CHECK(*byte_at(child, REGION + 3 * PAGE_4K) == 0x11);
	CHECK(pte_of(child, REGION + 3 * PAGE_4K) & PTE_W);
	*byte_at(child, REGION + 3 * PAGE_4K) = 0x22;
	CHECK(*byte_at(parent, REGION + 3 * PAGE_4K) == 0x11);
	/* the parent's page 3 is no longer shared: its write reuses */
	CHECK(as_fault(parent, REGION + 3 * PAGE_4K, W_FAULT) == FAULT_REUSED);
	CHECK_EQ_U64(kcount.cow_reuses, 1);
	/* page 4 is still shared: the parent copies */
	CHECK(as_fault(parent, REGION + 4 * PAGE_4K, W_FAULT) == FAULT_COPIED);
	CHECK_EQ_U64(kcount.cow_copies, 2);

	/* the child exits: every frame it held comes back, including the old
	 * page 4 that only it still mapped (the parent has its copy) */
	as_put(child);
	CHECK_EQ_U64(frames.frames_in_use, before_fork);
	CHECK(as_fault(parent, REGION + 5 * PAGE_4K, W_FAULT) == FAULT_REUSED);
	CHECK_EQ_U64(kcount.cow_copies, 2);
	as_put(parent);
	CHECK_EQ_U64(frames.frames_in_use, 0);
}

static void shared_and_borrowed(void)
{
	reset(1);
	struct aspace *parent = as_create();
	CHECK(as_map(parent, USER_SHARED_BASE, PAGE_4K, GMAP_SHARED | GMAP_POPULATE) == 0);
	CHECK(as_map(parent, REGION, 8 * PAGE_4K, GMAP_REGION | GMAP_POPULATE) == 0);
	/* fork copies a shared mapping writable, pointing at the same frame */
	struct aspace *child = as_fork(parent);
	uint64_t e = pte_of(child, USER_SHARED_BASE);
	CHECK((e & PTE_W) && !(e & PTE_COW));
	CHECK_EQ_U64(e & PTE_ADDR, frame_of(parent, USER_SHARED_BASE));
	as_put(child);
	/* spawn: a fresh space that sees only the shared page */
	struct aspace *spawned = as_create();
	as_share_into(spawned, parent);
	CHECK_EQ_U64(frame_of(spawned, USER_SHARED_BASE), frame_of(parent, USER_SHARED_BASE));
	CHECK(frame_of(spawned, REGION) == 0);
	as_put(spawned);
	/* vfork/clone_vm: a second reference; nothing is freed until the last */
	parent->refs++;
	uint64_t in_use = frames.frames_in_use;
	as_put(parent);
	CHECK_EQ_U64(frames.frames_in_use, in_use);
	as_put(parent);
	CHECK_EQ_U64(frames.frames_in_use, 0);
}

static void demand_zero_and_bad_faults(void)
{
	reset(0); /* recycled-style RAM: zeroing must really happen */
	memset(hosted_ram + 0x400000, 0xab, RAM - 0x400000);
	struct aspace *as = as_create();
	CHECK(as_map(as, REGION, 4 * PAGE_4K, GMAP_REGION) == 0);
	CHECK(frame_of(as, REGION) == 0);
	CHECK(as_fault(as, REGION + 100, PF_W | PF_U) == FAULT_ZERO_FILLED); /* not present */
	CHECK_EQ_U64(kcount.zero_fills, 1);
	uint8_t *p = byte_at(as, REGION);
	int zero = 1;
	for (int i = 0; i < 4096; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	CHECK(as_fault(as, REGION + 16 * PAGE_4K, PF_W | PF_U) == FAULT_BAD); /* outside any VMA */
	CHECK(as_fault(as, REGION, PF_P | PF_W) == FAULT_BAD);	/* kernel-mode access */
	CHECK(as_fault(as, REGION, PF_P | PF_U) == FAULT_BAD);	/* read of a present page */
	CHECK(as_fault(as, REGION, W_FAULT) == FAULT_BAD);	       /* writable, not COW */
	/* mapping rules */
	CHECK(as_map(as, REGION + PAGE_4K, PAGE_4K, 0) < 0);		/* overlap */
	CHECK(as_map(as, REGION + 100 * PAGE_4K + 1, PAGE_4K, 0) < 0);	/* misaligned */
	CHECK(as_map(as, 0x1000, PAGE_4K, 0) < 0);			/* kernel half */
	CHECK(as_map(as, USER_VA_END - PAGE_4K, 2 * PAGE_4K, 0) < 0);	/* past the end */
	CHECK(as_map(as, REGION + PAGE_2M, PAGE_4K, GMAP_HUGE) < 0);	/* huge needs 2 MiB */
	as_put(as);
	CHECK_EQ_U64(frames.frames_in_use, 0);
}

static void huge_pages(enum cow_policy policy)
{
	reset(1);
	mm_cow_policy = policy;
	struct aspace *parent = as_create();
	CHECK(as_map(parent, REGION, 2 * PAGE_2M, GMAP_REGION | GMAP_HUGE | GMAP_POPULATE) == 0);
	*byte_at(parent, REGION + 5 * PAGE_4K) = 0x33;
	struct aspace *child = as_fork(parent);
	CHECK_EQ_U64(kcount.ptes_copied, 2);
	uint64_t fresh = kcount.fresh_frames;
	enum fault_result r = as_fault(child, REGION + 5 * PAGE_4K, W_FAULT);
	if (policy == COW_COPY_2M) {
		CHECK(r == FAULT_COPIED_2M);
		CHECK_EQ_U64(kcount.cow_copies_2m, 1);
		CHECK_EQ_U64(kcount.fresh_frames - fresh, 512);
		/* the parent's chunk is its own again */
		CHECK(as_fault(parent, REGION, W_FAULT) == FAULT_REUSED);
	} else {
		CHECK(r == FAULT_SPLIT_COPIED);
		CHECK_EQ_U64(kcount.cow_splits, 1);
		CHECK_EQ_U64(kcount.cow_copies, 1);
		CHECK_EQ_U64(kcount.fresh_frames - fresh, 2); /* the new page table, the copy */
		/* the child's other subpages still share the parent's chunk */
		CHECK(as_fault(child, REGION + 6 * PAGE_4K, W_FAULT) == FAULT_COPIED);
		/* the parent splits too: subpage 5 is its alone, subpage 7 is shared */
		CHECK(as_fault(parent, REGION + 5 * PAGE_4K, W_FAULT) == FAULT_SPLIT_REUSED);
		CHECK(as_fault(parent, REGION + 7 * PAGE_4K, W_FAULT) == FAULT_COPIED);
	}
	CHECK(*byte_at(child, REGION + 5 * PAGE_4K) == 0x33);
	*byte_at(child, REGION + 5 * PAGE_4K) = 0x44;
	CHECK(*byte_at(parent, REGION + 5 * PAGE_4K) == 0x33);
	as_put(child);
	as_put(parent);
	CHECK_EQ_U64(frames.frames_in_use, 0);
	CHECK(frames.free2m != 0); /* the chunks went back whole */
}

int main(void)
{
	hosted_ram = aligned_alloc(PAGE_2M, RAM);
	if (!hosted_ram)
		SKIP("cannot allocate a 64 MiB test arena");
	allocator();
	fork_cow_reuse();
	shared_and_borrowed();
	demand_zero_and_bad_faults();
	huge_pages(COW_COPY_2M);
	huge_pages(COW_SPLIT_4K);
	free(hosted_ram);
	return check_done();
}
