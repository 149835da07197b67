/* Hypercall decoding and phase nesting: every validation rule. */
#include "cb.h"
#include "check.h"
#include "vm_hcall.h"
#include "vm_phase.h"

#define RAM (1u << 20)
#define HC 0x1000u    /* where the test puts the struct */
#define DATA 0x2000u  /* and what it points to */

static uint8_t ram[RAM];
static const struct gmem mem = {ram, RAM, false};

static struct cb_hcall *hc_at(uint64_t gpa, uint16_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct cb_hcall *h = (struct cb_hcall *)(ram + gpa);
	*h = (struct cb_hcall){CB_HC_MAGIC, CB_ABI_VERSION, op, sizeof(*h), 7, {a0, a1, a2, 0}};
	return h;
}

static struct hc_req req;
static char why[256];
static bool writable;

static int decode(uint64_t gpa)
{
	why[0] = '\0';
	return hc_decode(&mem, gpa, &req, &writable, why, sizeof(why));
}

static int call(uint16_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	hc_at(HC, op, a0, a1, a2);
	return decode(HC);
}

static void test_struct(void)
{
	/* The struct itself outside RAM: EFAULT, and no ret to write. */
	CHECK(decode(RAM - sizeof(struct cb_hcall) + 1) == CB_HC_EFAULT && !writable);
	CHECK(decode(0xfffffff0u) == CB_HC_EFAULT && !writable);
	CHECK(decode(0xffffffffffffffe0ull) == CB_HC_EFAULT && !writable);
	CHECK(strstr(why, "outside guest RAM") != NULL);
	CHECK(hc_write_ret(&mem, RAM - 8, CB_HC_EFAULT) == -1);
	/* Exactly at the end of RAM is fine. */
	hc_at(RAM - sizeof(struct cb_hcall), CB_HC_EXIT, 0, 0, 0);
	CHECK(decode(RAM - sizeof(struct cb_hcall)) == CB_HC_OK && writable);

	struct cb_hcall *h = hc_at(HC, CB_HC_EXIT, 0, 0, 0);
	h->magic ^= 1;
	CHECK(decode(HC) == CB_HC_EINVAL && writable && strstr(why, "magic"));
	CHECK(hc_write_ret(&mem, HC, CB_HC_EINVAL) == 0 && h->ret == CB_HC_EINVAL);
	h = hc_at(HC, CB_HC_EXIT, 0, 0, 0);
	h->version = CB_ABI_VERSION + 1;
	CHECK(decode(HC) == CB_HC_EINVAL && strstr(why, "version"));
	h = hc_at(HC, CB_HC_EXIT, 0, 0, 0);
	h->size = 40;
	CHECK(decode(HC) == CB_HC_EINVAL && strstr(why, "size"));
	CHECK(call(0, 0, 0, 0) == CB_HC_EINVAL && strstr(why, "unknown op"));
	CHECK(call(CB_HC_OP_MAX, 0, 0, 0) == CB_HC_EINVAL);
	CHECK(call(0xffff, 0, 0, 0) == CB_HC_EINVAL);
	CHECK(call(CB_HC_EXIT, 3, 0, 0) == CB_HC_OK && req.op == CB_HC_EXIT &&
	      req.u.exit.status == 3);
	CHECK_STR(hc_op_name(CB_HC_PHASE_END), "phase_end");
	CHECK_STR(hc_op_name(99), "?");
}

static void test_console(void)
{
	memcpy(ram + DATA, "hello", 5);
	CHECK(call(CB_HC_CONSOLE, DATA, 5, 0) == CB_HC_OK);
	CHECK(req.u.console.len == 5 && memcmp(req.u.console.text, "hello", 5) == 0);
	CHECK(call(CB_HC_CONSOLE, 0xdeadbeef0000ull, 0, 0) == CB_HC_EFAULT);
	CHECK(call(CB_HC_CONSOLE, RAM, 0, 0) == CB_HC_OK); /* empty text at the very end */
	CHECK(call(CB_HC_CONSOLE, DATA, CB_HC_CONSOLE_MAX, 0) == CB_HC_OK);
	CHECK(call(CB_HC_CONSOLE, DATA, CB_HC_CONSOLE_MAX + 1, 0) == CB_HC_EINVAL);
	CHECK(call(CB_HC_CONSOLE, RAM - 4, 5, 0) == CB_HC_EFAULT);
	/* Sums that wrap past 2^64 must not look small. */
	CHECK(call(CB_HC_CONSOLE, 0xfffffffffffff000ull, 0x1000, 0) == CB_HC_EFAULT);
	CHECK(call(CB_HC_CONSOLE, 0xffffffffffffffffull, 1, 0) == CB_HC_EFAULT);
	CHECK(call(CB_HC_CONSOLE, 0xfffffffffffff000ull, 0x2000, 0) != CB_HC_OK);
	CHECK(call(CB_HC_CONSOLE, DATA, 0xffffffffffffffffull, 0) == CB_HC_EINVAL);

	/* Copied once: changing guest memory afterwards changes nothing. */
	memcpy(ram + DATA, "first", 5);
	CHECK(call(CB_HC_CONSOLE, DATA, 5, 0) == CB_HC_OK);
	memcpy(ram + DATA, "later", 5);
	CHECK(memcmp(req.u.console.text, "first", 5) == 0);
}

