#include "cache.h"

#include <stdint.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

static __attribute__((target("clflushopt"))) void flush_opt(const char *p, size_t len)
{
	for (size_t off = 0; off < len; off += 64)
		_mm_clflushopt((void *)(p + off));
	_mm_sfence();
}

static void flush_plain(const char *p, size_t len)
{
	for (size_t off = 0; off < len; off += 64)
		_mm_clflush(p + off);
	_mm_mfence();
}

static int has_clflushopt(void)
{
	static int cached = -1;
	if (cached < 0) {
		unsigned a, b, c, d;
		/* CPUID.(EAX=7,ECX=0):EBX bit 23 */
		cached = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 23 & 1);
	}
	return cached;
}

void cache_flush(const void *p, size_t len)
{
	const char *start = (const char *)((uintptr_t)p & ~(uintptr_t)63);
	len += (size_t)((const char *)p - start);
	if (has_clflushopt())
		flush_opt(start, len);
	else
		flush_plain(start, len);
}
#else
void cache_flush(const void *p, size_t len)
{
	(void)p;
	(void)len;
}
#endif
