/* Phase marks: snapshot the kernel's counters at begin, report the deltas
 * at end, and tell the VMM (which snapshots KVM's counters at the same
 * moments) or print them for a harness outside QEMU. */
#include "glib.h"
#include "kernel.h"
#include "mm.h"

struct snapshot {
	struct mm_stats mm;
	uint64_t fresh_frames, syscalls;
	uint32_t phase, prim, rep;
};

static struct snapshot stack[CB_PHASE_DEPTH];
static unsigned depth;

static const char *const phase_names[CB_PHASE_COUNT] = {
	[CB_PHASE_NULL] = "null",     [CB_PHASE_CREATE] = "create", [CB_PHASE_DIRTY] = "dirty",
	[CB_PHASE_REAP] = "reap",     [CB_PHASE_REUSE] = "reuse",   [CB_PHASE_POPULATE] = "populate",
};

static const char *prim_name(uint32_t p)
{
	static const char *const names[CB_PRIM_COUNT] = {"fork", "vfork", "clone_vm", "spawn"};
	return p < CB_PRIM_COUNT ? names[p] : "none";
}

int phase_begin(uint32_t phase, uint32_t prim, uint32_t rep)
{
	if (phase >= CB_PHASE_COUNT || depth == CB_PHASE_DEPTH ||
	    (prim >= CB_PRIM_COUNT && prim != CB_PRIM_NONE))
		return -1;
	if (boot.transport == CB_TRANSPORT_HYPERCALL &&
	    hcall(CB_HC_PHASE_BEGIN, phase, prim, rep) != CB_HC_OK)
		return -1;
	/* Counters are read after the mark so that the begin hypercall's own
	 * work is outside the phase, as on the VMM side. */
	struct snapshot *s = &stack[depth++];
	s->mm = mm_stats;
	s->fresh_frames = frames.fresh_frames;
	s->syscalls = ksyscalls;
	s->phase = phase;
	s->prim = prim;
	s->rep = rep;
	return 0;
}

static void print_record(const struct cb_phase_record *r)
{
	kprintf("cowbench-phase phase=%s prim=%s rep=%u cycles=%lu cow_copies=%lu "
		"cow_copies_2m=%lu cow_reuses=%lu cow_splits=%lu zero_fills=%lu ",
		phase_names[r->phase], prim_name(r->primitive), r->rep, r->cycles, r->cow_copies,
		r->cow_copies_2m, r->cow_reuses, r->cow_splits, r->zero_fills);
	kprintf("other_cow_copies=%lu other_cow_reuses=%lu other_zero_fills=%lu "
		"pt_pages_copied=%lu ptes_copied=%lu fresh_frames=%lu guest_faults=%lu "
		"syscalls=%lu\n",
		r->other_cow_copies, r->other_cow_reuses, r->other_zero_fills, r->pt_pages_copied,
		r->ptes_copied, r->fresh_frames, r->guest_faults, r->syscalls);
}

int phase_end(uint32_t phase, uint64_t cycles)
{
	if (depth == 0 || stack[depth - 1].phase != phase)
		return -1;
	const struct snapshot *s = &stack[--depth];
	const struct mm_stats *a = &s->mm, *b = &mm_stats;
	static struct cb_phase_record r;
	r = (struct cb_phase_record){
		.phase = phase,
		.primitive = s->prim,
		.rep = s->rep,
		.size = sizeof(r),
		.cycles = cycles,
		.cow_copies = b->cow_copies - a->cow_copies,
		.cow_copies_2m = b->cow_copies_2m - a->cow_copies_2m,
		.cow_reuses = b->cow_reuses - a->cow_reuses,
		.cow_splits = b->cow_splits - a->cow_splits,
		.zero_fills = b->zero_fills - a->zero_fills,
		.other_cow_copies = b->other_cow_copies - a->other_cow_copies,
		.other_cow_reuses = b->other_cow_reuses - a->other_cow_reuses,
		.other_zero_fills = b->other_zero_fills - a->other_zero_fills,
		.pt_pages_copied = b->pt_pages_copied - a->pt_pages_copied,
		.ptes_copied = b->ptes_copied - a->ptes_copied,
		.fresh_frames = frames.fresh_frames - s->fresh_frames,
		.guest_faults = b->guest_faults - a->guest_faults,
		.syscalls = ksyscalls - s->syscalls,
	};
	if (boot.transport == CB_TRANSPORT_HYPERCALL)
		return hcall(CB_HC_PHASE_END, phase, (uint64_t)(uintptr_t)&r, sizeof(r)) == CB_HC_OK
			       ? 0
			       : -1;
	print_record(&r);
	return 0;
}

void result_report(const char *name, size_t len, uint64_t value)
{
	if (boot.transport == CB_TRANSPORT_HYPERCALL) {
		hcall(CB_HC_RESULT, (uint64_t)(uintptr_t)name, len, value);
		return;
	}
	char buf[CB_HC_NAME_MAX + 1];
	memcpy(buf, name, len);
	buf[len] = '\0';
	kprintf("cowbench-result %s=%lu\n", buf, value);
}
