/* `cowbench host --quick` end to end: the three files, with every column
 * results/README.md documents, and rows that make sense. */
#include "host_run.h"
#include "stats.h"

#define MIN_REPS 4

/* Backticked names in the first cell of each table row of the README
 * section `## name`. */
static size_t documented(const char *readme, const char *name, char cols[][40], size_t max)
{
	char head[64];
	snprintf(head, sizeof(head), "\n## %s\n", name);
	const char *p = strstr(readme, head);
	if (!p)
		return 0;
	p += strlen(head);
	const char *end = strstr(p, "\n## ");
	size_t n = 0;
	for (const char *line = p; line && (!end || line < end); line = strchr(line, '\n')) {
		line++;
		if (strncmp(line, "| `", 3) != 0)
			continue;
		const char *cell_end = strchr(line + 1, '|');
		for (const char *q = line; (q = strchr(q, '`')) && q < cell_end;) {
			const char *r = strchr(q + 1, '`');
			if (!r || r > cell_end || n == max)
				break;
			snprintf(cols[n++], 40, "%.*s", (int)(r - q - 1), q + 1);
			q = r + 1;
		}
	}
	return n;
}

static void check_columns(const char *readme, const char *out, const char *name)
{
	char cols[64][40];
	size_t n = documented(readme, name, cols, 64);
	CHECK(n >= 3);
	struct csv_table *t = run_csv(out, name);
	CHECK(t != NULL);
	for (size_t i = 0; t && i < n; i++) {
		if (csv_col(t, cols[i]) < 0) {
			fprintf(stderr, "%s: documented column '%s' missing\n", name, cols[i]);
			CHECK(csv_col(t, cols[i]) >= 0);
		}
	}
	csv_free(t);
}

/* Median create_ns of fork, dirty 0, in a page mode at a size; NaN if absent. */
static double fork_create(const struct csv_table *s, const char *mode, double bytes)
{
	for (size_t r = 0; r < s->nrows; r++)
		if (!strcmp(run_str(s, r, "primitive"), "fork") &&
		    !strcmp(run_str(s, r, "page_mode"), mode) && run_num(s, r, "mem_bytes") == bytes &&
		    run_num(s, r, "dirty_pages") == 0 && !strcmp(run_str(s, r, "metric"), "create_ns"))
			return run_num(s, r, "median");
	return NAN;
}

