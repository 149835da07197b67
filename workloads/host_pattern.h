/* Who writes and where: the writer and pattern dimensions' names, and the
 * pages a pattern writes.  Pure: the tests check the page lists without
 * touching memory. */
#ifndef COWBENCH_HOST_PATTERN_H
#define COWBENCH_HOST_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#include "host_dims.h"

#define HOST_WRITER_ENUM_(E, name) HOST_WRITER_##E,
enum host_writer { HOST_WRITERS(HOST_WRITER_ENUM_) HOST_WRITER_COUNT };
#undef HOST_WRITER_ENUM_
#define HOST_PATTERN_ENUM_(E, name) HOST_PATTERN_##E,
enum host_pattern { HOST_PATTERNS(HOST_PATTERN_ENUM_) HOST_PATTERN_COUNT };
#undef HOST_PATTERN_ENUM_

/* NULL-terminated, for parse_name_list. */
extern const char *const host_writer_names[HOST_WRITER_COUNT + 1];
extern const char *const host_pattern_names[HOST_PATTERN_COUNT + 1];

/* sparse writes one page per this many bytes: the 2 MiB of an x86 PMD. */
#define HOST_SPARSE_STRIDE (2ull << 20)

/* The most 4 KiB pages pattern p can write in a region of `bytes`: all of
 * them, or for sparse one per whole 2 MiB. */
uint64_t host_pattern_capacity(enum host_pattern p, uint64_t bytes);

/* The n (<= capacity) 4 KiB pages p writes, as page indices into the
 * region, in the order they are written: dense 0, 1, 2...; sparse 0, 512,
 * 1024...; random n distinct pages drawn uniformly from the stream seeded
 * by `seed`, in the order drawn. */
void host_pattern_pages(enum host_pattern p, uint64_t bytes, uint64_t n, uint64_t seed,
			uint32_t *out);

/* The distinct blocks of unit_pages pages (a power of two) that pages[0..n)
 * fall in, as block indices, ascending, into out (n entries at most);
 * returns how many. */
size_t host_pattern_blocks(const uint32_t *pages, size_t n, uint64_t unit_pages, uint32_t *out);

/* The most such blocks pattern p's n writes can fall in, without drawing
 * them (what a hugepage pool must hold for the copies). */
uint64_t host_pattern_blocks_max(enum host_pattern p, uint64_t bytes, uint64_t n,
				 uint64_t unit_pages);

/* The seed of a configuration's random pages: the run's seed mixed with a
 * name of the configuration, so the pages are the same in every round and
 * after --resume, and differ between configurations. */
uint64_t host_pattern_seed(uint64_t run_seed, const char *config_name);

#endif
