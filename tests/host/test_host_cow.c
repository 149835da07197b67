/* After a fork in 4k mode, the child's dirtying loop takes exactly one
 * fault per page it writes: nothing else (stack, text, the shared page)
 * may leak into the count.  vfork and clone_vm children write the
 * parent's own pages: no COW, so no faults once warm. */
#include "host_run.h"

int main(void)
{
	const char *out = run_dir();
	const char *args[] = {"--primitives", "fork,vfork,clone_vm,posix_spawn", "--pages", "4k",
			      "--sizes", "16M", "--dirty", "0,1,16,1000", "--min-reps", "5",
			      "--max-reps", "5", "--warmup", "1", "--no-floor", NULL};
	int rc = run_host(out, args);
	char *err = run_stderr(out);
	if (rc != 0)
		fprintf(stderr, "cowbench host exited %d: %s\n", rc, err);
	CHECK(rc == 0);
	struct csv_table *t = run_csv(out, "host.csv");
	CHECK(t != NULL);
	size_t fork_rows = 0, shared_rows = 0, shared_zero = 0;
	for (size_t r = 0; t && r < t->nrows; r++) {
		const char *prim = run_str(t, r, "primitive");
		double dirty = run_num(t, r, "dirty_pages"), faults = run_num(t, r, "cow_faults");
		if (!strcmp(prim, "fork")) {
			fork_rows++;
			CHECK_EQ_U64(faults, dirty);
			CHECK(run_num(t, r, "minflt") >= faults);
			CHECK(run_num(t, r, "cow_ns") > 0 || dirty == 0);
		} else if (!strcmp(prim, "posix_spawn")) {
			CHECK(dirty == 0);
			CHECK(isnan(faults) && isnan(run_num(t, r, "cow_ns")));
		} else {
			shared_rows++;
			shared_zero += faults == 0;
			CHECK(faults <= dirty);
		}
		CHECK(run_num(t, r, "mem_bytes") == 16 << 20);
		CHECK(run_num(t, r, "huge_fraction") == 0);
	}
	CHECK_EQ_U64(fork_rows, 4 * 5);
	CHECK_EQ_U64(shared_rows, 2 * 4 * 5);
	/* warm-up made the parent's PTEs writable again: the shared-memory
	 * children should fault on none of them */
	CHECK(shared_zero * 10 >= shared_rows * 9);
	csv_free(t);
	free(err);
	run_cleanup();
	return check_done();
}