static void test_begin(void)
{
	CHECK(call(CB_HC_PHASE_BEGIN, CB_PHASE_CREATE, CB_PRIM_VFORK, 9) == CB_HC_OK);
	CHECK(req.u.begin.phase == CB_PHASE_CREATE && req.u.begin.prim == CB_PRIM_VFORK &&
	      req.u.begin.rep == 9);
	CHECK(call(CB_HC_PHASE_BEGIN, CB_PHASE_NULL, CB_PRIM_NONE, 0) == CB_HC_OK);
	CHECK(call(CB_HC_PHASE_BEGIN, CB_PHASE_COUNT, 0, 0) == CB_HC_EINVAL);
	CHECK(call(CB_HC_PHASE_BEGIN, 1ull << 32, 0, 0) == CB_HC_EINVAL);
	CHECK(call(CB_HC_PHASE_BEGIN, 0, CB_PRIM_COUNT, 0) == CB_HC_EINVAL);
	CHECK(call(CB_HC_PHASE_BEGIN, 0, 14, 0) == CB_HC_EINVAL);
	CHECK(call(CB_HC_PHASE_BEGIN, 0, CB_PRIM_NONE + (1ull << 32), 0) == CB_HC_EINVAL);
	CHECK(call(CB_HC_PHASE_BEGIN, 0, 0, UINT32_MAX) == CB_HC_OK);
	CHECK(call(CB_HC_PHASE_BEGIN, 0, 0, 1ull << 32) == CB_HC_EINVAL);
}

static struct cb_phase_record *rec_at(uint64_t gpa, uint32_t phase, uint32_t prim, uint32_t rep)
{
	struct cb_phase_record *r = (struct cb_phase_record *)(ram + gpa);
	memset(r, 0, sizeof(*r));
	r->phase = phase;
	r->primitive = prim;
	r->rep = rep;
	r->size = sizeof(*r);
	r->cow_copies = 17;
	return r;
}

static void test_end(void)
{
	const uint64_t sz = sizeof(struct cb_phase_record);
	struct cb_phase_record *r = rec_at(DATA, CB_PHASE_DIRTY, CB_PRIM_FORK, 2);
	CHECK(call(CB_HC_PHASE_END, CB_PHASE_DIRTY, DATA, sz) == CB_HC_OK);
	CHECK(req.u.end.phase == CB_PHASE_DIRTY && req.u.end.rec.cow_copies == 17 &&
	      req.u.end.rec.rep == 2);
	r->cow_copies = 99; /* copied, not referenced */
	CHECK(req.u.end.rec.cow_copies == 17);
	CHECK(call(CB_HC_PHASE_END, CB_PHASE_DIRTY, DATA, sz - 1) == CB_HC_EINVAL);
	CHECK(call(CB_HC_PHASE_END, CB_PHASE_DIRTY, DATA, sz + 8) == CB_HC_EINVAL);
	CHECK(call(CB_HC_PHASE_END, CB_PHASE_DIRTY, DATA, 0) == CB_HC_EINVAL);
	CHECK(call(CB_HC_PHASE_END, CB_PHASE_COUNT, DATA, sz) == CB_HC_EINVAL);
	CHECK(call(CB_HC_PHASE_END, CB_PHASE_DIRTY, RAM - sz + 8, sz) == CB_HC_EFAULT);
	CHECK(call(CB_HC_PHASE_END, CB_PHASE_DIRTY, RAM - sz, sz) == CB_HC_EINVAL); /* zeroes */
	CHECK(call(CB_HC_PHASE_END, CB_PHASE_DIRTY, 0xffffffffffffff80ull, sz) == CB_HC_EFAULT);
	CHECK(call(CB_HC_PHASE_END, CB_PHASE_DIRTY, 0xfffffffffffffff8ull, sz) == CB_HC_EFAULT);
	r->size = 64;
	CHECK(call(CB_HC_PHASE_END, CB_PHASE_DIRTY, DATA, sz) == CB_HC_EINVAL &&
	      strstr(why, "its size"));
	r = rec_at(DATA, CB_PHASE_REAP, CB_PRIM_FORK, 2);
	CHECK(call(CB_HC_PHASE_END, CB_PHASE_DIRTY, DATA, sz) == CB_HC_EINVAL &&
	      strstr(why, "phase record is for phase"));
}

