/* KVM binary statistics from a fake stats file: the parser reads names,
 * types and units from descriptors, folds histograms, and computes deltas
 * the way results/README.md says. */
#include <linux/kvm.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "vm_kstats.h"

#define NAME_SIZE 48
#define NDESC 5

struct fake {
	uint8_t buf[4096];
	size_t len;
	uint32_t data_offset;
};

static void put_desc(uint8_t *p, uint32_t flags, int16_t exp, uint16_t size, uint32_t off,
		     const char *name)
{
	struct kvm_stats_desc d = {0};
	d.flags = flags;
	d.exponent = exp;
	d.size = size;
	d.offset = off;
	memcpy(p, &d, sizeof(d));
	memset(p + sizeof(d), 0, NAME_SIZE);
	memcpy(p + sizeof(d), name, strlen(name));
}

/* header | id | descriptors | data: exits, pages_4k, max_len, hist[4], flag */
static void build(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	struct kvm_stats_header h = {0};
	h.name_size = NAME_SIZE;
	h.num_desc = NDESC;
	h.id_offset = sizeof(h);
	h.desc_offset = h.id_offset + NAME_SIZE;
	h.data_offset = h.desc_offset + NDESC * (sizeof(struct kvm_stats_desc) + NAME_SIZE);
	memcpy(f->buf, &h, sizeof(h));
	memcpy(f->buf + h.id_offset, "kvm-1/vcpu-0", 12);
	uint8_t *d = f->buf + h.desc_offset;
	size_t stride = sizeof(struct kvm_stats_desc) + NAME_SIZE;
	put_desc(d, KVM_STATS_TYPE_CUMULATIVE, 0, 1, 0, "exits");
	put_desc(d + stride, KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_BYTES | KVM_STATS_BASE_POW2,
		 0, 1, 8, "pages_4k");
	put_desc(d + 2 * stride, KVM_STATS_TYPE_PEAK, 0, 1, 16, "max_len");
	put_desc(d + 3 * stride, KVM_STATS_TYPE_LOG_HIST | KVM_STATS_UNIT_SECONDS, -9, 4, 24,
		 "halt_wait_hist");
	put_desc(d + 4 * stride, KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_BOOLEAN, 0, 1, 56,
		 "flag");
	f->data_offset = h.data_offset;
	f->len = h.data_offset + 64;
}

static void set_data(struct fake *f, const uint64_t v[8])
{
	memcpy(f->buf + f->data_offset, v, 64);
}

static int as_fd(const struct fake *f, size_t len)
{
	int fd = memfd_create("kstats", 0);
	if (fd < 0 || write(fd, f->buf, len) != (ssize_t)len)
		SKIP("memfd_create or write failed");
	return fd;
}

