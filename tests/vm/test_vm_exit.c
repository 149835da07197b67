/* The exit handler with synthetic exits: no /dev/kvm involved. */
#include "check.h"
#include "vm_exit.h"
#include "vm_names.h"

#define RAM (1u << 20)
#define RUN_SIZE 4096u
#define IO_OFF 0x400u
#define HC 0x1000u
#define DATA 0x2000u
#define REC 0x3000u

static uint8_t ram[RAM];
static union {
	struct kvm_run run;
	uint8_t bytes[RUN_SIZE];
} rb;
static struct kvm_run *const run = &rb.run;
static struct vm_console con;
static struct vm_exit_ctx x;

/* What the hooks saw. */
static int n_first, n_begin, n_end, n_result;
static unsigned last_depth;
static struct cb_phase_record last_rec;
static uint64_t last_delta[VM_CTR_COUNT];
static char last_name[80];
static uint64_t last_value;

static void h_first(void *u) { (void)u; n_first++; }
static void h_begin(void *u, unsigned d) { (void)u; n_begin++; last_depth = d; }
static void h_end(void *u, unsigned d, const struct cb_phase_record *rec, const uint64_t *delta)
{
	(void)u;
	n_end++;
	last_depth = d;
	last_rec = *rec;
	memcpy(last_delta, delta, sizeof(last_delta));
}
static void h_result(void *u, const char *name, uint64_t v)
{
	(void)u;
	n_result++;
	snprintf(last_name, sizeof(last_name), "%s", name);
	last_value = v;
}
static const struct vm_exit_hooks hooks = {h_first, h_begin, h_end, h_result};

static void reset(void)
{
	struct gmem m = {ram, RAM, false};
	memset(ram, 0, sizeof(ram));
	vm_console_init(&con, NULL);
	vm_exit_init(&x, &m, RUN_SIZE, &con, &hooks, NULL);
	n_first = n_begin = n_end = n_result = 0;
}

static enum vm_action io(uint8_t dir, uint16_t port, uint8_t size, uint32_t count,
			 const void *data, size_t len)
{
	memset(&rb, 0, sizeof(rb));
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = dir;
	run->io.port = port;
	run->io.size = size;
	run->io.count = count;
	run->io.data_offset = IO_OFF;
	memcpy(rb.bytes + IO_OFF, data, len);
	return vm_exit_handle(&x, run);
}

static enum vm_action hcall(uint16_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct cb_hcall h = {CB_HC_MAGIC, CB_ABI_VERSION, op, sizeof(h), 7, {a0, a1, a2, 0}};
	memcpy(ram + HC, &h, sizeof(h));
	uint32_t gpa = HC;
	return io(KVM_EXIT_IO_OUT, CB_HC_PORT, 4, 1, &gpa, 4);
}

static int32_t hc_ret(void)
{
	return ((struct cb_hcall *)(ram + HC))->ret;
}

static enum vm_action simple(uint32_t reason)
{
	memset(&rb, 0, sizeof(rb));
	run->exit_reason = reason;
	return vm_exit_handle(&x, run);
}

static bool err_has(const char *s)
{
	bool ok = strstr(x.err, s) != NULL;
	if (!ok)
		fprintf(stderr, "error '%s' lacks '%s'\n", x.err, s);
	return ok;
}

static void put_rec(uint32_t phase, uint32_t prim, uint32_t rep, uint64_t cow)
{
	struct cb_phase_record r = {.phase = phase, .primitive = prim, .rep = rep,
				    .size = sizeof(r), .cow_copies = cow};
	memcpy(ram + REC, &r, sizeof(r));
}

