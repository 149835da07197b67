/* Public entry points of the analysis library. */
#ifndef COWBENCH_ANALYSIS_H
#define COWBENCH_ANALYSIS_H

#include <stdbool.h>

int report_main(int argc, char **argv);
int compare_main(int argc, char **argv);
int history_main(int argc, char **argv);

/* The two commands' option parsers, exposed for the fuzz harness: bad
 * input ends in one line and exit 2 (cb_die), --help prints and exits 0. */
void report_parse_args(int argc, char **argv, const char **run_dir, const char **ref_dir,
		       bool *use_refs);
struct compare_args {
	double threshold, fdr;
	bool allow_env, gate_counts, machine_class;
	const char *out, *base_dir, *new_dir; /* base_dir: a run or a folder of runs; new_dir NULL with --machine-class */
};
void compare_parse_args(int argc, char **argv, struct compare_args *a);

#endif
