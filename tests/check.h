/* A minimal test harness: each test file is one program that runs its
 * checks, prints every failure with file:line, and exits 1 if any failed.
 * A test whose precondition is missing (no /dev/kvm, no hugepages, no QEMU)
 * calls SKIP(), which prints the reason and exits 77: ctest reports it as
 * skipped, never as passed. */
#ifndef COWBENCH_CHECK_H
#define COWBENCH_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		check_count++;                                                       \
		if (!(cond)) {                                                       \
			check_failures++;                                            \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
				#cond);                                              \
		}                                                                    \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                           \
	do {                                                                         \
		uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);                     \
		check_count++;                                                       \
		if (_a != _b) {                                                      \
			check_failures++;                                            \
			fprintf(stderr, "%s:%d: %s == %s failed: %" PRIu64 " != %" PRIu64 "\n", \
				__FILE__, __LINE__, #a, #b, _a, _b);                 \
		}                                                                    \
	} while (0)

#define CHECK_NEAR(a, b, tol)                                                        \
	do {                                                                         \
		double _a = (double)(a), _b = (double)(b);                           \
		check_count++;                                                       \
		if (!(fabs(_a - _b) <= (tol))) {                                     \
			check_failures++;                                            \
			fprintf(stderr, "%s:%d: %s ~= %s failed: %.12g vs %.12g (tol %g)\n", \
				__FILE__, __LINE__, #a, #b, _a, _b, (double)(tol));  \
		}                                                                    \
	} while (0)

#define CHECK_STR(a, b)                                                              \
	do {                                                                         \
		const char *_a = (a), *_b = (b);                                     \
		check_count++;                                                       \
		if (!_a || !_b || strcmp(_a, _b) != 0) {                             \
			check_failures++;                                            \
			fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", \
				__FILE__, __LINE__, #a, #b, _a ? _a : "(null)",      \
				_b ? _b : "(null)");                                 \
		}                                                                    \
	} while (0)

#define SKIP(...)                                                                    \
	do {                                                                         \
		printf("SKIP: ");                                                    \
		printf(__VA_ARGS__);                                                 \
		printf("\n");                                                        \
		exit(77);                                                            \
	} while (0)

static inline int check_done(void)
{
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
