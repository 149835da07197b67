/* cowbench: one front-end, subcommands as in perf and git. */
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "cb.h"
#include "env.h"
#include "vmm.h"
#include "workloads.h"

static const struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *help;
} commands[] = {
	{"env", env_main, "environment fingerprint (JSON)"},
	{"host", host_main, "host process-creation sweep"},
	{"vm", vm_main, "guest COW / VM-exit sweep under our VMM"},
	{"report", report_main, "summary.md and plots/ from a run's raw results"},
	{"compare", compare_main, "regression verdict against a baseline; exit 1 on regression"},
	{"history", history_main, "runs over time in SQLite, and their change points"},
};

static void usage(FILE *f)
{
	fputs("usage: cowbench <command> [options]\n\ncommands:\n", f);
	for (size_t i = 0; i < CB_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fputs("\n'cowbench <command> --help' describes a command's options.\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < CB_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].main(argc - 1, argv + 1);
	cb_die(CB_EXIT_USAGE, argv[1], "unknown command (try 'cowbench --help')");
}
