#include "vm_hcall.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

static const char *const op_names[CB_HC_OP_MAX] = {
	[CB_HC_CONSOLE] = "console",
	[CB_HC_PHASE_BEGIN] = "phase_begin",
	[CB_HC_PHASE_END] = "phase_end",
	[CB_HC_RESULT] = "result",
	[CB_HC_EXIT] = "exit",
};

const char *hc_op_name(uint32_t op)
{
	return op < CB_HC_OP_MAX && op_names[op] ? op_names[op] : "?";
}

const char *hc_ret_name(int ret)
{
	switch (ret) {
	case CB_HC_OK: return "OK";
	case CB_HC_EINVAL: return "EINVAL";
	case CB_HC_EFAULT: return "EFAULT";
	}
	return "?";
}

__attribute__((format(printf, 4, 5)))
static int fail(int ret, char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return ret;
}

static int range_fault(const struct gmem *m, const char *what, uint64_t gpa, uint64_t len,
		       char *why, size_t why_len)
{
	return fail(CB_HC_EFAULT, why, why_len,
		    "%s [0x%" PRIx64 ", +0x%" PRIx64 ") is outside guest RAM (0x%" PRIx64 " bytes)",
		    what, gpa, len, m->size);
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int decode_console(const struct gmem *m, struct hc_req *r, char *why, size_t wl)
{
	uint64_t gpa = r->arg[0], len = r->arg[1];
	if (len > CB_HC_CONSOLE_MAX)
		return fail(CB_HC_EINVAL, why, wl, "console text of %" PRIu64 " bytes (at most %u)",
			    len, CB_HC_CONSOLE_MAX);
	if (gmem_read(m, gpa, r->u.console.text, len) < 0)
		return range_fault(m, "console text", gpa, len, why, wl);
	r->u.console.len = (uint32_t)len;
	return CB_HC_OK;
}

static int decode_begin(struct hc_req *r, char *why, size_t wl)
{
	if (r->arg[0] >= CB_PHASE_COUNT)
		return fail(CB_HC_EINVAL, why, wl, "unknown phase %" PRIu64, r->arg[0]);
	if (r->arg[1] >= CB_PRIM_COUNT && r->arg[1] != CB_PRIM_NONE)
		return fail(CB_HC_EINVAL, why, wl, "unknown primitive %" PRIu64, r->arg[1]);
	if (r->arg[2] > UINT32_MAX)
		return fail(CB_HC_EINVAL, why, wl, "rep %" PRIu64 " does not fit 32 bits", r->arg[2]);
	r->u.begin.phase = (uint32_t)r->arg[0];
	r->u.begin.prim = (uint32_t)r->arg[1];
	r->u.begin.rep = (uint32_t)r->arg[2];
	return CB_HC_OK;
}

static int decode_end(const struct gmem *m, struct hc_req *r, char *why, size_t wl)
{
	struct cb_phase_record *rec = &r->u.end.rec;
	if (r->arg[0] >= CB_PHASE_COUNT)
		return fail(CB_HC_EINVAL, why, wl, "unknown phase %" PRIu64, r->arg[0]);
	if (r->arg[2] != sizeof(*rec))
		return fail(CB_HC_EINVAL, why, wl, "phase record size %" PRIu64 ", expected %zu",
			    r->arg[2], sizeof(*rec));
	if (gmem_read(m, r->arg[1], rec, sizeof(*rec)) < 0)
		return range_fault(m, "phase record", r->arg[1], sizeof(*rec), why, wl);
	if (rec->size != sizeof(*rec))
		return fail(CB_HC_EINVAL, why, wl, "phase record says its size is %u, expected %zu",
			    rec->size, sizeof(*rec));
	if (rec->phase != r->arg[0])
		return fail(CB_HC_EINVAL, why, wl, "phase record is for phase %u, the call ends %" PRIu64,
			    rec->phase, r->arg[0]);
	r->u.end.phase = (uint32_t)r->arg[0];
	return CB_HC_OK;
}

static int decode_result(const struct gmem *m, struct hc_req *r, char *why, size_t wl)
{
	uint64_t gpa = r->arg[0], len = r->arg[1];
	if (len == 0 || len > CB_HC_NAME_MAX)
		return fail(CB_HC_EINVAL, why, wl, "result name of %" PRIu64 " bytes (1..%u)", len,
			    CB_HC_NAME_MAX);
	char *name = r->u.result.name;
	if (gmem_read(m, gpa, name, len) < 0)
		return range_fault(m, "result name", gpa, len, why, wl);
	name[len] = '\0';
	for (uint64_t i = 0; i < len; i++)
		if (!name_char_ok(name[i]))
			return fail(CB_HC_EINVAL, why, wl,
				    "result name has byte 0x%02x at %" PRIu64 " (only [a-z0-9_])",
				    (unsigned char)name[i], i);
	r->u.result.value = r->arg[2];
	return CB_HC_OK;
}

int hc_decode(const struct gmem *m, uint64_t gpa, struct hc_req *r, bool *ret_writable,
	      char *why, size_t wl)
{
	struct cb_hcall hc;
	memset(r, 0, offsetof(struct hc_req, u));
	*ret_writable = false;
	if (gmem_read(m, gpa, &hc, sizeof(hc)) < 0)
		return range_fault(m, "hypercall struct", gpa, sizeof(hc), why, wl);
	*ret_writable = true;
	if (hc.magic != CB_HC_MAGIC)
		return fail(CB_HC_EINVAL, why, wl, "bad magic 0x%08x", hc.magic);
	if (hc.version != CB_ABI_VERSION)
		return fail(CB_HC_EINVAL, why, wl, "ABI version %u, this VMM speaks %u", hc.version,
			    CB_ABI_VERSION);
	if (hc.size != sizeof(hc))
		return fail(CB_HC_EINVAL, why, wl, "struct size %u, expected %zu", hc.size,
			    sizeof(hc));
	r->op = hc.op;
	memcpy(r->arg, hc.arg, sizeof(r->arg));
	switch (hc.op) {
	case CB_HC_CONSOLE: return decode_console(m, r, why, wl);
	case CB_HC_PHASE_BEGIN: return decode_begin(r, why, wl);
	case CB_HC_PHASE_END: return decode_end(m, r, why, wl);
	case CB_HC_RESULT: return decode_result(m, r, why, wl);
	case CB_HC_EXIT:
		r->u.exit.status = hc.arg[0];
		return CB_HC_OK;
	}
	return fail(CB_HC_EINVAL, why, wl, "unknown op %u", hc.op);
}

int hc_write_ret(const struct gmem *m, uint64_t gpa, int32_t ret)
{
	if (!gmem_range_ok(m, gpa, sizeof(struct cb_hcall)))
		return -1;
	return gmem_write(m, gpa + offsetof(struct cb_hcall, ret), &ret, sizeof(ret));
}
