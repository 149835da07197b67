#include "host_pattern.h"

#include <stdlib.h>
#include <string.h>

#include "cb.h"
#include "host_rand.h"

const char *const host_writer_names[HOST_WRITER_COUNT + 1] = {HOST_WRITERS(HOST_NAME_) NULL};
const char *const host_pattern_names[HOST_PATTERN_COUNT + 1] = {HOST_PATTERNS(HOST_NAME_) NULL};

#define SPARSE_PAGES (HOST_SPARSE_STRIDE / 4096)

uint64_t host_pattern_capacity(enum host_pattern p, uint64_t bytes)
{
	return p == HOST_PATTERN_SPARSE ? bytes / HOST_SPARSE_STRIDE : bytes / 4096;
}

/* n distinct values below `pages`, uniform, in draw order.  Few of many:
 * rejection against a bitmap; many: a partial Fisher-Yates shuffle, which
 * never rejects. */
static void draw_distinct(uint64_t pages, uint64_t n, uint64_t seed, uint32_t *out)
{
	uint64_t s = seed;
	if (n <= pages / 2) {
		uint64_t *seen = cb_xcalloc(pages / 64 + 1, sizeof(*seen));
		for (uint64_t k = 0; k < n;) {
			uint64_t v = host_rand_below(&s, pages);
			if (seen[v / 64] >> (v % 64) & 1)
				continue;
			seen[v / 64] |= 1ull << (v % 64);
			out[k++] = (uint32_t)v;
		}
		free(seen);
		return;
	}
	uint32_t *all = cb_xmalloc(pages * sizeof(*all));
	for (uint64_t i = 0; i < pages; i++)
		all[i] = (uint32_t)i;
	for (uint64_t k = 0; k < n; k++) {
		uint64_t j = k + host_rand_below(&s, pages - k);
		uint32_t t = all[k];
		all[k] = all[j];
		all[j] = t;
		out[k] = all[k];
	}
	free(all);
}

void host_pattern_pages(enum host_pattern p, uint64_t bytes, uint64_t n, uint64_t seed,
			uint32_t *out)
{
	switch (p) {
	case HOST_PATTERN_SPARSE:
		for (uint64_t i = 0; i < n; i++)
			out[i] = (uint32_t)(i * SPARSE_PAGES);
		return;
	case HOST_PATTERN_RANDOM:
		draw_distinct(bytes / 4096, n, seed, out);
		return;
	default:
		for (uint64_t i = 0; i < n; i++)
			out[i] = (uint32_t)i;
		return;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

size_t host_pattern_blocks(const uint32_t *pages, size_t n, uint64_t unit_pages, uint32_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint32_t)(pages[i] / unit_pages);
	qsort(out, n, sizeof(*out), cmp_u32);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || out[k - 1] != out[i])
			out[k++] = out[i];
	return k;
}

uint64_t host_pattern_blocks_max(enum host_pattern p, uint64_t bytes, uint64_t n,
				 uint64_t unit_pages)
{
	uint64_t pages = bytes / 4096, blocks = (pages + unit_pages - 1) / unit_pages;
	uint64_t v;
	switch (p) {
	case HOST_PATTERN_SPARSE:
		/* one write per 2 MiB: each in a block of its own when blocks
		 * are no larger, else 2 MiB strides share a block */
		v = unit_pages <= SPARSE_PAGES ? n : (n * SPARSE_PAGES + unit_pages - 1) / unit_pages;
		break;
	case HOST_PATTERN_RANDOM:
		v = n;
		break;
	default:
		v = (n + unit_pages - 1) / unit_pages;
		break;
	}
	return v < blocks ? v : blocks;
}

uint64_t host_pattern_seed(uint64_t run_seed, const char *config_name)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (const char *c = config_name; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ull;
	uint64_t s = run_seed ^ h;
	return host_rand_next(&s);
}
