/* cowbench report RUN_DIR: summary.md and plots/ from a run's raw results.
 * This file is the top-level sequence: options, the run, the sections in
 * order.  The helpers they draw with are in report_lib.c. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "analysis.h"

/* The sections in the order summary.md shows them.  Each fills its own
 * part of the findings and reads only what earlier ones filled. */
static int sec_env(struct report *r, struct findings *f, cb_error *e)
{
	report_env(r);
	return 0;
}

static int sec_host(struct report *r, struct findings *f, cb_error *e)
{
	return report_host(r, &f->host, e);
}

static int sec_live(struct report *r, struct findings *f, cb_error *e)
{
	return report_live(r, &f->live, e);
}

static int sec_vm(struct report *r, struct findings *f, cb_error *e)
{
	return report_vm(r, &f->host, &f->vm, e);
}

static int sec_crosscheck(struct report *r, struct findings *f, cb_error *e)
{
	report_crosscheck(r);
	return 0;
}

static int sec_refs(struct report *r, struct findings *f, cb_error *e)
{
	report_refs_table(r, &f->host);
	return 0;
}

static const struct section {
	const char *name;
	int (*run)(struct report *r, struct findings *f, cb_error *e);
} sections[] = {
	{"environment", sec_env},
	{"host", sec_host},
	{"live child", sec_live},
	{"vm", sec_vm},
	{"crosscheck", sec_crosscheck},
	{"published figures", sec_refs},
};


static void usage(FILE *f)
{
	fputs("usage: cowbench report RUN_DIR [--reference[=DIR] | --no-reference]\n"
	      "Writes RUN_DIR/summary.md and RUN_DIR/plots/*.{svg,png} (with the gnuplot\n"
	      "scripts and data) from the run's meta.json and CSVs.\n"
	      "  --reference[=DIR]  overlay published fork latencies from DIR/*.csv\n"
	      "                     (default: on, from the source tree's analysis/reference;\n"
	      "                     COWBENCH_SRC names the source tree)\n"
	      "  --no-reference     no overlay\n",
	      f);
}

/* Options by hand: `--reference DIR` must take DIR only when another
 * argument is left for RUN_DIR, which getopt's optional arguments cannot
 * express. */
void report_parse_args(int argc, char **argv, const char **run_dir, const char **ref_dir,
		       bool *use_refs)
{
	int positional = 0;
	for (int i = 1; i < argc; i++)
		if (argv[i][0] != '-')
			positional++;
	*use_refs = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--no-reference")) {
			*use_refs = false;
		} else if (!strncmp(a, "--reference=", 12)) {
			*use_refs = true;
			*ref_dir = a + 12;
		} else if (!strcmp(a, "--reference")) {
			*use_refs = true;
			if (positional == 2 && i + 1 < argc && argv[i + 1][0] != '-') {
				*ref_dir = argv[++i];
				positional--;
			}
		} else if (a[0] == '-') {
			cb_die(CB_EXIT_USAGE, "report", "unknown option '%s' (try --help)", a);
		} else if (*run_dir) {
			cb_die(CB_EXIT_USAGE, "report", "unexpected argument '%s'", a);
		} else {
			*run_dir = a;
		}
	}
	if (!*run_dir)
		cb_die(CB_EXIT_USAGE, "report", "missing RUN_DIR (try --help)");
}

int report_main(int argc, char **argv)
{
	const char *run_dir = NULL, *ref_dir = NULL;
	bool use_refs;
	report_parse_args(argc, argv, &run_dir, &ref_dir, &use_refs);
	cb_error e;
	if (gp_check_installed(&e) < 0)
		cb_die_err(CB_EXIT_USAGE, "gnuplot", &e);

	struct report r;
	memset(&r, 0, sizeof(r));
	if (run_load(run_dir, &r.run, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "report", &e);
	if (use_refs)
		report_refs_load(&r, ref_dir, ref_dir != NULL);
	else
		snprintf(r.refs_note, sizeof(r.refs_note), "--no-reference was given");
	report_run_flags(&r);
	r.plots_dir = cb_path_join(run_dir, "plots");
	if (cb_make_out_dir(r.plots_dir, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, run_dir, &e);

	/* The sections write the body first, so that the findings they
	 * return can open summary.md above it. */
	char *md_path = cb_path_join(run_dir, "summary.md");
	char *tables_path = cb_path_join(run_dir, "summary-tables.md");
	struct afile md, tables;
	if (afile_open(&md, md_path, &e) < 0 || afile_open(&tables, tables_path, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, run_dir, &e);
	char *body = NULL;
	size_t body_len = 0;
	r.md = open_memstream(&body, &body_len);
	r.tables = tables.fp;
	const char *base = strrchr(run_dir, '/');
	char name[256];
	snprintf(name, sizeof(name), "%s", base && base[1] ? base + 1 : run_dir);
	fprintf(r.tables, "# cowbench report: %s, the tables\n\nEvery per-configuration table of "
			  "[summary.md](summary.md), in the order it links them.\n", name);
	struct findings fd;
	memset(&fd, 0, sizeof(fd));
	for (size_t i = 0; i < CB_ARRAY_SIZE(sections); i++)
		if (sections[i].run(&r, &fd, &e) < 0) {
			fclose(r.md);
			free(body);
			afile_abort(&md);
			afile_abort(&tables);
			cb_die_err(CB_EXIT_FAIL, "report", &e);
		}
	fclose(r.md);
	fprintf(md.fp,
		"# cowbench report: %s\n\n"
		"What fork and copy-on-write cost on this machine, on the host and inside a KVM "
		"guest of our own. Every statistic below is recomputed from the raw samples in "
		"host.csv and vm.csv: medians with distribution-free 95%% confidence intervals "
		"(binomial order statistics; for host timings taken in rounds, the median of the "
		"round medians and an interval over rounds that covers what the next run will "
		"see). \u26a0 marks numbers that are not hardware time; "
		"the reason is spelled out under each table and figure. The per-configuration "
		"tables are in [summary-tables.md](summary-tables.md).\n",
		name);
	report_findings(md.fp, &r, &fd);
	fwrite(body, 1, body_len, md.fp);
	free(body);
	fputs("\n---\nWritten by `cowbench report`; the schemas of the CSVs are in "
	      "results/README.md.\n",
	      md.fp);
	if (afile_commit(&tables, &e) < 0 || afile_commit(&md, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "report", &e);
	free(tables_path);
	fprintf(stderr, "cowbench: report: %s (%zu plots)\n", md_path, r.nplots);
	free(md_path);
	free(r.plots_dir);
	report_findings_free(&fd);
	if (r.have_refs)
		refs_free(&r.refs);
	run_free(&r.run);
	return 0;
}