static void test_console_and_ports(void)
{
	char tail[256];
	reset();
	memcpy(ram + DATA, "via hypercall\n", 14);
	CHECK(hcall(CB_HC_CONSOLE, DATA, 14, 0) == VM_CONTINUE);
	CHECK(hc_ret() == CB_HC_OK);
	CHECK(io(KVM_EXIT_IO_OUT, CB_DEBUGCON_PORT, 1, 5, "dbg\x1b\n", 5) == VM_CONTINUE);
	vm_console_tail(&con, tail, sizeof(tail));
	CHECK_STR(tail, "via hypercall\ndbg?\n"); /* escape sequences neutralised */
	CHECK_EQ_U64(x.ctr[VM_CTR_EXITS], 2);
	CHECK_EQ_U64(x.ctr[VM_CTR_EXIT_IO], 2);
	CHECK_EQ_U64(x.ctr[VM_CTR_HC], 1);
	CHECK_EQ_U64(x.ctr[VM_CTR_HC_CONSOLE], 1);
	CHECK_EQ_U64(x.ctr[VM_CTR_DEBUGCON], 1);
	CHECK(n_first == 1);
	hcall(CB_HC_CONSOLE, DATA, 1, 0);
	CHECK(n_first == 1);

	uint32_t v = 0;
	reset();
	CHECK(io(KVM_EXIT_IO_IN, CB_HC_PORT, 4, 1, &v, 4) == VM_STOP_ERROR && err_has("0xcb0") &&
	      err_has("IN"));
	reset();
	CHECK(io(KVM_EXIT_IO_OUT, CB_HC_PORT, 2, 1, &v, 2) == VM_STOP_ERROR && err_has("wrongly"));
	reset();
	CHECK(io(KVM_EXIT_IO_OUT, CB_HC_PORT, 4, 2, &v, 4) == VM_STOP_ERROR);
	reset();
	CHECK(io(KVM_EXIT_IO_IN, CB_DEBUGCON_PORT, 1, 1, &v, 1) == VM_STOP_ERROR);
	reset();
	CHECK(io(KVM_EXIT_IO_OUT, CB_DEBUGCON_PORT, 4, 1, &v, 4) == VM_STOP_ERROR);
	reset();
	CHECK(io(KVM_EXIT_IO_OUT, 0x80, 1, 1, &v, 1) == VM_STOP_ERROR &&
	      err_has("unknown I/O port 0x80"));
	reset();
	CHECK(io(KVM_EXIT_IO_IN, 0x3f8, 1, 1, &v, 1) == VM_STOP_ERROR && err_has("0x3f8"));
	reset();
	CHECK(io(KVM_EXIT_IO_OUT, CB_DEBUGCON_PORT, 3, 1, &v, 3) == VM_STOP_ERROR &&
	      err_has("malformed"));
	reset();
	CHECK(io(KVM_EXIT_IO_OUT, CB_DEBUGCON_PORT, 1, 0, &v, 0) == VM_STOP_ERROR);
	/* Data said to lie outside the kvm_run mapping. */
	reset();
	memset(&rb, 0, sizeof(rb));
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = KVM_EXIT_IO_OUT;
	run->io.port = CB_DEBUGCON_PORT;
	run->io.size = 1;
	run->io.count = 100;
	run->io.data_offset = RUN_SIZE - 10;
	CHECK(vm_exit_handle(&x, run) == VM_STOP_ERROR && err_has("outside kvm_run"));
	run->io.count = 0xffffffff;
	run->io.data_offset = 0xfffffffffffffff0ull;
	CHECK(vm_exit_handle(&x, run) == VM_STOP_ERROR);

	/* The debug-exit port carries the guest's status, 1, 2 or 4 bytes. */
	reset();
	uint16_t st = 3;
	CHECK(io(KVM_EXIT_IO_OUT, CB_DEBUG_EXIT_PORT, 2, 1, &st, 2) == VM_STOP_EXITED);
	CHECK(x.exited && x.exit_status == 3);
	reset();
	uint8_t zero = 0;
	CHECK(io(KVM_EXIT_IO_OUT, CB_DEBUG_EXIT_PORT, 1, 1, &zero, 1) == VM_STOP_EXITED &&
	      x.exit_status == 0);
	reset();
	CHECK(io(KVM_EXIT_IO_IN, CB_DEBUG_EXIT_PORT, 1, 1, &zero, 1) == VM_STOP_ERROR);
}

