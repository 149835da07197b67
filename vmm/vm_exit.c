#include "vm_exit.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "vm_hcall.h"
#include "vm_names.h"

const char *const vm_ctr_names[VM_CTR_COUNT] = {
	[VM_CTR_EXITS] = "exits",
	[VM_CTR_EXIT_IO] = "exit_io",
	[VM_CTR_EXIT_MMIO] = "exit_mmio",
	[VM_CTR_EXIT_HLT] = "exit_hlt",
	[VM_CTR_EXIT_SHUTDOWN] = "exit_shutdown",
	[VM_CTR_EXIT_FAIL_ENTRY] = "exit_fail_entry",
	[VM_CTR_EXIT_INTERNAL_ERROR] = "exit_internal_error",
	[VM_CTR_EXIT_INTR] = "exit_intr",
	[VM_CTR_EXIT_OTHER] = "exit_other",
	[VM_CTR_HC] = "hc",
	[VM_CTR_HC_CONSOLE] = "hc_console",
	[VM_CTR_HC_PHASE_BEGIN] = "hc_phase_begin",
	[VM_CTR_HC_PHASE_END] = "hc_phase_end",
	[VM_CTR_HC_RESULT] = "hc_result",
	[VM_CTR_HC_EXIT] = "hc_exit",
	[VM_CTR_DEBUGCON] = "debugcon",
	[VM_CTR_DEBUG_EXIT] = "debug_exit",
};
_Static_assert(VM_CTR_HC_EXIT - VM_CTR_HC_CONSOLE == CB_HC_EXIT - CB_HC_CONSOLE,
	       "per-op hypercall counters follow enum cb_hc_op");

