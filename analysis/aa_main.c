/* cowbench-aa-table: the table scripts/aa-check prints.
 *
 *   cowbench-aa-table [--all] [--csv FILE] RUN_DIR RUN_DIR...
 *
 * --all adds the candidate normalizations (analysis/aa.h); --csv writes
 * every cell as well. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "aa.h"

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"csv", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool all = false;
	const char *csv = NULL;
	for (int c; (c = getopt_long(argc, argv, "ac:h", opts, NULL)) != -1;) {
		switch (c) {
		case 'a': all = true; break;
		case 'c': csv = optarg; break;
		case 'h':
			puts("usage: cowbench-aa-table [--all] [--csv FILE] RUN_DIR RUN_DIR...");
			return 0;
		default: return CB_EXIT_USAGE;
		}
	}
	if (argc - optind < 2)
		cb_die(CB_EXIT_USAGE, "aa-check", "needs at least two run folders");
	struct aa_table t;
	cb_error e;
	if (aa_table_build((const char *const *)argv + optind, (size_t)(argc - optind), all, &t, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "aa-check", &e);
	aa_table_print(&t, stdout);
	if (csv && aa_table_write_csv(&t, csv, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "aa-check", &e);
	aa_table_free(&t);
	return 0;
}
