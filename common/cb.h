/* cowbench common helpers: errors, exit codes, clocks.
 *
 * Every user-facing failure is one line, "cowbench: <what>: <why>", and an
 * exit status that tells a CI script what happened:
 *   0  success
 *   1  the run failed (a guest misbehaved, a measurement broke) or, for
 *      compare, a significant regression was found
 *   2  bad input: options, files, environment that cannot work
 */
#ifndef COWBENCH_CB_H
#define COWBENCH_CB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum { CB_EXIT_OK = 0, CB_EXIT_FAIL = 1, CB_EXIT_USAGE = 2, CB_EXIT_SKIP = 77 };

/* Libraries report errors through a cb_error; callers decide how to print. */
typedef struct {
	char msg[512];
} cb_error;

void cb_error_set(cb_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends ": strerror(errno)" to a formatted message. */
void cb_error_errno(cb_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "cowbench: <what>: <why>" and exits with status. */
_Noreturn void cb_die(int status, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, but with the message of a cb_error as <why>. */
_Noreturn void cb_die_err(int status, const char *what, const cb_error *e);
void cb_warn(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* CLOCK_MONOTONIC_RAW: not slewed by NTP, so short intervals are honest. */
static inline uint64_t cb_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define CB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Saturating arithmetic, for sizes and deadlines a plan or a guest can
 * push past 2^64. */
static inline uint64_t cb_sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static inline uint64_t cb_sat_mul(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

void *cb_xmalloc(size_t n);
void *cb_xcalloc(size_t n, size_t size);
void *cb_xrealloc(void *p, size_t n);
char *cb_xstrdup(const char *s);

/* Reads a whole small text file (sysfs, procfs); NULL when absent.
 * Trailing newline stripped. */
char *cb_read_text(const char *path);
/* Reads a whole file; returns -1 and sets e on failure. */
int cb_read_file(const char *path, void **data, size_t *len, cb_error *e);
/* Reads a regular file of at most max bytes, checked on the descriptor it
 * reads (fstat), never more than max bytes however the file changes in
 * between.  -1 when it cannot be opened (errno kept: ENOENT = missing),
 * -2 when it is not a regular file, is larger, or a read fails. */
int cb_read_file_max(const char *path, size_t max, void **data, size_t *len, cb_error *e);

#endif