static const char *const reason_names[] = {
	[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
	[KVM_EXIT_IO] = "KVM_EXIT_IO",
	[KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
	[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
	[KVM_EXIT_HLT] = "KVM_EXIT_HLT",
	[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
	[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
	[KVM_EXIT_SET_TPR] = "KVM_EXIT_SET_TPR",
	[KVM_EXIT_TPR_ACCESS] = "KVM_EXIT_TPR_ACCESS",
	[KVM_EXIT_NMI] = "KVM_EXIT_NMI",
	[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI] = "KVM_EXIT_IOAPIC_EOI",
	[KVM_EXIT_HYPERV] = "KVM_EXIT_HYPERV",
	[KVM_EXIT_X86_RDMSR] = "KVM_EXIT_X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "KVM_EXIT_X86_WRMSR",
	[KVM_EXIT_DIRTY_RING_FULL] = "KVM_EXIT_DIRTY_RING_FULL",
	[KVM_EXIT_AP_RESET_HOLD] = "KVM_EXIT_AP_RESET_HOLD",
	[KVM_EXIT_X86_BUS_LOCK] = "KVM_EXIT_X86_BUS_LOCK",
	[KVM_EXIT_XEN] = "KVM_EXIT_XEN",
	[KVM_EXIT_NOTIFY] = "KVM_EXIT_NOTIFY",
};

const char *vm_exit_reason_name(uint32_t reason)
{
	return reason < CB_ARRAY_SIZE(reason_names) ? reason_names[reason] : NULL;
}

void vm_exit_init(struct vm_exit_ctx *x, const struct gmem *mem, size_t run_size,
		  struct vm_console *con, const struct vm_exit_hooks *hooks, void *user)
{
	static const struct vm_exit_hooks none;
	memset(x, 0, sizeof(*x));
	x->mem = *mem;
	x->run_size = run_size;
	x->con = con;
	x->hooks = hooks ? hooks : &none;
	x->user = user;
	atomic_init(&x->timed_out, false);
}

__attribute__((format(printf, 2, 3)))
static enum vm_action stop(struct vm_exit_ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->err, sizeof(x->err), fmt, ap);
	va_end(ap);
	return VM_STOP_ERROR;
}

/* The guest is done.  A clean exit (status 0) with phases still open is
 * a guest bug: those phases would silently vanish from the results. */
static enum vm_action guest_exit(struct vm_exit_ctx *x, uint64_t status, const char *how)
{
	if (status == 0 && x->phases.depth)
		return stop(x, "guest exited (%s, status 0) with %u phase(s) still open, "
			    "innermost %s", how, x->phases.depth,
			    vm_phase_name(x->phases.open[x->phases.depth - 1].phase));
	x->exited = true;
	x->exit_status = status;
	return VM_STOP_EXITED;
}

static int apply_phase_begin(struct vm_exit_ctx *x, const struct hc_req *r, char *why, size_t wl)
{
	int ret = vm_phase_begin(&x->phases, r->u.begin.phase, r->u.begin.prim, r->u.begin.rep,
				 why, wl);
	if (ret != CB_HC_OK)
		return ret;
	unsigned d = x->phases.depth - 1;
	memcpy(x->ctr_begin[d], x->ctr, sizeof(x->ctr));
	if (x->hooks->phase_begin)
		x->hooks->phase_begin(x->user, d);
	return CB_HC_OK;
}

static int apply_phase_end(struct vm_exit_ctx *x, const struct hc_req *r, char *why, size_t wl)
{
	int ret = vm_phase_end(&x->phases, &r->u.end.rec, why, wl);
	if (ret != CB_HC_OK)
		return ret;
	unsigned d = x->phases.depth;
	uint64_t delta[VM_CTR_COUNT];
	for (int i = 0; i < VM_CTR_COUNT; i++)
		delta[i] = x->ctr[i] - x->ctr_begin[d][i];
	if (x->hooks->phase_end)
		x->hooks->phase_end(x->user, d, &r->u.end.rec, delta);
	return CB_HC_OK;
}

/* Before the store or the console takes anything more: the counters
 * already include this exit, console_n is what it brings. */
static bool over_quota(struct vm_exit_ctx *x, size_t console_n)
{
	if (!x->quota)
		return false;
	struct vm_quota_use u = {
		.phases = x->ctr[VM_CTR_HC_PHASE_BEGIN],
		.results = x->ctr[VM_CTR_HC_RESULT],
		.console_in = x->con->total + console_n,
		.console_out = x->con->printed +
			       (x->con->fd >= 0 ? vm_console_print_bound(console_n) : 0),
	};
	return vm_quota_check(x->quota, &u, x->err, sizeof(x->err)) < 0;
}

static enum vm_action hypercall(struct vm_exit_ctx *x, uint64_t gpa)
{
	if (x->ctr[VM_CTR_HC]++ == 0 && x->hooks->first_hcall)
		x->hooks->first_hcall(x->user);
	struct hc_req r;
	bool writable;
	char why[256];
	int ret = hc_decode(&x->mem, gpa, &r, &writable, why, sizeof(why));
	if (ret == CB_HC_OK) {
		/* hc_decode accepts known ops only. */
		x->ctr[VM_CTR_HC_CONSOLE + r.op - CB_HC_CONSOLE]++;
		if (over_quota(x, r.op == CB_HC_CONSOLE ? r.u.console.len : 0))
			return VM_STOP_ERROR;
		switch (r.op) {
		case CB_HC_CONSOLE:
			vm_console_put(x->con, r.u.console.text, r.u.console.len);
			break;
		case CB_HC_PHASE_BEGIN:
			ret = apply_phase_begin(x, &r, why, sizeof(why));
			break;
		case CB_HC_PHASE_END:
			ret = apply_phase_end(x, &r, why, sizeof(why));
			break;
		case CB_HC_RESULT:
			if (x->hooks->result)
				x->hooks->result(x->user, r.u.result.name, r.u.result.value);
			break;
		case CB_HC_EXIT: {
			enum vm_action a = guest_exit(x, r.u.exit.status, "CB_HC_EXIT");
			hc_write_ret(&x->mem, gpa, a == VM_STOP_EXITED ? CB_HC_OK : CB_HC_EINVAL);
			return a;
		}
		}
	}
	if (writable)
		hc_write_ret(&x->mem, gpa, ret);
	if (ret != CB_HC_OK)
		return stop(x, "bad hypercall %s at gpa 0x%" PRIx64 " (%s): %s",
			    hc_op_name(r.op), gpa, hc_ret_name(ret), why);
	return VM_CONTINUE;
}

static uint64_t io_value(const uint8_t *data, uint8_t size)
{
	uint64_t v = 0;
	memcpy(&v, data, size); /* x86 is little-endian, like the port data */
	return v;
}

static enum vm_action handle_io(struct vm_exit_ctx *x, struct kvm_run *run)
{
	const uint16_t port = run->io.port;
	const uint8_t size = run->io.size;
	const uint32_t count = run->io.count;
	const bool out = run->io.direction == KVM_EXIT_IO_OUT;
	const char *dir = out ? "OUT" : "IN";
	if ((size != 1 && size != 2 && size != 4) || count == 0)
		return stop(x, "malformed port I/O exit (port 0x%x, size %u, count %u)", port,
			    size, count);
	/* KVM places the data inside the kvm_run mapping; check it anyway. */
	uint64_t bytes = (uint64_t)size * count;
	if (run->io.data_offset > x->run_size || bytes > x->run_size - run->io.data_offset)
		return stop(x, "port I/O data [%llu, +%" PRIu64 ") outside kvm_run (%zu bytes)",
			    (unsigned long long)run->io.data_offset, bytes, x->run_size);
	const uint8_t *data = (const uint8_t *)run + run->io.data_offset;

	switch (port) {
	case CB_HC_PORT:
		if (!out || size != 4 || count != 1)
			break;
		return hypercall(x, io_value(data, 4));
	case CB_DEBUGCON_PORT:
		if (!out || size != 1)
			break;
		x->ctr[VM_CTR_DEBUGCON]++;
		if (over_quota(x, count))
			return VM_STOP_ERROR;
		vm_console_put(x->con, data, count);
		return VM_CONTINUE;
	case CB_DEBUG_EXIT_PORT:
		if (!out || count != 1)
			break;
		x->ctr[VM_CTR_DEBUG_EXIT]++;
		return guest_exit(x, io_value(data, size), "debug-exit port");
	default:
		return stop(x, "guest used unknown I/O port 0x%x (%s, %u bytes)", port, dir,
			    size);
	}
	return stop(x, "guest used I/O port 0x%x wrongly (%s, %u bytes x %u; the port takes "
		    "%s)", port, dir, size, count,
		    port == CB_HC_PORT ? "one 32-bit OUT" : port == CB_DEBUGCON_PORT ?
		    "byte OUTs" : "one OUT");
}

static const char *internal_suberror(uint32_t s)
{
	switch (s) {
	case KVM_INTERNAL_ERROR_EMULATION: return "instruction emulation failed";
	case KVM_INTERNAL_ERROR_SIMUL_EX: return "exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV: return "exit while delivering an event";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON: return "unexpected hardware exit";
	}
	return "unknown suberror";
}

static enum vm_action internal_error(struct vm_exit_ctx *x, struct kvm_run *run)
{
	char data[200] = "";
	size_t used = 0;
	uint32_t n = run->internal.ndata;
	if (n > CB_ARRAY_SIZE(run->internal.data))
		n = CB_ARRAY_SIZE(run->internal.data);
	for (uint32_t i = 0; i < n && used < sizeof(data); i++) {
		int w = snprintf(data + used, sizeof(data) - used, " 0x%llx",
				 (unsigned long long)run->internal.data[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return stop(x, "KVM internal error (KVM_EXIT_INTERNAL_ERROR, suberror %u: %s%s%s)",
		    run->internal.suberror, internal_suberror(run->internal.suberror),
		    n ? ", data" : "", data);
}

enum vm_action vm_exit_handle(struct vm_exit_ctx *x, struct kvm_run *run)
{
	x->ctr[VM_CTR_EXITS]++;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		x->ctr[VM_CTR_EXIT_IO]++;
		return handle_io(x, run);
	case KVM_EXIT_MMIO:
		x->ctr[VM_CTR_EXIT_MMIO]++;
		return stop(x, "guest %s %u bytes at gpa 0x%llx, outside RAM and no device "
			    "there (KVM_EXIT_MMIO)", run->mmio.is_write ? "wrote" : "read",
			    run->mmio.len, (unsigned long long)run->mmio.phys_addr);
	case KVM_EXIT_HLT:
		x->ctr[VM_CTR_EXIT_HLT]++;
		return stop(x, "guest halted (KVM_EXIT_HLT) without reporting an exit status "
			    "(CB_HC_EXIT)");
	case KVM_EXIT_SHUTDOWN:
		x->ctr[VM_CTR_EXIT_SHUTDOWN]++;
		return stop(x, "guest triple-faulted (KVM_EXIT_SHUTDOWN)");
	case KVM_EXIT_FAIL_ENTRY:
		x->ctr[VM_CTR_EXIT_FAIL_ENTRY]++;
		return stop(x, "KVM could not enter the guest (KVM_EXIT_FAIL_ENTRY, hardware "
			    "reason 0x%llx)",
			    (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		x->ctr[VM_CTR_EXIT_INTERNAL_ERROR]++;
		return internal_error(x, run);
	case KVM_EXIT_INTR:
		/* KVM_RUN came back for a signal: the watchdog's kick, or a
		 * stray one that needs nothing but re-entry. */
		x->ctr[VM_CTR_EXIT_INTR]++;
		if (atomic_load(&x->timed_out))
			return stop(x, "guest still running after %g s (--timeout); stopped it",
				    x->timeout_s);
		return VM_CONTINUE;
	default:
		x->ctr[VM_CTR_EXIT_OTHER]++;
		{
			const char *name = vm_exit_reason_name(run->exit_reason);
			return stop(x, "unexpected VM exit %u (%s)", run->exit_reason,
				    name ? name : "unknown to this VMM");
		}
	}
}
