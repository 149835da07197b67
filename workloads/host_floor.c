#include "host_floor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anonmem.h"
#include "cache.h"

#define MIB (1024ull * 1024)
/* 4 KiB copies are timed in batches: one copy is close to the clock's own
 * cost, 64 of them are not. */
#define BATCH_4K 64

const char *const host_floor_names[HOST_FLOOR_COUNT] = {
	[HOST_FLOOR_MEMCPY_BPS] = "memcpy_bytes_per_s",
	[HOST_FLOOR_COPY_4K] = "copy_4k_ns",
	[HOST_FLOOR_COPY_2M] = "copy_2m_ns",
};

struct floor_ctx {
	char *src, *dst;
	uint64_t bytes;
	uint64_t rng;
};

static uint64_t next_rand(struct floor_ctx *c)
{
	/* xorshift64: any spread will do, it only has to defeat caches. */
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return c->rng;
}

static double sample_memcpy(struct floor_ctx *c)
{
	uint64_t t0 = cb_now_ns();
	memcpy(c->dst, c->src, c->bytes);
	uint64_t t1 = cb_now_ns();
	return (double)c->bytes * 1e9 / (double)(t1 - t0);
}

/* A COW fault copies a page the parent has not touched lately (cold; the
 * sweep evicts it before each sample too) into a page the allocator just
 * recycled from the previous child (usually still cached).  So the source
 * is flushed and the destination is a small, reused, warm area. */
static double sample_copy_4k(struct floor_ctx *c)
{
	uint64_t pages = c->bytes / 4096, idx[BATCH_4K];
	for (int i = 0; i < BATCH_4K; i++) {
		idx[i] = next_rand(c) % pages;
		cache_flush(c->src + idx[i] * 4096, 4096);
	}
	uint64_t t0 = cb_now_ns();
	for (int i = 0; i < BATCH_4K; i++)
		memcpy(c->dst + i * 4096, c->src + idx[i] * 4096, 4096);
	uint64_t t1 = cb_now_ns();
	return (double)(t1 - t0) / BATCH_4K;
}

static double sample_copy_2m(struct floor_ctx *c)
{
	uint64_t off = next_rand(c) % (c->bytes / (2 * MIB)) * 2 * MIB;
	cache_flush(c->src + off, 2 * MIB);
	uint64_t t0 = cb_now_ns();
	memcpy(c->dst, c->src + off, 2 * MIB);
	uint64_t t1 = cb_now_ns();
	return (double)(t1 - t0);
}

static double (*const samplers[HOST_FLOOR_COUNT])(struct floor_ctx *) = {
	[HOST_FLOOR_MEMCPY_BPS] = sample_memcpy,
	[HOST_FLOOR_COPY_4K] = sample_copy_4k,
	[HOST_FLOOR_COPY_2M] = sample_copy_2m,
};

int host_floor_measure(struct host_floor *f, const struct host_adapt *a, cb_error *e)
{
	memset(f, 0, sizeof(*f));
	/* Beyond the last-level cache: at least twice it, and 256 MiB.  At
	 * most 1 GiB: an EPYC reports its whole socket's L3 (256 MiB), of
	 * which one core reaches one CCX's 32 MiB, and the 2 GiB buffers 8x
	 * that once asked for took 13 s to populate on a fresh cloud VM. */
	long llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
	uint64_t bytes = 256 * MIB;
	if (llc > 0 && (uint64_t)llc * 2 > bytes)
		bytes = ((uint64_t)llc * 2 + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
	if (bytes > 1024 * MIB)
		bytes = 1024 * MIB;
	/* 4 KiB pages, as the COW faults being compared against copy. */
	struct anon_mem src, dst = {0};
	cb_error why;
	if (anon_mem_map(&src, MEM_4K, bytes, &why) < 0 || anon_mem_populate(&src, &why) < 0 ||
	    anon_mem_map(&dst, MEM_4K, bytes, &why) < 0 || anon_mem_populate(&dst, &why) < 0) {
		cb_error_set(e, "cannot map two %llu MiB copy buffers: %s",
			     (unsigned long long)(bytes / MIB), why.msg);
		anon_mem_unmap(&src);
		anon_mem_unmap(&dst);
		return -1;
	}
	struct floor_ctx c = {.src = (char *)src.base, .dst = (char *)dst.base, .bytes = bytes,
			      .rng = 0x9e3779b97f4a7c15ull};
	memset(c.src, 0x5a, bytes);
	f->buf_bytes = bytes;
	double *x = cb_xcalloc(a->max_reps, sizeof(*x));
	for (int m = 0; m < HOST_FLOOR_COUNT; m++) {
		samplers[m](&c); /* warm-up: code, TLB */
		size_t n = 0;
		uint64_t start = cb_now_ns();
		enum host_stop stop = HOST_STOP_NONE;
		while (stop == HOST_STOP_NONE) {
			x[n++] = samplers[m](&c);
			stop = host_adapt_decide_once(a, x, n, cb_now_ns() - start);
		}
		stats_summarize(x, n, &f->s[m]);
		f->stop[m] = stop;
	}
	free(x);
	anon_mem_unmap(&src);
	anon_mem_unmap(&dst);
	f->measured = true;
	return 0;
}

double host_floor_median(const struct host_floor *f, enum host_floor_metric m)
{
	return f && f->measured ? f->s[m].median : NAN;
}
