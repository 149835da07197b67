#include <stdarg.h>

#include "usys.h"

void uprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = g_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sys_console(buf, n < (int)sizeof(buf) ? (uint64_t)n : sizeof(buf) - 1);
}

_Noreturn void child_dirty_and_exit(unsigned prim, unsigned rep, uint8_t *base, uint64_t dirty,
				    const volatile uint8_t *unchanged, uint8_t want)
{
	sys_phase_begin(CB_PHASE_DIRTY, prim, rep);
	uint64_t t0 = rdtsc();
	for (uint64_t i = 0; i < dirty; i++)
		base[i * 4096] = CHILD_MARK;
	uint64_t t1 = rdtsc();
	sys_phase_end(CB_PHASE_DIRTY, t1 - t0);
	if (unchanged && *unchanged != want) {
		uprintf("child: rep %u reads %x where its parent wrote after the fork: the "
			"parent's write reached the child (COW broken)\n", rep, *unchanged);
		sys_exit(2);
	}
	sys_phase_begin(CB_PHASE_REAP, prim, rep);
	SHARED->t_exit = rdtsc();
	sys_exit(0);
}
