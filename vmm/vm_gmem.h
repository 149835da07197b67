/* A view of guest RAM: host address and size, contiguous from gpa 0.
 *
 * Every guest-supplied (gpa, len) goes through gmem_range_ok before any
 * access.  The check is written so that no sum can wrap: gpa + len is
 * never computed, len is compared against size first and gpa against
 * size - len. */
#ifndef COWBENCH_VM_GMEM_H
#define COWBENCH_VM_GMEM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct gmem {
	uint8_t *hva;
	uint64_t size;
	/* RAM fresh from mmap is already zero: writing zeros into it would
	 * only populate host pages that a lazily backed run wants untouched. */
	bool zeroed;
};

static inline bool gmem_range_ok(const struct gmem *m, uint64_t gpa, uint64_t len)
{
	return len <= m->size && gpa <= m->size - len;
}

/* Copies guest bytes out; -1 when the range is not inside RAM. */
static inline int gmem_read(const struct gmem *m, uint64_t gpa, void *dst, uint64_t len)
{
	if (!gmem_range_ok(m, gpa, len))
		return -1;
	memcpy(dst, m->hva + gpa, len);
	return 0;
}

static inline int gmem_write(const struct gmem *m, uint64_t gpa, const void *src, uint64_t len)
{
	if (!gmem_range_ok(m, gpa, len))
		return -1;
	memcpy(m->hva + gpa, src, len);
	return 0;
}

static inline int gmem_zero(const struct gmem *m, uint64_t gpa, uint64_t len)
{
	if (!gmem_range_ok(m, gpa, len))
		return -1;
	if (!m->zeroed)
		memset(m->hva + gpa, 0, len);
	return 0;
}

#endif
