/* Log-bucket histograms of latencies: the compact form host-writes.csv
 * keeps every first write of a configuration in (results/README.md), one
 * definition for the writer (workloads) and the readers (report, resume).
 *
 * Bucket b holds [2^(b/8), 2^((b+1)/8)) ns: eight buckets per doubling,
 * each 9% wide, so a quantile read back from the histogram is within 4.5%
 * of the exact one, from 1 ns to 2^36 ns (69 s); what falls outside is
 * clamped into the first or last bucket. */
#ifndef COWBENCH_LOGHIST_H
#define COWBENCH_LOGHIST_H

#include <stddef.h>
#include <stdint.h>

#define LOGHIST_PER_OCTAVE 8
#define LOGHIST_BUCKETS (LOGHIST_PER_OCTAVE * 36)

struct loghist {
	uint64_t n;
	uint64_t count[LOGHIST_BUCKETS];
};

/* The bucket of a value in ns (NaN: -1, not counted). */
int loghist_bucket(double ns);
/* A bucket's bounds in ns. */
double loghist_lo(int b);
double loghist_hi(int b);
/* The bucket whose lower bound is lo_ns (as host-writes.csv writes it),
 * or -1 when lo_ns is not one. */
int loghist_bucket_of_lo(double lo_ns);

void loghist_add(struct loghist *h, double ns);
void loghist_add_count(struct loghist *h, int b, uint64_t count);
void loghist_merge(struct loghist *into, const struct loghist *h);

/* Values standing for the histogram's counts, for the ordinary statistics
 * (stats_summarize): each bucket's c values spread evenly over it on the
 * log scale, lo * (hi/lo)^((k + 0.5) / c), ascending.  out holds h->n. */
size_t loghist_values(const struct loghist *h, double *out);

#endif
