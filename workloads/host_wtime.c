#include "host_wtime.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#define SAMPLES 2001

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The median of SAMPLES empty intervals, in ticks of t. */
static double overhead_ticks(const struct host_wtime *t)
{
	static uint64_t d[SAMPLES];
	for (int i = 0; i < SAMPLES; i++) {
		uint64_t a = host_wtime_now(t);
		uint64_t b = host_wtime_now(t);
		d[i] = b - a;
	}
	qsort(d, SAMPLES, sizeof(*d), cmp_u64);
	return (double)d[SAMPLES / 2];
}

static bool tsc_qualifies(char *why, size_t len)
{
#if defined(__x86_64__)
	unsigned a, b, c, d;
	if (!__get_cpuid(0x80000007, &a, &b, &c, &d) || !(d & (1u << 8))) {
		snprintf(why, len, "the TSC is not invariant (CPUID 0x80000007 EDX bit 8)");
		return false;
	}
	char *cs = cb_read_text("/sys/devices/system/clocksource/clocksource0/current_clocksource");
	bool ok = cs && !strcmp(cs, "tsc");
	if (!ok)
		snprintf(why, len, "the kernel keeps time with %s, not the TSC", cs ? cs : "an unknown clock");
	free(cs);
	return ok;
#else
	snprintf(why, len, "no TSC on this architecture");
	return false;
#endif
}

void host_wtime_init(struct host_wtime *t)
{
	memset(t, 0, sizeof(*t));
	t->ns_per_tick = 1;
	t->clock_overhead_ns = overhead_ticks(t);
	t->tsc_overhead_ns = NAN;
	char why[128];
	if (!tsc_qualifies(why, sizeof(why))) {
		snprintf(t->why, sizeof(t->why), "CLOCK_MONOTONIC_RAW: %s", why);
		return;
	}
	struct host_wtime tsc = {.tsc = true};
	uint64_t n0 = cb_now_ns(), c0 = host_wtime_now(&tsc);
	while (cb_now_ns() - n0 < 20000000)
		;
	uint64_t n1 = cb_now_ns(), c1 = host_wtime_now(&tsc);
	tsc.ns_per_tick = (double)(n1 - n0) / (double)(c1 - c0);
	t->tsc_overhead_ns = overhead_ticks(&tsc) * tsc.ns_per_tick;
	if (t->tsc_overhead_ns > t->clock_overhead_ns) {
		snprintf(t->why, sizeof(t->why), "CLOCK_MONOTONIC_RAW: it costs %.0f ns, the TSC %.0f ns",
			 t->clock_overhead_ns, t->tsc_overhead_ns);
		return;
	}
	t->tsc = true;
	t->ns_per_tick = tsc.ns_per_tick;
	snprintf(t->why, sizeof(t->why),
		 "TSC at %.4f GHz: invariant, the kernel's clocksource, %.0f ns a read pair "
		 "(the clock: %.0f ns)", 1 / t->ns_per_tick, t->tsc_overhead_ns, t->clock_overhead_ns);
}
