/* Freestanding helpers shared by the guest kernel and its user programs. */
#ifndef GUEST_GLIB_H
#define GUEST_GLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* printf subset: %s %c %d %u %x %p with l/ll, width and 0-padding. */
int g_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int g_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The boot command line: space-separated key=value words, not
 * NUL-terminated.  Returns 1 and the value's span when key is present. */
int args_find(const char *args, size_t len, const char *key, const char **val, size_t *vlen);
/* Parses a decimal value of key; returns def when absent, and sets *bad
 * when present but malformed. */
uint64_t args_u64(const char *args, size_t len, const char *key, uint64_t def, int *bad);
/* 1 if the span equals the string. */
int span_eq(const char *s, size_t n, const char *lit);

#endif
