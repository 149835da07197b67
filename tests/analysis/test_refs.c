/* The published figures shipped in analysis/reference load, and map onto
 * the run's page modes and metrics as the report documents. */
#include <stdlib.h>

#include "check.h"
#include "refs.h"

#include <unistd.h>

int main(void)
{
	const char *src = getenv("COWBENCH_SRC");
	if (!src)
		SKIP("COWBENCH_SRC not set (run through ctest)");
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/analysis/reference", src);
	struct refs r;
	cb_error e;
	CHECK(refs_load(dir, &r, &e) == 0);
	CHECK(r.n >= 11); /* the anchor file's rows */
	size_t create = 0, huge = 0;
	for (size_t i = 0; i < r.n; i++) {
		create += refs_metric_is_create(r.p[i].metric);
		huge += !strcmp(r.p[i].page_mode, "huge2m");
		CHECK(r.p[i].value_ns > 0);
		CHECK(strchr(r.p[i].label, ':') == NULL); /* the title is cut off */
	}
	CHECK(create >= 7);
	CHECK(huge >= 1);
	CHECK_STR(refs_page_mode("huge2m"), "thp");
	CHECK_STR(refs_page_mode("4k"), "4k");
	CHECK(refs_page_mode("weird") == NULL);
	CHECK(!refs_metric_is_create("cow_fault_one"));
	refs_free(&r);

	/* the folder is found through COWBENCH_SRC */
	char *d = refs_default_dir();
	CHECK(d && strstr(d, "analysis/reference"));
	free(d);

	/* a malformed reference file is bad input */
	char tmpl[] = "/tmp/cb-test-refs-XXXXXX";
	char *t = mkdtemp(tmpl);
	char path[256];
	snprintf(path, sizeof(path), "%s/bad.csv", t);
	FILE *f = fopen(path, "w");
	fputs("source,year,machine,kernel,primitive,page_mode,mem_bytes,metric,value_ns,note\n"
	      "x,2020,m,k,fork,4k,1G,create,12,n\n", f);
	fclose(f);
	CHECK(refs_load(t, &r, &e) < 0);
	CHECK(strstr(e.msg, "bad.csv") != NULL);
	remove(path);
	rmdir(t);
	return check_done();
}
