/* cowbench-nested-merge: brings the vm*.csv files of nested runs into a
 * run directory (nested_merge.h says how).
 *
 *   cowbench-nested-merge --where LABEL RUN_DIR IN_DIR...
 *
 * Exit status: 0 merged, 1 a file could not be read or written, 2 bad
 * usage or an incoming row of another `where`. */
#include <stdio.h>
#include <string.h>

#include "nested_merge.h"

int main(int argc, char **argv)
{
	const char *where = NULL;
	int i = 1;
	if (i + 1 < argc && !strcmp(argv[i], "--where")) {
		where = argv[i + 1];
		i += 2;
	}
	if (!where || !*where || argc - i < 2) {
		fputs("usage: cowbench-nested-merge --where LABEL RUN_DIR IN_DIR...\n", stderr);
		return 2;
	}
	const char *run_dir = argv[i];
	size_t added;
	cb_error e;
	int rc = nested_merge(where, run_dir, argv + i + 1, (size_t)(argc - i - 1), &added, &e);
	if (rc != 0)
		cb_die(rc, "nested-merge", "%s", e.msg);
	fprintf(stderr, "cowbench: nested-merge: %zu vm.csv row(s) of where=%s merged into %s/vm.csv\n",
		added, where, run_dir);
	return 0;
}
