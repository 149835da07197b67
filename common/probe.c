#include "probe.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"

/* Static, so a reading never allocates.  After a fork the parent's first
 * write to these pages takes a write-protect fault; the untimed warm-up
 * pass takes it instead of a timed one. */
static unsigned char mem_src[PROBE_MEM_BYTES] __attribute__((aligned(4096)));
static unsigned char mem_dst[PROBE_MEM_BYTES] __attribute__((aligned(4096)));

/* The loop in assembly where we can, so its cost does not depend on the
 * optimization level the rest of the build uses (the sanitizer build is
 * -O0): two single-cycle dependency chains, one iteration a cycle. */
static __attribute__((noinline)) void cpu_pass(void)
{
	uint64_t n = PROBE_CPU_ITERS, s = 0;
#if defined(__x86_64__)
	__asm__ volatile("1:\n\t"
			 "add %1, %0\n\t"
			 "dec %1\n\t"
			 "jnz 1b"
			 : "+r"(s), "+r"(n)
			 :
			 : "cc");
#else
	for (; n; n--) {
		s += n;
		__asm__ volatile("" : "+r"(s));
	}
#endif
}

static __attribute__((noinline)) void mem_pass(void)
{
	memcpy(mem_dst, mem_src, PROBE_MEM_BYTES);
	/* The copy must happen even though nothing reads mem_dst. */
	__asm__ volatile("" : : "r"(mem_dst) : "memory");
}

static int now(uint64_t *t, cb_error *e)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC_RAW, &ts) != 0) {
		cb_error_errno(e, "clock_gettime(CLOCK_MONOTONIC_RAW)");
		return -1;
	}
	*t = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The median of PROBE_PASSES timed passes; flush_first evicts the copy's
 * source before each pass, outside the timed window. */
static int time_passes(void (*pass)(void), bool flush_first, double *out, cb_error *e)
{
	uint64_t d[PROBE_PASSES];
	pass(); /* warm-up: code, TLB, and the write fault described above */
	for (int i = 0; i < PROBE_PASSES; i++) {
		if (flush_first)
			cache_flush(mem_src, sizeof(mem_src));
		uint64_t t0, t1;
		if (now(&t0, e) < 0)
			return -1;
		pass();
		if (now(&t1, e) < 0)
			return -1;
		d[i] = t1 - t0;
	}
	qsort(d, PROBE_PASSES, sizeof(d[0]), cmp_u64);
	if (d[PROBE_PASSES / 2] == 0) {
		cb_error_set(e, "CLOCK_MONOTONIC_RAW does not advance over a probe pass "
			     "(its resolution is too coarse to time the machine-state probe)");
		return -1;
	}
	*out = (double)d[PROBE_PASSES / 2];
	return 0;
}

int probe_take(struct probe_reading *out, cb_error *e)
{
	static bool filled;
	/* Untouched .bss reads as the kernel's one shared zero page: give
	 * the source pages of their own. */
	if (!filled) {
		memset(mem_src, 0x5a, sizeof(mem_src));
		filled = true;
	}
	out->cpu_ns = out->mem_ns = 0;
	if (time_passes(cpu_pass, false, &out->cpu_ns, e) < 0 ||
	    time_passes(mem_pass, true, &out->mem_ns, e) < 0)
		return -1;
	return 0;
}
