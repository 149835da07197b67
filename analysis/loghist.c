#include "loghist.h"

#include <math.h>
#include <string.h>

int loghist_bucket(double ns)
{
	if (isnan(ns))
		return -1;
	if (!(ns >= 1))
		return 0;
	double b = floor(log2(ns) * LOGHIST_PER_OCTAVE);
	return b >= LOGHIST_BUCKETS ? LOGHIST_BUCKETS - 1 : (int)b;
}

double loghist_lo(int b)
{
	return exp2((double)b / LOGHIST_PER_OCTAVE);
}

double loghist_hi(int b)
{
	return exp2((double)(b + 1) / LOGHIST_PER_OCTAVE);
}

int loghist_bucket_of_lo(double lo_ns)
{
	if (!(lo_ns >= 1))
		return -1;
	double b = log2(lo_ns) * LOGHIST_PER_OCTAVE;
	long r = lround(b);
	/* a bound printed with 9 significant digits comes back within 1e-7 */
	if (fabs(b - (double)r) > 1e-4 || r < 0 || r >= LOGHIST_BUCKETS)
		return -1;
	return (int)r;
}

void loghist_add_count(struct loghist *h, int b, uint64_t count)
{
	if (b < 0 || b >= LOGHIST_BUCKETS)
		return;
	h->count[b] += count;
	h->n += count;
}

void loghist_add(struct loghist *h, double ns)
{
	loghist_add_count(h, loghist_bucket(ns), 1);
}

void loghist_merge(struct loghist *into, const struct loghist *h)
{
	for (int b = 0; b < LOGHIST_BUCKETS; b++)
		into->count[b] += h->count[b];
	into->n += h->n;
}

size_t loghist_values(const struct loghist *h, double *out)
{
	size_t k = 0;
	for (int b = 0; b < LOGHIST_BUCKETS; b++) {
		uint64_t c = h->count[b];
		double lo = loghist_lo(b), ratio = loghist_hi(b) / lo;
		for (uint64_t i = 0; i < c; i++)
			out[k++] = lo * pow(ratio, ((double)i + 0.5) / (double)c);
	}
	return k;
}