static void test_dead_guests(void)
{
	reset();
	CHECK(simple(KVM_EXIT_SHUTDOWN) == VM_STOP_ERROR && err_has("triple-faulted") &&
	      err_has("KVM_EXIT_SHUTDOWN"));
	CHECK_EQ_U64(x.ctr[VM_CTR_EXIT_SHUTDOWN], 1);
	reset();
	CHECK(simple(KVM_EXIT_HLT) == VM_STOP_ERROR && err_has("KVM_EXIT_HLT"));
	reset();
	memset(&rb, 0, sizeof(rb));
	run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = 0x21;
	CHECK(vm_exit_handle(&x, run) == VM_STOP_ERROR && err_has("KVM_EXIT_FAIL_ENTRY") &&
	      err_has("0x21"));
	reset();
	memset(&rb, 0, sizeof(rb));
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->internal.ndata = 1000; /* more than the array holds: clamped */
	run->internal.data[0] = 0xabc;
	CHECK(vm_exit_handle(&x, run) == VM_STOP_ERROR && err_has("KVM_EXIT_INTERNAL_ERROR") &&
	      err_has("emulation") && err_has("0xabc"));
	reset();
	memset(&rb, 0, sizeof(rb));
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = 0xfee00000;
	run->mmio.len = 4;
	run->mmio.is_write = 1;
	CHECK(vm_exit_handle(&x, run) == VM_STOP_ERROR && err_has("0xfee00000") &&
	      err_has("KVM_EXIT_MMIO"));
	reset();
	CHECK(simple(KVM_EXIT_DEBUG) == VM_STOP_ERROR && err_has("KVM_EXIT_DEBUG"));
	reset();
	CHECK(simple(KVM_EXIT_UNKNOWN) == VM_STOP_ERROR && err_has("KVM_EXIT_UNKNOWN"));
	reset();
	CHECK(simple(4321) == VM_STOP_ERROR && err_has("4321") && err_has("unknown"));
	CHECK_EQ_U64(x.ctr[VM_CTR_EXIT_OTHER], 1);

	/* A signal re-enters the guest; the watchdog's does not. */
	reset();
	CHECK(simple(KVM_EXIT_INTR) == VM_CONTINUE);
	atomic_store(&x.timed_out, true);
	x.timeout_s = 2;
	CHECK(simple(KVM_EXIT_INTR) == VM_STOP_ERROR && err_has("--timeout"));
	CHECK_EQ_U64(x.ctr[VM_CTR_EXIT_INTR], 2);
}

static void test_hypercalls(void)
{
	reset();
	/* garbage op: ret written, then the run ends */
	CHECK(hcall(99, 0, 0, 0) == VM_STOP_ERROR && hc_ret() == CB_HC_EINVAL &&
	      err_has("EINVAL") && err_has("unknown op"));
	reset();
	CHECK(hcall(CB_HC_CONSOLE, 0xfffffffffffff000ull, 0x1000, 0) == VM_STOP_ERROR &&
	      hc_ret() == CB_HC_EFAULT && err_has("EFAULT"));
	/* the struct itself out of RAM: nothing can be written */
	reset();
	uint32_t gpa = RAM - 8;
	CHECK(io(KVM_EXIT_IO_OUT, CB_HC_PORT, 4, 1, &gpa, 4) == VM_STOP_ERROR &&
	      err_has("hypercall struct"));

	reset();
	memcpy(ram + DATA, "n_pages", 7);
	CHECK(hcall(CB_HC_RESULT, DATA, 7, 4096) == VM_CONTINUE && n_result == 1);
	CHECK_STR(last_name, "n_pages");
	CHECK_EQ_U64(last_value, 4096);
	CHECK(hcall(CB_HC_EXIT, 5, 0, 0) == VM_STOP_EXITED && x.exit_status == 5);
	CHECK(hc_ret() == CB_HC_OK);
}

