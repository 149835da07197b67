#include <math.h>

#include "check.h"
#include "parse.h"

static void sizes(void)
{
	static const struct {
		const char *in;
		uint64_t want;
	} ok[] = {
		{"0", 0}, {"4096", 4096}, {"64K", 65536}, {"1M", 1 << 20}, {"1m", 1 << 20},
		{"1.5G", 1610612736ull}, {"4GiB", 4ull << 30}, {"2T", 2ull << 40}, {"512KB", 524288},
	};
	for (size_t i = 0; i < CB_ARRAY_SIZE(ok); i++) {
		uint64_t v = 12345;
		cb_error e;
		CHECK(parse_size(ok[i].in, &v, &e) == 0);
		CHECK_EQ_U64(v, ok[i].want);
	}
	static const char *const bad[] = {"", "banana", "-1", "1X", "1.5", "1MM", "K", " 1M",
					  "99999999999T", "nan", "inf"};
	for (size_t i = 0; i < CB_ARRAY_SIZE(bad); i++) {
		uint64_t v;
		cb_error e = {{0}};
		CHECK(parse_size(bad[i], &v, &e) < 0);
		CHECK(e.msg[0] != '\0');
	}
	char buf[32];
	CHECK_STR(format_size(0, buf, sizeof(buf)), "0");
	CHECK_STR(format_size(4096, buf, sizeof(buf)), "4K");
	CHECK_STR(format_size(1536ull << 20, buf, sizeof(buf)), "1536M");
	CHECK_STR(format_size(4ull << 30, buf, sizeof(buf)), "4G");
	CHECK_STR(format_size(1000, buf, sizeof(buf)), "1000");
}

static void lists(void)
{
	uint64_t *v;
	size_t n;
	cb_error e;
	CHECK(parse_size_list("0,1M, 16M ,1G", &v, &n, &e) == 0);
	CHECK_EQ_U64(n, 4);
	CHECK_EQ_U64(v[2], 16ull << 20);
	free(v);
	CHECK(parse_size_list("", &v, &n, &e) < 0);
	CHECK(parse_size_list("1M,,2M", &v, &n, &e) < 0);
	CHECK(strstr(e.msg, "empty element") != NULL);
	CHECK(parse_size_list("1M,", &v, &n, &e) < 0);
	CHECK(parse_size_list("1M,banana", &v, &n, &e) < 0);
	CHECK(strstr(e.msg, "banana") != NULL);

	static const char *const modes[] = {"4k", "thp", "hugetlb2m", NULL};
	int *idx;
	CHECK(parse_name_list("thp,4k", modes, "page mode", &idx, &n, &e) == 0);
	CHECK_EQ_U64(n, 2);
	CHECK(idx[0] == 1 && idx[1] == 0);
	free(idx);
	CHECK(parse_name_list("thp,2k", modes, "page mode", &idx, &n, &e) < 0);
	CHECK(strstr(e.msg, "unknown page mode '2k'") != NULL);
	CHECK(strstr(e.msg, "hugetlb2m") != NULL);
	CHECK(parse_name_list("thp,thp", modes, "page mode", &idx, &n, &e) < 0);
}

static void ratios(void)
{
	double v;
	bool pct;
	cb_error e;
	CHECK(parse_ratio("0.05", &v, &pct, &e) == 0 && !pct);
	CHECK_NEAR(v, 0.05, 0);
	CHECK(parse_ratio("5%", &v, &pct, &e) == 0 && pct);
	CHECK_NEAR(v, 0.05, 1e-15);
	CHECK(parse_ratio("150%", &v, &pct, &e) == 0 && pct); /* ranges are the caller's */
	CHECK_NEAR(v, 1.5, 1e-15);
	CHECK(parse_ratio("%", &v, &pct, &e) < 0);
	CHECK(parse_ratio("five%", &v, &pct, &e) < 0);
	CHECK(parse_ratio("", &v, &pct, &e) < 0);
}

/* What %.9g writes reads back, subnormals included; overflow and
 * non-numbers do not. */
static void doubles(void)
{
	double v;
	cb_error e;
	CHECK(parse_double("2.47032823e-323", &v, &e) == 0);
	CHECK(v > 0 && v < 1e-300);
	CHECK(parse_double("1e-400", &v, &e) == 0 && v == 0);
	CHECK(parse_double("-3.5", &v, &e) == 0 && v == -3.5);
	static const char *const bad[] = {"1e999", "-1e999", "inf", "nan", " 1", "1 ", "1x", ""};
	for (size_t i = 0; i < CB_ARRAY_SIZE(bad); i++)
		CHECK(parse_double(bad[i], &v, &e) < 0);
	/* CSV fields: the same, but infinity is a value there */
	CHECK(parse_number_field("7.04242842e-312", &v) && v > 0);
	CHECK(parse_number_field("inf", &v) && isinf(v));
	CHECK(parse_number_field("12", NULL));
	static const char *const badf[] = {"1e999", "nan", " 1", "1 ", "1x", "", "-"};
	for (size_t i = 0; i < CB_ARRAY_SIZE(badf); i++)
		CHECK(!parse_number_field(badf[i], &v));
}

static void dirty(void)
{
	struct dirty_spec d;
	cb_error e;
	CHECK(parse_dirty("16", &d, &e) == 0 && !d.percent && d.value == 16);
	CHECK_EQ_U64(dirty_pages(&d, 64), 16);
	CHECK_EQ_U64(dirty_pages(&d, 8), 8);
	CHECK(parse_dirty("50%", &d, &e) == 0 && d.percent);
	CHECK_EQ_U64(dirty_pages(&d, 64), 32);
	CHECK(parse_dirty("100%", &d, &e) == 0);
	CHECK_EQ_U64(dirty_pages(&d, 262144), 262144);
	CHECK(parse_dirty("101%", &d, &e) < 0);
	CHECK(parse_dirty("-1", &d, &e) < 0);
	CHECK(parse_dirty("x%", &d, &e) < 0);
	CHECK(parse_dirty("", &d, &e) < 0);
}

int main(void)
{
	sizes();
	lists();
	ratios();
	doubles();
	dirty();
	return check_done();
}
