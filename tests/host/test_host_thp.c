/* thp mode gets huge pages where THP is madvise or always, and 4k mode
 * gets none: both read back from smaps, never assumed. */
#include "host_run.h"

int main(void)
{
	char *thp = cb_read_text("/sys/kernel/mm/transparent_hugepage/enabled");
	if (!thp)
		SKIP("this kernel has no transparent huge pages");
	if (strstr(thp, "[never]"))
		SKIP("THP is disabled ([never] in /sys/kernel/mm/transparent_hugepage/enabled)");
	free(thp);
	const char *out = run_dir();
	const char *args[] = {"--primitives", "fork", "--pages", "thp,4k", "--sizes", "16M",
			      "--dirty", "0,512", "--min-reps", "3", "--max-reps", "3",
			      "--warmup", "0", "--no-floor", NULL};
	int rc = run_host(out, args);
	CHECK(rc == 0);
	struct csv_table *t = run_csv(out, "host.csv");
	CHECK(t && t->nrows == 12);
	for (size_t r = 0; t && r < t->nrows; r++) {
		double f = run_num(t, r, "huge_fraction");
		if (!strcmp(run_str(t, r, "page_mode"), "thp"))
			CHECK(f > 0 && f <= 1);
		else
			CHECK(f == 0);
		/* split or not, a COW fault per dirtied 4 KiB page at most */
		CHECK(run_num(t, r, "cow_faults") <= run_num(t, r, "dirty_pages"));
	}
	csv_free(t);
	run_cleanup();
	return check_done();
}