static void test_result(void)
{
	memcpy(ram + DATA, "cow_copies_total", 16);
	CHECK(call(CB_HC_RESULT, DATA, 16, 12345) == CB_HC_OK);
	CHECK_STR(req.u.result.name, "cow_copies_total");
	CHECK_EQ_U64(req.u.result.value, 12345);
	CHECK(call(CB_HC_RESULT, DATA, 3, 1) == CB_HC_OK && strcmp(req.u.result.name, "cow") == 0);
	memset(ram + DATA, 'a', CB_HC_NAME_MAX + 1);
	CHECK(call(CB_HC_RESULT, DATA, CB_HC_NAME_MAX, 1) == CB_HC_OK);
	CHECK(strlen(req.u.result.name) == CB_HC_NAME_MAX);
	CHECK(call(CB_HC_RESULT, DATA, CB_HC_NAME_MAX + 1, 1) == CB_HC_EINVAL);
	CHECK(call(CB_HC_RESULT, DATA, 0, 1) == CB_HC_EINVAL);
	CHECK(call(CB_HC_RESULT, RAM - 2, 3, 1) == CB_HC_EFAULT);
	CHECK(call(CB_HC_RESULT, 0xffffffffffffffffull, 2, 1) == CB_HC_EFAULT);
	const char *bad[] = {"Upper", "dash-name", "sp ace", "nul\0x", "dot.", "\xff"};
	for (size_t i = 0; i < CB_ARRAY_SIZE(bad); i++) {
		size_t n = strlen(bad[i]) ? strlen(bad[i]) : 1;
		if (i == 3)
			n = 5;
		memcpy(ram + DATA, bad[i], n);
		CHECK(call(CB_HC_RESULT, DATA, n, 1) == CB_HC_EINVAL && strstr(why, "[a-z0-9_]"));
	}
}

static void test_phase_stack(void)
{
	struct vm_phase_stack s = {0};
	struct cb_phase_record r = {.phase = CB_PHASE_CREATE, .primitive = CB_PRIM_VFORK, .rep = 1,
				    .size = sizeof(r)};
	CHECK(vm_phase_end(&s, &r, why, sizeof(why)) == CB_HC_EINVAL &&
	      strstr(why, "no phase is open"));
	CHECK(vm_phase_begin(&s, CB_PHASE_CREATE, CB_PRIM_VFORK, 1, why, sizeof(why)) == CB_HC_OK);
	CHECK(vm_phase_begin(&s, CB_PHASE_DIRTY, CB_PRIM_VFORK, 1, why, sizeof(why)) == CB_HC_OK);
	/* Ending the outer phase first is a nesting error; the stack stays. */
	CHECK(vm_phase_end(&s, &r, why, sizeof(why)) == CB_HC_EINVAL && s.depth == 2);
	struct cb_phase_record d = r;
	d.phase = CB_PHASE_DIRTY;
	d.rep = 2;
	CHECK(vm_phase_end(&s, &d, why, sizeof(why)) == CB_HC_EINVAL && s.depth == 2);
	d.rep = 1;
	d.primitive = CB_PRIM_FORK;
	CHECK(vm_phase_end(&s, &d, why, sizeof(why)) == CB_HC_EINVAL && s.depth == 2);
	d.primitive = CB_PRIM_VFORK;
	CHECK(vm_phase_end(&s, &d, why, sizeof(why)) == CB_HC_OK && s.depth == 1);
	/* The inner phase is gone; the outer one is what stays open. */
	CHECK(s.open[0].phase == CB_PHASE_CREATE && s.open[0].prim == CB_PRIM_VFORK &&
	      s.open[0].rep == 1);
	CHECK(vm_phase_end(&s, &r, why, sizeof(why)) == CB_HC_OK && s.depth == 0);
	for (unsigned i = 0; i < CB_PHASE_DEPTH; i++)
		CHECK(vm_phase_begin(&s, CB_PHASE_NULL, CB_PRIM_NONE, i, why, sizeof(why)) ==
		      CB_HC_OK);
	CHECK(vm_phase_begin(&s, CB_PHASE_NULL, CB_PRIM_NONE, 9, why, sizeof(why)) ==
		      CB_HC_EINVAL &&
	      s.depth == CB_PHASE_DEPTH && strstr(why, "at most"));
}

int main(void)
{
	test_struct();
	test_console();
	test_begin();
	test_end();
	test_result();
	test_phase_stack();
	return check_done();
}
