/* Phase marks: snapshot the kernel's counters at begin, report the deltas
 * at end, and tell the VMM (which snapshots KVM's counters at the same
 * moments) or print them for a harness outside QEMU. */
#include "glib.h"
#include "kernel.h"
#include "mm.h"

struct snapshot {
	struct kcounters at_begin;
	uint32_t phase, prim, rep;
};

static struct snapshot stack[CB_PHASE_DEPTH];
static unsigned depth;

static const char *const phase_names[CB_PHASE_COUNT] = {CB_PHASES(CB_PHASE_NAME_INIT)};
static const char *const prim_names[CB_PRIM_COUNT] = {CB_PRIMITIVES(CB_PRIM_NAME_INIT)};

static const char *prim_name(uint32_t p)
{
	return p < CB_PRIM_COUNT ? prim_names[p] : "none";
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
	s->at_begin = kcount;
	s->phase = phase;
	s->prim = prim;
	s->rep = rep;
	return 0;
}

/* The record as one text line, for a harness outside our VMM (QEMU's
 * debugcon): "cowbench-phase phase=... prim=... rep=... cycles=..." and
 * then every counter as name=value, in record order. */
static void print_record(const struct cb_phase_record *r)
{
	kprintf("cowbench-phase phase=%s prim=%s rep=%u cycles=%lu", phase_names[r->phase],
		prim_name(r->primitive), r->rep, r->cycles);
#define PRINT(name, required) kprintf(" " #name "=%lu", r->name);
	CB_COUNTERS(PRINT)
#undef PRINT
	kprintf("\n");
}

int phase_end(uint32_t phase, uint64_t cycles)
{
	if (depth == 0 || stack[depth - 1].phase != phase)
		return -1;
	const struct snapshot *s = &stack[--depth];
	static struct cb_phase_record r;
	r = (struct cb_phase_record){
		.phase = phase,
		.primitive = s->prim,
		.rep = s->rep,
		.size = sizeof(r),
		.cycles = cycles,
	};
#define DELTA(name, required) r.name = kcount.name - s->at_begin.name;
	CB_COUNTERS(DELTA)
#undef DELTA
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
