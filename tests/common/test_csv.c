#include "check.h"
#include "csv.h"

int main(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct csv_writer w;
	csv_writer_init(&w, fp);
	static const char *const hdr[] = {"name", "count", "value", "note", NULL};
	csv_header(&w, hdr);
	csv_str(&w, "fork");
	csv_u64(&w, 18446744073709551615ull);
	csv_double(&w, 0.125);
	csv_str(&w, "has, comma and \"quotes\"");
	csv_end_row(&w);
	csv_str(&w, "vfork");
	csv_i64(&w, -3);
	csv_double(&w, NAN);
	csv_str(&w, "multi\nline");
	csv_end_row(&w);
	fclose(fp);
	CHECK_STR(buf, "name,count,value,note\n"
		       "fork,18446744073709551615,0.125,\"has, comma and \"\"quotes\"\"\"\n"
		       "vfork,-3,,\"multi\nline\"\n");

	cb_error e;
	struct csv_table *t = csv_parse(buf, len, "mem", &e);
	CHECK(t != NULL);
	if (t) {
		CHECK_EQ_U64(t->ncols, 4);
		CHECK_EQ_U64(t->nrows, 2);
		CHECK(csv_col(t, "note") == 3);
		CHECK(csv_col(t, "missing") == -1);
		CHECK_STR(csv_get(t, 0, 3), "has, comma and \"quotes\"");
		CHECK_STR(csv_get(t, 1, 3), "multi\nline");
		CHECK(isnan(csv_get_double(t, 1, 2)));
		CHECK_NEAR(csv_get_double(t, 0, 2), 0.125, 0);
		CHECK_STR(csv_get(t, 5, 0), "");
		csv_free(t);
	}
	free(buf);

	/* CRLF and blank lines accepted; short rows, long rows and a torn
	 * last row (what a crash mid-write leaves) rejected */
	const char *crlf = "a,b,c\r\n1,,\r\n\r\n4,5,6\r\n";
	t = csv_parse(crlf, strlen(crlf), "crlf", &e);
	CHECK(t && t->nrows == 2);
	if (t) {
		CHECK_STR(csv_get(t, 0, 2), "");
		CHECK_STR(csv_get(t, 1, 2), "6");
		csv_free(t);
	}
	const char *narrow = "a,b,c\n1,2\n4,5,6\n";
	CHECK(csv_parse(narrow, strlen(narrow), "narrow", &e) == NULL);
	CHECK(strstr(e.msg, "narrow:2: 2 fields, but the header has 3") != NULL);
	CHECK(strstr(e.msg, "torn") == NULL);
	const char *torn = "a,b,c\n1,2,3\n4,5";
	CHECK(csv_parse(torn, strlen(torn), "torn", &e) == NULL);
	CHECK(strstr(e.msg, "torn:3:") && strstr(e.msg, "a torn last row"));
	const char *no_newline = "a,b\n1,2";
	t = csv_parse(no_newline, strlen(no_newline), "nl", &e);
	CHECK(t && t->nrows == 1);
	csv_free(t);
	const char *wide = "a,b\n1,2,3\n";
	CHECK(csv_parse(wide, strlen(wide), "wide", &e) == NULL);
	CHECK(strstr(e.msg, "wide:2") != NULL);
	const char *open_quote = "a\n\"abc\n";
	CHECK(csv_parse(open_quote, strlen(open_quote), "q", &e) == NULL);
	CHECK(csv_parse("", 0, "empty", &e) == NULL);
	return check_done();
}