static void test_phases(void)
{
	reset();
	/* An empty phase: its counters hold exactly the end mark's exit. */
	CHECK(hcall(CB_HC_PHASE_BEGIN, CB_PHASE_NULL, CB_PRIM_NONE, 0) == VM_CONTINUE);
	CHECK(n_begin == 1 && last_depth == 0);
	put_rec(CB_PHASE_NULL, CB_PRIM_NONE, 0, 0);
	CHECK(hcall(CB_HC_PHASE_END, CB_PHASE_NULL, REC, sizeof(struct cb_phase_record)) ==
	      VM_CONTINUE);
	CHECK(n_end == 1 && last_depth == 0);
	CHECK_EQ_U64(last_delta[VM_CTR_EXITS], 1);
	CHECK_EQ_U64(last_delta[VM_CTR_HC], 1);
	CHECK_EQ_U64(last_delta[VM_CTR_HC_PHASE_END], 1);
	CHECK_EQ_U64(last_delta[VM_CTR_HC_PHASE_BEGIN], 0);

	/* Nested: create { dirty { 3 debugcon exits } } */
	CHECK(hcall(CB_HC_PHASE_BEGIN, CB_PHASE_CREATE, CB_PRIM_VFORK, 4) == VM_CONTINUE);
	CHECK(hcall(CB_HC_PHASE_BEGIN, CB_PHASE_DIRTY, CB_PRIM_VFORK, 4) == VM_CONTINUE);
	CHECK(last_depth == 1);
	for (int i = 0; i < 3; i++)
		io(KVM_EXIT_IO_OUT, CB_DEBUGCON_PORT, 1, 1, "x", 1);
	put_rec(CB_PHASE_DIRTY, CB_PRIM_VFORK, 4, 11);
	CHECK(hcall(CB_HC_PHASE_END, CB_PHASE_DIRTY, REC, sizeof(struct cb_phase_record)) ==
	      VM_CONTINUE);
	CHECK(last_depth == 1 && last_rec.cow_copies == 11);
	CHECK_EQ_U64(last_delta[VM_CTR_EXITS], 4);
	CHECK_EQ_U64(last_delta[VM_CTR_DEBUGCON], 3);
	CHECK_EQ_U64(last_delta[VM_CTR_HC], 1);
	put_rec(CB_PHASE_CREATE, CB_PRIM_VFORK, 4, 0);
	CHECK(hcall(CB_HC_PHASE_END, CB_PHASE_CREATE, REC, sizeof(struct cb_phase_record)) ==
	      VM_CONTINUE);
	CHECK(last_depth == 0);
	CHECK_EQ_U64(last_delta[VM_CTR_EXITS], 6); /* begin dirty, 3 x, end dirty, end create */
	CHECK_EQ_U64(last_delta[VM_CTR_HC], 3);

	/* Nesting errors are protocol errors: ret = EINVAL and the run ends. */
	reset();
	put_rec(CB_PHASE_DIRTY, CB_PRIM_FORK, 0, 0);
	CHECK(hcall(CB_HC_PHASE_END, CB_PHASE_DIRTY, REC, sizeof(struct cb_phase_record)) ==
	      VM_STOP_ERROR && hc_ret() == CB_HC_EINVAL && err_has("no phase is open"));
	reset();
	for (unsigned i = 0; i < CB_PHASE_DEPTH; i++)
		CHECK(hcall(CB_HC_PHASE_BEGIN, CB_PHASE_NULL, CB_PRIM_NONE, i) == VM_CONTINUE);
	CHECK(hcall(CB_HC_PHASE_BEGIN, CB_PHASE_NULL, CB_PRIM_NONE, 9) == VM_STOP_ERROR &&
	      hc_ret() == CB_HC_EINVAL);

	/* A clean exit must not leave phases open; a failing one may. */
	reset();
	CHECK(hcall(CB_HC_PHASE_BEGIN, CB_PHASE_CREATE, CB_PRIM_FORK, 0) == VM_CONTINUE);
	CHECK(hcall(CB_HC_EXIT, 0, 0, 0) == VM_STOP_ERROR && hc_ret() == CB_HC_EINVAL &&
	      err_has("still open") && !x.exited);
	reset();
	CHECK(hcall(CB_HC_PHASE_BEGIN, CB_PHASE_CREATE, CB_PRIM_FORK, 0) == VM_CONTINUE);
	CHECK(hcall(CB_HC_EXIT, 2, 0, 0) == VM_STOP_EXITED && x.exit_status == 2);
}

static void test_console_tail(void)
{
	struct vm_console c;
	char buf[VM_CONSOLE_TAIL + 1];
	vm_console_init(&c, NULL);
	CHECK(vm_console_tail(&c, buf, sizeof(buf)) == 0 && buf[0] == '\0');
	for (int i = 0; i < 1000; i++)
		vm_console_put(&c, "0123456789", 10);
	vm_console_put(&c, "END", 3);
	size_t n = vm_console_tail(&c, buf, sizeof(buf));
	CHECK_EQ_U64(n, VM_CONSOLE_TAIL);
	CHECK(memcmp(buf + n - 3, "END", 3) == 0 && buf[n - 4] == '9');
	n = vm_console_tail(&c, buf, 8);
	CHECK_STR(buf, "6789END");
	/* Lines longer than the line buffer are split, never overflow it. */
	char big[1000];
	memset(big, 'a', sizeof(big));
	vm_console_put(&c, big, sizeof(big));
	CHECK(c.line_len <= VM_CONSOLE_LINE);
}

