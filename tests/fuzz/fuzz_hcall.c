/* The hypercall decoder: the input's first 4 bytes are the gpa the guest
 * writes to the port, the rest is guest RAM (a 64 KiB guest, so pointers
 * land inside and outside it). */
#include <string.h>

#include "fuzz.h"
#include "vm_hcall.h"

static uint8_t ram[64u << 10];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	uint32_t gpa;
	memcpy(&gpa, data, 4);
	size_t n = size - 4 < sizeof(ram) ? size - 4 : sizeof(ram);
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data + 4, n);
	struct gmem m = {ram, sizeof(ram), false};
	struct hc_req r;
	bool writable = false;
	char why[256];
	int ret = hc_decode(&m, gpa, &r, &writable, why, sizeof(why));
	if (writable)
		hc_write_ret(&m, gpa, ret);
	if (ret == CB_HC_OK && r.op == CB_HC_CONSOLE && r.u.console.len > CB_HC_CONSOLE_MAX)
		__builtin_trap(); /* the decoder promised a bounded length */
	return 0;
}
