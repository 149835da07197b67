/* The way out: hypercalls to our VMM, or text on QEMU's debugcon. */
#include <stdarg.h>

#include "glib.h"
#include "kernel.h"
#include "x86.h"

/* One request block, below 4 GiB (the kernel is loaded at 1 MiB) so its
 * address fits the 32-bit OUT. */
static volatile struct cb_hcall hc __attribute__((aligned(64)));

int64_t hcall(uint16_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	hc.magic = CB_HC_MAGIC;
	hc.version = CB_ABI_VERSION;
	hc.op = op;
	hc.size = sizeof(struct cb_hcall);
	hc.ret = 0;
	hc.arg[0] = a0;
	hc.arg[1] = a1;
	hc.arg[2] = a2;
	hc.arg[3] = 0;
	outl(CB_HC_PORT, (uint32_t)(uintptr_t)&hc);
	return hc.ret;
}

void console_write(const char *s, size_t n)
{
	if (boot.transport == CB_TRANSPORT_HYPERCALL) {
		while (n) {
			size_t chunk = n < CB_HC_CONSOLE_MAX ? n : CB_HC_CONSOLE_MAX;
			hcall(CB_HC_CONSOLE, (uint64_t)(uintptr_t)s, chunk, 0);
			s += chunk;
			n -= chunk;
		}
		return;
	}
	/* QEMU debugcon: one exit per byte, so callers keep text short. */
	for (size_t i = 0; i < n; i++)
		outb(CB_DEBUGCON_PORT, (uint8_t)s[i]);
}

void kprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = g_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

_Noreturn void guest_exit(int status)
{
	if (boot.transport == CB_TRANSPORT_HYPERCALL) {
		hcall(CB_HC_EXIT, (uint64_t)status, 0, 0);
	} else {
		kprintf("cowbench-exit status=%d\n", status);
		/* isa-debug-exit: QEMU exits with (status << 1) | 1. */
		outw(CB_DEBUG_EXIT_PORT, (uint16_t)status);
	}
	halt_forever();
}

_Noreturn void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = g_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write("guest panic: ", 13);
	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	console_write("\n", 1);
	guest_exit(3);
}

_Noreturn void mm_panic(const char *why, uint64_t a, uint64_t b)
{
	panic("mm: %s (%lx, %lx)", why, a, b);
}
