/* The exit handler fed a sequence of synthetic exits, as the VMM's run
 * loop would, with the boot's quotas on and a result store behind the
 * hooks.  Input: a 2-byte header (RAM image length; its top bit sends the
 * console to /dev/null as with --verbose), that many bytes of guest RAM,
 * then 24-byte exits: reason selector, direction, port selector, size,
 * count, data offset, 8 data bytes, a raw port and 2 spare bytes. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "vm_exit.h"
#include "vm_store.h"

#define RAM (64u << 10)
#define RUN_SIZE 4096u

static uint8_t ram[RAM];
static union {
	struct kvm_run run;
	uint8_t bytes[RUN_SIZE];
} rb;

static const uint32_t reasons[] = {
	KVM_EXIT_IO, KVM_EXIT_IO, KVM_EXIT_IO, KVM_EXIT_IO, KVM_EXIT_MMIO, KVM_EXIT_HLT,
	KVM_EXIT_SHUTDOWN, KVM_EXIT_FAIL_ENTRY, KVM_EXIT_INTERNAL_ERROR, KVM_EXIT_INTR,
	KVM_EXIT_UNKNOWN, KVM_EXIT_DEBUG, 0xffffu,
};
static const uint16_t ports[] = {CB_HC_PORT, CB_DEBUGCON_PORT, CB_DEBUG_EXIT_PORT};

struct harness {
	struct vm_store st;
	uint32_t boot;
};

static void on_end(void *u, unsigned depth, const struct cb_phase_record *rec, const uint64_t *d)
{
	struct harness *h = u;
	(void)depth;
	size_t first = h->st.nstats;
	vm_store_add_stat(&h->st, VM_SRC_VMM, 0, 0, 0, (int64_t)d[VM_CTR_EXITS]);
	vm_store_add_phase(&h->st, h->boot, rec, first, d[VM_CTR_HC], d[VM_CTR_EXITS]);
}

static void on_result(void *u, const char *name, uint64_t value)
{
	struct harness *h = u;
	vm_store_add_result(&h->st, h->boot, name, value);
}

static const struct vm_exit_hooks hooks = {.phase_end = on_end, .result = on_result};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	uint16_t hdr;
	memcpy(&hdr, data, 2);
	size_t ram_len = hdr & 0x7fff;
	data += 2;
	size -= 2;
	if (ram_len > size)
		ram_len = size;
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data, ram_len);
	data += ram_len;
	size -= ram_len;

	struct harness h;
	vm_store_init(&h.st);
	struct vm_config cfg = {0};
	h.boot = vm_store_add_boot(&h.st, &cfg);
	struct vm_console con;
	vm_console_init(&con, (hdr & 0x8000) ? devnull : NULL);
	struct vm_exit_ctx x;
	struct gmem m = {ram, RAM, false};
	vm_exit_init(&x, &m, RUN_SIZE, &con, &hooks, &h);
	struct vm_quota q = vm_quota_plan(2, 2);
	x.quota = &q;
	for (; size >= 24; data += 24, size -= 24) {
		memset(&rb, 0, sizeof(rb));
		struct kvm_run *run = &rb.run;
		uint32_t count, off;
		uint16_t raw_port;
		memcpy(&count, data + 4, 4);
		memcpy(&off, data + 8, 4);
		memcpy(&raw_port, data + 20, 2);
		run->exit_reason = reasons[data[0] % CB_ARRAY_SIZE(reasons)];
		if (data[0] & 0x80)
			atomic_store(&x.timed_out, true);
		run->io.direction = data[1] & 1;
		run->io.port = data[2] % 4 < 3 ? ports[data[2] % 4] : raw_port;
		run->io.size = data[3];
		run->io.count = count;
		run->io.data_offset = off;
		/* The data where the exit says it is, when that is inside kvm_run
		 * (the handler must refuse it otherwise). */
		if (off < RUN_SIZE - 8)
			memcpy(rb.bytes + off, data + 12, 8);
		/* The union's other members share these bytes: set them only for
		 * the exit that reads them. */
		if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
			run->internal.suberror = count;
			run->internal.ndata = off;
		}
		if (vm_exit_handle(&x, run) != VM_CONTINUE)
			break;
	}
	vm_console_fini(&con);
	vm_store_free(&h.st);
	return 0;
}