/* Guest-driven growth ends at the boot's quota, before the store or the
 * console takes the row or byte that would exceed it. */
static void test_quota(void)
{
	struct vm_quota q = vm_quota_plan(1, 1);
	CHECK_EQ_U64(q.phases, CB_PHASE_COUNT + VM_QUOTA_PHASE_MARGIN);
	CHECK_EQ_U64(q.results, 1 + VM_QUOTA_RESULT_MARGIN);
	CHECK_EQ_U64(vm_quota_plan(UINT64_MAX, 4).phases, UINT64_MAX); /* saturates */

	reset();
	x.quota = &q;
	put_rec(CB_PHASE_NULL, CB_PRIM_NONE, 0, 0);
	uint64_t pairs = 0;
	while (hcall(CB_HC_PHASE_BEGIN, CB_PHASE_NULL, CB_PRIM_NONE, 0) == VM_CONTINUE &&
	       hcall(CB_HC_PHASE_END, CB_PHASE_NULL, REC, sizeof(struct cb_phase_record)) ==
		       VM_CONTINUE && pairs < 1000)
		pairs++;
	CHECK_EQ_U64(pairs, q.phases);
	CHECK_EQ_U64(n_begin, q.phases);
	CHECK(err_has("guest exceeded its quota of 22 phases"));

	reset();
	x.quota = &q;
	memcpy(ram + DATA, "r", 1);
	uint64_t results = 0;
	while (hcall(CB_HC_RESULT, DATA, 1, 7) == VM_CONTINUE && results < 1000)
		results++;
	CHECK_EQ_U64(results, q.results);
	CHECK_EQ_U64(n_result, q.results);
	CHECK(err_has("guest exceeded its quota of 65 results"));

	/* Console: 64 x 4 KiB fit exactly, the next byte does not (hypercall
	 * and debugcon alike). */
	reset();
	x.quota = &q;
	memset(ram + DATA, 'a', CB_HC_CONSOLE_MAX);
	for (int i = 0; i < 64; i++)
		CHECK(hcall(CB_HC_CONSOLE, DATA, CB_HC_CONSOLE_MAX, 0) == VM_CONTINUE);
	CHECK(io(KVM_EXIT_IO_OUT, CB_DEBUGCON_PORT, 1, 1, "b", 1) == VM_STOP_ERROR);
	CHECK(err_has("bytes of console output"));
	CHECK_EQ_U64(con.total, VM_QUOTA_CONSOLE_BYTES);

	/* Printed (--verbose): empty lines cost 8 bytes each on stderr, and
	 * the printed bytes stay within the quota too. */
	FILE *f = tmpfile();
	CHECK(f != NULL);
	if (!f)
		return;
	reset();
	vm_console_init(&con, f);
	x.quota = &q;
	memset(ram + DATA, '\n', CB_HC_CONSOLE_MAX);
	int calls = 0;
	while (hcall(CB_HC_CONSOLE, DATA, CB_HC_CONSOLE_MAX, 0) == VM_CONTINUE && calls < 1000)
		calls++;
	CHECK(err_has("printed for its console"));
	CHECK_EQ_U64(calls, 8); /* 8 x 4096 x 8 bytes = the quota exactly */
	CHECK(con.printed <= VM_QUOTA_CONSOLE_BYTES && con.printed == (uint64_t)calls * 8 * 4096);
	vm_console_fini(&con);
	fclose(f);
}

int main(void)
{
	test_console_and_ports();
	test_dead_guests();
	test_hypercalls();
	test_phases();
	test_console_tail();
	test_quota();
	CHECK_STR(vm_ctr_names[VM_CTR_HC_PHASE_END], "hc_phase_end");
	for (int i = 0; i < VM_CTR_COUNT; i++)
		CHECK(vm_ctr_names[i] != NULL);
	return check_done();
}
