#include "nofork.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cb.h"

/* Address space only (4 GiB): pages are used as blocks are touched.  The
 * largest size class is the arena itself. */
#define MAX_SHIFT 32
#define ARENA_BYTES ((size_t)1 << MAX_SHIFT)
#define MIN_SHIFT 6
/* Before each block: its size class, keeping the block 16-byte aligned. */
#define HEAD 16

static char *arena; /* NULL: not set up yet; MAP_FAILED: unavailable */
static size_t used;
static void *free_list[MAX_SHIFT + 1];

static bool arena_ready(void)
{
	if (!arena) {
		arena = mmap(NULL, ARENA_BYTES, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (arena != MAP_FAILED && madvise(arena, ARENA_BYTES, MADV_DONTFORK) < 0) {
			munmap(arena, ARENA_BYTES);
			arena = MAP_FAILED;
		}
	}
	return arena != MAP_FAILED;
}

bool nofork_owns(const void *p)
{
	return p && arena && arena != MAP_FAILED && (const char *)p >= arena &&
	       (const char *)p < arena + ARENA_BYTES;
}

static unsigned class_of(size_t bytes)
{
	unsigned s = MIN_SHIFT;
	while (s < MAX_SHIFT && ((size_t)1 << s) < bytes + HEAD)
		s++;
	return s;
}

static size_t block_bytes(const void *p)
{
	return ((size_t)1 << *(const uint32_t *)((const char *)p - HEAD)) - HEAD;
}

/* A block of class s, or NULL when the arena cannot give one. */
static void *take(unsigned s)
{
	if (free_list[s]) {
		void *p = free_list[s];
		memcpy(&free_list[s], p, sizeof(void *));
		return p;
	}
	size_t size = (size_t)1 << s;
	if (!arena_ready() || used + size > ARENA_BYTES)
		return NULL;
	char *b = arena + used;
	used += size;
	*(uint32_t *)b = s;
	return b + HEAD;
}

void nofork_free(void *p)
{
	if (!p)
		return;
	if (!nofork_owns(p)) {
		free(p);
		return;
	}
	unsigned s = *(uint32_t *)((char *)p - HEAD);
	memcpy(p, &free_list[s], sizeof(void *));
	free_list[s] = p;
}

void *nofork_realloc(void *p, size_t bytes)
{
	if (p && !nofork_owns(p))
		return cb_xrealloc(p, bytes); /* it came from malloc: it stays there */
	if (p && bytes <= block_bytes(p))
		return p;
	unsigned s = class_of(bytes);
	void *q = (size_t)1 << s >= bytes + HEAD ? take(s) : NULL;
	if (!q) {
		q = cb_xmalloc(bytes ? bytes : 1);
	}
	if (p) {
		memcpy(q, p, block_bytes(p));
		nofork_free(p);
	}
	return q;
}

struct stream {
	char **buf;
	size_t *len;
	size_t cap;
};

static ssize_t stream_write(void *cookie, const char *data, size_t size)
{
	struct stream *st = cookie;
	size_t len = *st->len;
	if (len + size + 1 > st->cap) {
		size_t cap = st->cap ? st->cap : 4096;
		while (cap < len + size + 1)
			cap *= 2;
		*st->buf = nofork_realloc(*st->buf, cap);
		st->cap = cap;
	}
	memcpy(*st->buf + len, data, size);
	*st->len = len + size;
	(*st->buf)[*st->len] = '\0';
	return (ssize_t)size;
}

static int stream_close(void *cookie)
{
	free(cookie);
	return 0;
}

FILE *nofork_memstream(char **buf, size_t *len)
{
	struct stream *st = cb_xcalloc(1, sizeof(*st));
	st->buf = buf;
	st->len = len;
	*buf = NULL;
	*len = 0;
	/* An empty stream still has a (NUL-terminated) buffer, as
	 * open_memstream's does. */
	stream_write(st, "", 0);
	FILE *fp = fopencookie(st, "w", (cookie_io_functions_t){
						.write = stream_write,
						.close = stream_close,
					});
	if (!fp) {
		nofork_free(*buf);
		*buf = NULL;
		free(st);
	}
	return fp;
}
