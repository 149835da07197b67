/* The published figures: loading analysis/reference/, and the section
 * that lists them with whether the host section could draw each. */
#include "report.h"

#include <stdlib.h>

#include "analysis.h"
#include "fmt.h"

void report_refs_load(struct report *r, const char *dir, bool explicit_dir)
{
	cb_error e;
	char *d = dir ? cb_xstrdup(dir) : refs_default_dir();
	if (!d) {
		snprintf(r->refs_note, sizeof(r->refs_note),
			 "no analysis/reference folder found (set COWBENCH_SRC to the source tree, "
			 "or pass --reference DIR)");
		return;
	}
	if (refs_load(d, &r->refs, &e) < 0) {
		if (explicit_dir)
			cb_die_err(CB_EXIT_USAGE, "--reference", &e);
		cb_die_err(CB_EXIT_USAGE, "reference", &e);
	}
	free(d);
	r->have_refs = true;
}

void report_refs_table(struct report *r, const struct host_findings *host)
{
	FILE *f = r->md;
	fputs("\n## Published figures\n", f);
	if (!r->have_refs) {
		fprintf(f, "\nNo overlay: %s.\n", r->refs_note);
		return;
	}
	fprintf(f,
		"\nFrom `%s` (the rows come from the cited papers and documentation). Create "
		"latencies (`create`, `create_mean`) are drawn on the fork-latency plot as open "
		"diamonds labelled \"source, machine\", in the panel of their page mode, where this "
		"run measured the same primitive; `huge2m` (figures taken with THP-backed memory) is "
		"drawn in the `thp` panel. Other metrics are not comparable with `create_ns` and "
		"are listed only.\n",
		r->refs.dir);
	static const char *const cols[] = {"source", "year", "machine", "kernel", "primitive",
					   "page mode", "parent size", "metric", "value",
					   "on the plot", "note", NULL};
	size_t drawn = 0;
	for (size_t i = 0; i < r->refs.n; i++)
		drawn += host->refs[i].plotted;
	fprintf(f, "\n%zu published figures, %zu of them drawn.\n", r->refs.n, drawn);
	f = report_appendix(r, "published", "Published figures");
	report_table_head(f, cols);
	for (size_t i = 0; i < r->refs.n; i++) {
		const struct ref_point *p = &r->refs.p[i];
		const struct ref_use *use = &host->refs[i];
		char sz[32], v[32];
		const char *cells[] = {p->source, p->year, p->machine, p->kernel, p->primitive,
				       p->page_mode, fmt_bytes(p->mem_bytes, sz, sizeof(sz)),
				       p->metric, fmt_ns(p->value_ns, v, sizeof(v)),
				       use->plotted ? "yes" : use->why, p->note};
		for (size_t c = 0; c < CB_ARRAY_SIZE(cells); c++) {
			fputs("| ", f);
			fmt_md_cell(f, cells[c]);
			fputc(' ', f);
		}
		fputs("|\n", f);
	}
}
