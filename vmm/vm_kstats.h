/* KVM binary statistics (KVM_GET_STATS_FD), read generically: header,
 * then descriptors, then values; names, types and units come from the
 * descriptors, never from a list compiled in here.
 *
 * Each descriptor folds to one 64-bit value per snapshot: histograms
 * (linear or log) are summed over their buckets, which counts the events
 * they recorded and so behaves like a cumulative counter; any other
 * multi-element statistic is summed the same way. */
#ifndef COWBENCH_VM_KSTATS_H
#define COWBENCH_VM_KSTATS_H

#include "cb.h"

enum kstats_kind { KSTATS_CUMULATIVE, KSTATS_INSTANT, KSTATS_PEAK, KSTATS_HIST, KSTATS_UNKNOWN };

struct kstats_desc {
	uint32_t flags;
	int16_t exponent;
	uint16_t size;	 /* elements */
	uint32_t offset; /* into the data block */
	char *name;
	enum kstats_kind kind;
};

struct kstats {
	int fd;
	uint32_t ndesc;
	struct kstats_desc *desc;
	uint32_t data_offset;
	size_t data_len; /* bytes of the data block we read */
	uint64_t *buf;
};

/* Reads the header and descriptors of a stats fd (taking ownership of fd;
 * it is closed on failure too).  Everything is bounds-checked: the file
 * comes from the kernel, but a malformed one must not crash us. */
int kstats_open(struct kstats *s, int fd, cb_error *e);
void kstats_close(struct kstats *s);
/* One snapshot: vals[i] for descriptor i. */
int kstats_read(struct kstats *s, uint64_t *vals, cb_error *e);
int kstats_find(const struct kstats *s, const char *name);

const char *kstats_kind_name(enum kstats_kind k);
/* "", "bytes", "ns", "cycles", "boolean", or "<unit>*<base>^<exp>". */
const char *kstats_unit(const struct kstats_desc *d, char *buf, size_t len);
/* The change over a phase: end - begin for cumulative statistics and
 * histograms, the end value for instant and peak ones.  Returns false
 * (and leaves *out alone) when the statistic did not change. */
bool kstats_delta(const struct kstats_desc *d, uint64_t begin, uint64_t end, int64_t *out);

#endif
