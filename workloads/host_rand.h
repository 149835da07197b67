/* The sweep's one random stream: splitmix64 (Steele, Lea & Flood 2014),
 * for the rounds' order and the random write pattern.  Every seed, even 0,
 * gives a well-mixed stream, and one stream per purpose needs no state
 * carried between them. */
#ifndef COWBENCH_HOST_RAND_H
#define COWBENCH_HOST_RAND_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t host_rand_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias (Lemire's rejection). */
static inline uint64_t host_rand_below(uint64_t *s, uint64_t n)
{
	uint64_t limit = -n % n; /* 2^64 mod n */
	for (;;) {
		uint64_t r = host_rand_next(s);
		unsigned __int128 m = (unsigned __int128)r * n;
		if ((uint64_t)m >= limit)
			return (uint64_t)(m >> 64);
	}
}

#endif