int main(void)
{
	const char *src = getenv("COWBENCH_SRC");
	char *readme = NULL;
	if (src) {
		char path[512];
		snprintf(path, sizeof(path), "%s/results/README.md", src);
		readme = cb_read_text(path);
	}
	if (!readme)
		SKIP("results/README.md not found (COWBENCH_SRC unset)");
	long pool_before = run_nr_hugepages(2048), pool1g_before = run_nr_hugepages(1048576);
	const char *out = run_dir();
	const char *args[] = {"--quick", "--min-reps", "4", NULL};
	int rc = run_host(out, args);
	char *err = run_stderr(out);
	if (rc != 0)
		fprintf(stderr, "cowbench host --quick exited %d:\n%s\n", rc, err);
	CHECK(rc == 0);
	CHECK(run_tmp_files(out) == 0);
	CHECK(run_nr_hugepages(2048) == pool_before);
	CHECK(run_nr_hugepages(1048576) == pool1g_before);
	check_columns(readme, out, "host.csv");
	check_columns(readme, out, "host-summary.csv");
	check_columns(readme, out, "host-floor.csv");
	check_columns(readme, out, "host-writes.csv");

	struct csv_table *rows = run_csv(out, "host.csv"), *sum = run_csv(out, "host-summary.csv"),
			 *floor = run_csv(out, "host-floor.csv");
	if (!rows || !sum || !floor)
		return check_done();
	CHECK(rows->nrows > 0 && sum->nrows > 0);
	size_t configs = 0, rows_counted = 0;
	for (size_t r = 0; r < sum->nrows; r++) {
		double n = run_num(sum, r, "n"), min = run_num(sum, r, "min"),
		       med = run_num(sum, r, "median"), max = run_num(sum, r, "max");
		/* total_ns leaves out each block's observed sample, which held
		 * its child to count the copies */
		CHECK(n >= MIN_REPS || !strncmp(run_str(sum, r, "metric"), "total_", 6));
		CHECK(min <= med && med <= max);
		CHECK(run_num(sum, r, "ci_lo") <= med && med <= run_num(sum, r, "ci_hi"));
		CHECK(run_num(sum, r, "p90") <= run_num(sum, r, "p99"));
		CHECK(run_num(sum, r, "p99") <= run_num(sum, r, "p999"));
		const char *conv = run_str(sum, r, "converged");
		CHECK(!strcmp(conv, "true") || !strcmp(conv, "false"));
		if (!strcmp(run_str(sum, r, "metric"), "create_ns")) {
			configs++;
			rows_counted += (size_t)n;
			CHECK(min > 0);
			/* fork's create is held against the page-table copy */
			double fl = run_num(sum, r, "floor_ns");
			if (!strcmp(run_str(sum, r, "primitive"), "fork")) {
				CHECK(fl > 0);
				CHECK_NEAR(run_num(sum, r, "ratio_to_floor"), med / fl, 1e-6 * med / fl);
			} else {
				CHECK(isnan(fl));
			}
		}
	}
	/* every sample row belongs to a summarized configuration */
	CHECK_EQ_U64(rows_counted, rows->nrows);
	CHECK(configs >= 20);
	for (size_t r = 0; r < rows->nrows; r++) {
		const char *prim = run_str(rows, r, "primitive"), *mode = run_str(rows, r, "page_mode");
		double create = run_num(rows, r, "create_ns"), total = run_num(rows, r, "total_ns");
		CHECK(create > 0);
		CHECK(run_num(rows, r, "child_start_ns") > 0);
		/* total_ns is empty only where the sample held its child while
		 * it counted the copies */
		if (isnan(total)) {
			CHECK(!isnan(run_num(rows, r, "copied_bytes")));
		} else {
			CHECK(total >= create);
			CHECK(run_num(rows, r, "child_start_ns") <= total);
		}
		/* copy-on-write held in every sample that wrote */
		if (strcmp(prim, "posix_spawn") && strcmp(prim, "fork_exec") && strcmp(prim, "vfork_exec"))
			CHECK(run_num(rows, r, "verified_pages") == run_num(rows, r, "dirty_pages"));
		CHECK(run_num(rows, r, "pte_bytes") > 0);
		CHECK(run_num(rows, r, "cpu") >= 0); /* pinned by default */
		if (!strcmp(prim, "fork") && !strcmp(mode, "4k"))
			CHECK(run_num(rows, r, "cow_faults") == run_num(rows, r, "dirty_pages"));
		if (!strncmp(mode, "hugetlb", 7))
			CHECK(run_num(rows, r, "huge_fraction") == 1);
		if (!strcmp(mode, "4k") && run_num(rows, r, "mem_bytes") > 0)
			CHECK(run_num(rows, r, "huge_fraction") == 0);
	}
	/* pte_bytes is the measured point's page tables: a region kept
	 * populated between its visits (host_region.h) is left out, so 1M's
	 * stay far below 1G's 2 MiB of PTEs whatever the sweep kept */
	double pte_1m = 0, pte_1g = INFINITY;
	for (size_t r = 0; r < rows->nrows; r++) {
		if (strcmp(run_str(rows, r, "page_mode"), "4k"))
			continue;
		double b = run_num(rows, r, "mem_bytes"), pte = run_num(rows, r, "pte_bytes");
		if (b == 1 << 20 && pte > pte_1m)
			pte_1m = pte;
		if (b == 1 << 30 && pte < pte_1g)
			pte_1g = pte;
	}
	CHECK(pte_1m > 0 && pte_1m * 4 < pte_1g);
	/* every sample has its round and its probe */
	for (size_t r = 0; r < rows->nrows; r++) {
		CHECK(run_num(rows, r, "round") >= 1 && run_num(rows, r, "round") <= 6);
		CHECK(run_num(rows, r, "probe_cpu_ns") > 0 && run_num(rows, r, "probe_mem_ns") > 0);
	}
	/* fork copies page tables: more memory, slower fork (1M vs 256M is
	 * a 256x difference in PTEs, far beyond any noise) */
	double f1 = fork_create(sum, "4k", 1 << 20), f256 = fork_create(sum, "4k", 256 << 20);
	CHECK(f1 > 0 && f256 > f1);
	/* the floor: three metrics, positive, 4 KiB faster than 2 MiB */
	CHECK_EQ_U64(floor->nrows, 3);
	double copy4k = NAN, copy2m = NAN, bw = NAN;
	for (size_t r = 0; r < floor->nrows; r++) {
		const char *m = run_str(floor, r, "metric");
		double med = run_num(floor, r, "median");
		CHECK(med > 0 && run_num(floor, r, "n") >= MIN_REPS);
		if (!strcmp(m, "copy_4k_ns"))
			copy4k = med;
		else if (!strcmp(m, "copy_2m_ns"))
			copy2m = med;
		else if (!strcmp(m, "memcpy_bytes_per_s"))
			bw = med;
	}
	CHECK(copy4k < copy2m);
	CHECK(bw > 1e8);
	csv_free(rows);
	csv_free(sum);
	csv_free(floor);
	free(err);
	free(readme);
	run_cleanup();
	return check_done();
}