static void test_good(void)
{
	struct fake f;
	build(&f);
	uint64_t v0[8] = {10, 4096, 7, 1, 2, 3, 4, 0};
	set_data(&f, v0);
	int fd = as_fd(&f, f.len);
	struct kstats ks;
	cb_error e = {""};
	CHECK(kstats_open(&ks, fd, &e) == 0);
	CHECK_EQ_U64(ks.ndesc, NDESC);
	CHECK_STR(ks.desc[0].name, "exits");
	CHECK_STR(ks.desc[3].name, "halt_wait_hist");
	CHECK(ks.desc[3].kind == KSTATS_HIST && ks.desc[1].kind == KSTATS_INSTANT &&
	      ks.desc[2].kind == KSTATS_PEAK && ks.desc[0].kind == KSTATS_CUMULATIVE);
	CHECK(kstats_find(&ks, "max_len") == 2 && kstats_find(&ks, "nope") == -1);
	uint64_t a[NDESC], b[NDESC];
	CHECK(kstats_read(&ks, a, &e) == 0);
	CHECK_EQ_U64(a[0], 10);
	CHECK_EQ_U64(a[3], 10); /* 1 + 2 + 3 + 4 */

	/* The kernel updates the data block in place; so do we. */
	uint64_t v1[8] = {15, 8192, 7, 1, 2, 3, 9, 1};
	CHECK(pwrite(fd, v1, 64, f.data_offset) == 64);
	CHECK(kstats_read(&ks, b, &e) == 0);
	int64_t d;
	CHECK(kstats_delta(&ks.desc[0], a[0], b[0], &d) && d == 5);
	CHECK(kstats_delta(&ks.desc[1], a[1], b[1], &d) && d == 8192); /* end value */
	CHECK(!kstats_delta(&ks.desc[2], a[2], b[2], &d));		/* unchanged */
	CHECK(kstats_delta(&ks.desc[3], a[3], b[3], &d) && d == 5);
	CHECK(kstats_delta(&ks.desc[4], a[4], b[4], &d) && d == 1);
	/* A cumulative counter going backwards shows as negative, not 2^64-n. */
	CHECK(kstats_delta(&ks.desc[0], 15, 10, &d) && d == -5);

	char u[48];
	CHECK_STR(kstats_unit(&ks.desc[0], u, sizeof(u)), "");
	CHECK_STR(kstats_unit(&ks.desc[1], u, sizeof(u)), "bytes");
	CHECK_STR(kstats_unit(&ks.desc[3], u, sizeof(u)), "ns");
	CHECK_STR(kstats_unit(&ks.desc[4], u, sizeof(u)), "boolean");
	struct kstats_desc odd = {.flags = KVM_STATS_UNIT_BYTES | KVM_STATS_BASE_POW2,
				  .exponent = 10};
	CHECK_STR(kstats_unit(&odd, u, sizeof(u)), "bytes*2^10");
	CHECK_STR(kstats_kind_name(KSTATS_HIST), "histogram");
	kstats_close(&ks);
}

static void expect_fail(struct fake *f, size_t len, const char *needle)
{
	struct kstats ks;
	cb_error e = {""};
	CHECK(kstats_open(&ks, as_fd(f, len), &e) == -1);
	if (!strstr(e.msg, needle)) {
		check_failures++;
		fprintf(stderr, "'%s' lacks '%s'\n", e.msg, needle);
	}
}

static void test_bad(void)
{
	struct fake f;
	build(&f);
	expect_fail(&f, 10, "truncated");
	expect_fail(&f, f.data_offset - 20, "truncated");
	build(&f);
	((struct kvm_stats_header *)f.buf)->name_size = 0;
	expect_fail(&f, f.len, "implausible");
	build(&f);
	((struct kvm_stats_header *)f.buf)->num_desc = 1u << 30;
	expect_fail(&f, f.len, "implausible");
	build(&f);
	struct kvm_stats_header *h = (struct kvm_stats_header *)f.buf;
	put_desc(f.buf + h->desc_offset, 0, 0, 0xffff, 0xfffffff0u, "huge");
	expect_fail(&f, f.len, "data block");
	build(&f);
	put_desc(f.buf + h->desc_offset, 0, 0, 1, 0, "");
	expect_fail(&f, f.len, "no name");
	/* A name that fills name_size without a NUL is still terminated. */
	build(&f);
	char longname[NAME_SIZE + 1];
	memset(longname, 'z', NAME_SIZE);
	longname[NAME_SIZE] = '\0';
	put_desc(f.buf + h->desc_offset, 0, 0, 1, 0, "x");
	memcpy(f.buf + h->desc_offset + sizeof(struct kvm_stats_desc), longname, NAME_SIZE);
	struct kstats ks;
	cb_error e;
	CHECK(kstats_open(&ks, as_fd(&f, f.len), &e) == 0);
	CHECK(strlen(ks.desc[0].name) == NAME_SIZE);
	kstats_close(&ks);
}

int main(void)
{
	test_good();
	test_bad();
	return check_done();
}
