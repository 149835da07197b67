/* Hypercall decoding: a pure function from guest memory to a validated
 * request.  The struct cb_hcall and everything it points to are copied
 * out of guest memory once and validated on the copy, so a guest changing
 * them underneath (another vCPU, a DMA) cannot pass one check and then
 * use a different value. */
#ifndef COWBENCH_VM_HCALL_H
#define COWBENCH_VM_HCALL_H

#include <stdbool.h>
#include <stddef.h>

#include "cb_abi.h"
#include "vm_gmem.h"

struct hc_req {
	uint16_t op;
	uint64_t arg[4];
	union {
		struct {
			uint32_t len;
			char text[CB_HC_CONSOLE_MAX];
		} console;
		struct {
			uint32_t phase, prim, rep;
		} begin;
		struct {
			uint32_t phase;
			struct cb_phase_record rec;
		} end;
		struct {
			char name[CB_HC_NAME_MAX + 1]; /* NUL-terminated */
			uint64_t value;
		} result;
		struct {
			uint64_t status;
		} exit;
	} u;
};

/* Decodes the struct cb_hcall at gpa.  Returns CB_HC_OK, CB_HC_EINVAL
 * (bad magic, version, size, op, length, enum value, name) or CB_HC_EFAULT
 * (a range outside guest RAM), with the reason in why.  *ret_writable says
 * whether the struct itself lies in RAM, i.e. whether `ret` can be written
 * back. */
int hc_decode(const struct gmem *m, uint64_t gpa, struct hc_req *req, bool *ret_writable,
	      char *why, size_t why_len);
/* Writes `ret` of the struct at gpa; -1 when the struct is outside RAM. */
int hc_write_ret(const struct gmem *m, uint64_t gpa, int32_t ret);

/* "console", "phase_begin", ...; "?" for unknown ops. */
const char *hc_op_name(uint32_t op);
/* "OK", "EINVAL", "EFAULT". */
const char *hc_ret_name(int ret);

#endif
