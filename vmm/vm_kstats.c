#include "vm_kstats.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KSTATS_MAX_DESC 65536u
#define KSTATS_MAX_NAME 4096u
#define KSTATS_MAX_DATA (16u << 20)

static int pread_all(int fd, void *buf, size_t len, uint64_t off, cb_error *e, const char *what)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cb_error_errno(e, "reading KVM statistics %s", what);
			return -1;
		}
		if (n == 0) {
			cb_error_set(e, "KVM statistics %s truncated", what);
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static enum kstats_kind kind_of(uint32_t flags)
{
	switch (flags & KVM_STATS_TYPE_MASK) {
	case KVM_STATS_TYPE_CUMULATIVE: return KSTATS_CUMULATIVE;
	case KVM_STATS_TYPE_INSTANT: return KSTATS_INSTANT;
	case KVM_STATS_TYPE_PEAK: return KSTATS_PEAK;
	case KVM_STATS_TYPE_LINEAR_HIST:
	case KVM_STATS_TYPE_LOG_HIST: return KSTATS_HIST;
	}
	return KSTATS_UNKNOWN;
}

static int parse_descs(struct kstats *s, const uint8_t *blk, uint32_t n, uint32_t name_size,
		       cb_error *e)
{
	size_t stride = sizeof(struct kvm_stats_desc) + name_size;
	uint64_t data_end = 0;
	s->desc = cb_xcalloc(n, sizeof(*s->desc));
	for (uint32_t i = 0; i < n; i++) {
		struct kvm_stats_desc kd;
		const uint8_t *p = blk + (size_t)i * stride;
		memcpy(&kd, p, sizeof(kd));
		struct kstats_desc *d = &s->desc[i];
		d->flags = kd.flags;
		d->exponent = kd.exponent;
		d->size = kd.size;
		d->offset = kd.offset;
		d->kind = kind_of(kd.flags);
		d->name = cb_xcalloc(1, name_size + 1);
		s->ndesc = i + 1; /* kstats_close frees what exists so far */
		memcpy(d->name, p + sizeof(kd), name_size);
		if (d->name[0] == '\0') {
			cb_error_set(e, "KVM statistics descriptor %u has no name", i);
			return -1;
		}
		uint64_t end = (uint64_t)kd.offset + (uint64_t)kd.size * 8;
		if (end > KSTATS_MAX_DATA) {
			cb_error_set(e, "KVM statistic %s lies %llu bytes into the data block", d->name,
				     (unsigned long long)end);
			return -1;
		}
		if (end > data_end)
			data_end = end;
	}
	s->ndesc = n;
	s->data_len = (size_t)data_end;
	s->buf = cb_xcalloc(s->data_len / 8 + 1, sizeof(uint64_t));
	return 0;
}

int kstats_open(struct kstats *s, int fd, cb_error *e)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	struct kvm_stats_header h;
	if (pread_all(fd, &h, sizeof(h), 0, e, "header") < 0)
		goto fail;
	if (h.name_size == 0 || h.name_size > KSTATS_MAX_NAME || h.num_desc > KSTATS_MAX_DESC) {
		cb_error_set(e, "KVM statistics header is implausible (name size %u, %u descriptors)",
			     h.name_size, h.num_desc);
		goto fail;
	}
	size_t blk_len = (size_t)h.num_desc * (sizeof(struct kvm_stats_desc) + h.name_size);
	uint8_t *blk = cb_xmalloc(blk_len);
	if (pread_all(fd, blk, blk_len, h.desc_offset, e, "descriptors") < 0 ||
	    parse_descs(s, blk, h.num_desc, h.name_size, e) < 0) {
		free(blk);
		goto fail;
	}
	free(blk);
	s->data_offset = h.data_offset;
	return 0;
fail:
	kstats_close(s);
	return -1;
}

void kstats_close(struct kstats *s)
{
	if (s->desc)
		for (uint32_t i = 0; i < s->ndesc; i++)
			free(s->desc[i].name);
	free(s->desc);
	free(s->buf);
	if (s->fd >= 0)
		close(s->fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

int kstats_read(struct kstats *s, uint64_t *vals, cb_error *e)
{
	if (pread_all(s->fd, s->buf, s->data_len, s->data_offset, e, "data") < 0)
		return -1;
	for (uint32_t i = 0; i < s->ndesc; i++) {
		const struct kstats_desc *d = &s->desc[i];
		uint64_t sum = 0;
		for (uint32_t k = 0; k < d->size; k++) {
			uint64_t v;
			memcpy(&v, (const uint8_t *)s->buf + d->offset + (size_t)k * 8, 8);
			sum += v;
		}
		vals[i] = sum;
	}
	return 0;
}

int kstats_find(const struct kstats *s, const char *name)
{
	for (uint32_t i = 0; i < s->ndesc; i++)
		if (strcmp(s->desc[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *kstats_kind_name(enum kstats_kind k)
{
	static const char *const names[] = {"cumulative", "instant", "peak", "histogram",
					    "unknown"};
	return k <= KSTATS_UNKNOWN ? names[k] : "unknown";
}

const char *kstats_unit(const struct kstats_desc *d, char *buf, size_t len)
{
	static const char *const units[] = {"", "bytes", "seconds", "cycles", "boolean"};
	uint32_t u = (d->flags & KVM_STATS_UNIT_MASK) >> KVM_STATS_UNIT_SHIFT;
	bool pow2 = (d->flags & KVM_STATS_BASE_MASK) == KVM_STATS_BASE_POW2;
	const char *name = u < CB_ARRAY_SIZE(units) ? units[u] : "unit?";
	if (d->exponent == 0) {
		snprintf(buf, len, "%s", u == 2 ? "s" : name);
	} else if (u == 2 && !pow2 && (d->exponent == -3 || d->exponent == -6 || d->exponent == -9)) {
		snprintf(buf, len, "%s", d->exponent == -3 ? "ms" : d->exponent == -6 ? "us" : "ns");
	} else {
		snprintf(buf, len, "%s*%d^%d", *name ? name : "1", pow2 ? 2 : 10, d->exponent);
	}
	return buf;
}

bool kstats_delta(const struct kstats_desc *d, uint64_t begin, uint64_t end, int64_t *out)
{
	if (begin == end)
		return false;
	switch (d->kind) {
	case KSTATS_CUMULATIVE:
	case KSTATS_HIST:
		/* Two's complement: a counter that went backwards (it should not)
		 * shows up negative rather than as 2^64 - n. */
		*out = (int64_t)(end - begin);
		return true;
	case KSTATS_INSTANT:
	case KSTATS_PEAK:
		*out = end > INT64_MAX ? INT64_MAX : (int64_t)end;
		return true;
	case KSTATS_UNKNOWN:
		break;
	}
	return false;
}
