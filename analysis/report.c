/* cowbench report RUN_DIR: summary.md and plots/ from a run's raw results. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "analysis.h"
#include "fmt.h"
#include "mclass.h"

static const struct {
	unsigned flag;
	const char *code, *text;
} flag_info[] = {
	{RF_PVM, "pvm-shadow",
	 "`mmu=pvm-shadow`: KVM's PVM emulates guest ring 0 (about 2 µs per instruction), so "
	 "guest timings here are not hardware time; exit and fault counts are exact."},
	{RF_TCG, "nested-tcg",
	 "`where=nested-tcg`: everything ran under QEMU's TCG emulator, so timings are not "
	 "hardware time; counts are exact."},
	{RF_TIMING_INVALID, "timing-invalid",
	 "rows with `timing_valid=false`: the VMM marked their guest cycles as not hardware time."},
	{RF_NOT_CONVERGED, "not-converged",
	 "configurations that did not converge (`converged=false` in host-summary.csv): the "
	 "time or repetition cap stopped them before their median's 95% CI reached the target "
	 "width, so their medians are less certain than the rest."},
	{RF_NO_PERF, "perf-unsupported", NULL /* built from meta.json */},
};

const char *report_flag_codes(unsigned flags, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < CB_ARRAY_SIZE(flag_info); i++)
		if (flags & flag_info[i].flag && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "\u26a0 ",
					       flag_info[i].code);
	return buf;
}

void report_flags(struct report *r, unsigned flags)
{
	bool any = false;
	for (size_t i = 0; i < CB_ARRAY_SIZE(flag_info); i++) {
		if (!(flags & flag_info[i].flag))
			continue;
		/* one blockquote, a paragraph per flag */
		fputs(any ? ">\n" : "\n", r->md);
		any = true;
		if (flag_info[i].flag == RF_NO_PERF)
			fprintf(r->md,
				"> \u26a0 **perf-unsupported**: perf counters unsupported on this "
				"machine (%s): these timings come from the clock alone and cannot be "
				"cross-checked against cycle counts.\n",
				r->perf_missing);
		else
			fprintf(r->md, "> \u26a0 **%s**: %s\n", flag_info[i].code, flag_info[i].text);
	}
	if (any)
		fputc('\n', r->md);
}

int report_plot_open(struct report *r, struct gp_plot *p, const char *name, const char *what,
		     int width, int height, cb_error *e)
{
	return gp_open(p, r->plots_dir, name, what, width, height, e);
}

int report_figure(struct report *r, struct gp_plot *p, const char *alt, cb_error *e)
{
	char *name = cb_xstrdup(p->name); /* gp_render frees the plot's */
	int rc = gp_render(p, e);
	if (rc == 0) {
		fprintf(r->md,
			"![%s](plots/%s.png)\n\n"
			"[SVG](plots/%s.svg) · gnuplot [script](plots/%s.gp) and [data](plots/%s.dat)\n",
			alt, name, name, name, name);
		r->nplots++;
	}
	free(name);
	return rc;
}

void report_plot_title(FILE *script, const char *head, const char *common, unsigned flags,
		       bool multiplot)
{
	char codes[200];
	report_flag_codes(flags, codes, sizeof(codes));
	size_t len = strlen(head) + (common ? strlen(common) : 0) + strlen(codes) + 16;
	char *t = cb_xmalloc(len);
	/* "(!)" rather than the warning sign: not every font has it */
	snprintf(t, len, "%s%s%s%s%s", head, common && *common ? "\n" : "", common ? common : "",
		 codes[0] ? "\n(!) " : "", codes[0] ? codes + strlen("\u26a0 ") : "");
	if (!multiplot)
		fputs("set title ", script);
	gp_quote(script, t);
	fputs(multiplot ? " font \",13\"" : " font \",11\"\n", script);
	free(t);
}

void report_table_head(FILE *f, const char *const *cols)
{
	fputc('\n', f);
	for (size_t i = 0; cols[i]; i++)
		fprintf(f, "| %s ", cols[i]);
	fputs("|\n", f);
	for (size_t i = 0; cols[i]; i++)
		fputs("|---", f);
	fputs("|\n", f);
}

void report_summarize(const struct grouping *gr, const struct group *g, report_row_fn fn,
		      void *arg, struct stats_summary *s)
{
	/* stats_summarize drops the NaNs */
	double *v = cb_xmalloc((g->nrows ? g->nrows : 1) * sizeof(*v));
	for (size_t i = 0; i < g->nrows; i++)
		v[i] = fn(gr->t, g->rows[i], arg);
	stats_summarize(v, g->nrows, s);
	free(v);
}

double report_value(const struct csv_table *t, size_t row, const char *col)
{
	return csv_get_double(t, row, csv_col(t, col));
}

double report_col(const struct csv_table *t, size_t row, void *col_name)
{
	return report_value(t, row, col_name);
}

static const struct {
	const char *name, *color;
	int pt;
} styles[] = {
	{"fork", "#1f77b4", 7},	    {"vfork", "#ff7f0e", 5},	   {"clone_vm", "#2ca02c", 9},
	{"posix_spawn", "#d62728", 11}, {"spawn", "#d62728", 11}, {"fork_exec", "#9467bd", 13},
	{"vfork_exec", "#8c564b", 15},
};

const char *report_color(const char *name)
{
	for (size_t i = 0; i < CB_ARRAY_SIZE(styles); i++)
		if (!strcmp(styles[i].name, name))
			return styles[i].color;
	return "#7f7f7f";
}

int report_point_type(const char *name)
{
	for (size_t i = 0; i < CB_ARRAY_SIZE(styles); i++)
		if (!strcmp(styles[i].name, name))
			return styles[i].pt;
	return 3;
}

/* A key value as a reader wants it in a label: "prefaulted" rather than
 * prefault=yes, "2M region" rather than region_bytes=2097152. */
const char *report_label_value(const char *key, const char *v, char *buf, size_t len)
{
	char sz[32];
	if (!strcmp(key, "prefault"))
		return !strcmp(v, "yes") ? "prefaulted" : !strcmp(v, "no") ? "lazy" : v;
	if (!strcmp(key, "guest_page"))
		snprintf(buf, len, "guest %s", v);
	else if (!strcmp(key, "cow_policy"))
		snprintf(buf, len, "cow=%s", v);
	else if (!strcmp(key, "region_bytes"))
		snprintf(buf, len, "%s region", fmt_bytes(strtod(v, NULL), sz, sizeof(sz)));
	else if (strstr(key, "bytes"))
		snprintf(buf, len, "%s", fmt_bytes(strtod(v, NULL), sz, sizeof(sz)));
	else if (!strcmp(key, "dirty_pages"))
		snprintf(buf, len, "%s dirty", v);
	else
		return v;
	return buf;
}

void report_varying_labels(const struct grouping *gr, const struct group *const *gs, size_t n,
			   bool multiline, char **labels, char *common, size_t common_len)
{
	bool varies[GROUP_MAX_KEYS] = {0};
	for (size_t k = 0; k < gr->nkeys; k++)
		for (size_t i = 1; i < n; i++)
			if (strcmp(group_value(gr, gs[i], k), group_value(gr, gs[0], k)))
				varies[k] = true;
	size_t at = 0;
	if (common_len)
		common[0] = '\0';
	for (size_t k = 0; k < gr->nkeys && n; k++) {
		const char *v = group_value(gr, gs[0], k);
		char buf[64];
		if (!varies[k] && *v && at < common_len)
			at += (size_t)snprintf(common + at, common_len - at, "%s%s", at ? ", " : "",
					       report_label_value(gr->keys[k], v, buf, sizeof(buf)));
	}
	for (size_t i = 0; i < n; i++) {
		char out[512];
		size_t l = 0;
		out[0] = '\0';
		for (size_t k = 0; k < gr->nkeys; k++) {
			const char *v = group_value(gr, gs[i], k);
			char buf[64];
			if (!varies[k] || !*v || l >= sizeof(out))
				continue;
			l += (size_t)snprintf(out + l, sizeof(out) - l, "%s%s",
					      l ? (multiline ? "\n" : " ") : "",
					      report_label_value(gr->keys[k], v, buf, sizeof(buf)));
		}
		labels[i] = cb_xstrdup(!l ? "all" : out);
	}
}

/* --- environment header --- */

/* A meta.json value as text.  Returns one of a ring of buffers, so a
 * single printf can show several. */
static const char *meta_text(const json_t *meta, const char *path)
{
	static char ring[12][256];
	static unsigned next;
	char *buf = ring[next++ % CB_ARRAY_SIZE(ring)];
	size_t len = sizeof(ring[0]);
	json_t *j = run_meta_get(meta, path);
	if (json_is_string(j))
		snprintf(buf, len, "%s", json_string_value(j));
	else if (json_is_integer(j))
		snprintf(buf, len, "%lld", (long long)json_integer_value(j));
	else if (json_is_real(j))
		snprintf(buf, len, "%g", json_real_value(j));
	else if (json_is_boolean(j))
		snprintf(buf, len, "%s", json_is_true(j) ? "yes" : "no");
	else
		snprintf(buf, len, "unknown");
	return buf;
}

static void perf_flags(struct report *r)
{
	json_t *perf = run_meta_get(r->run.meta, "perf");
	const char *k;
	json_t *v;
	size_t at = 0;
	json_object_foreach(perf, k, v)
	{
		if (json_is_string(v) && !strcmp(json_string_value(v), "unsupported") &&
		    at < sizeof(r->perf_missing))
			at += (size_t)snprintf(r->perf_missing + at, sizeof(r->perf_missing) - at,
					       "%s%s", at ? ", " : "", k);
	}
	if (at)
		r->run_flags |= RF_NO_PERF;
}

static void env_header(struct report *r)
{
	FILE *f = r->md;
	const json_t *m = r->run.meta;
	if (!m) {
		fputs("\n## Environment\n\nNo meta.json in this run (`cowbench env --out RUN_DIR` "
		      "writes it): the machine is undescribed, and nothing below can be checked "
		      "against it.\n",
		      f);
		return;
	}
	fputs("\n## Environment\n\n| | |\n|---|---|\n", f);
	fprintf(f, "| CPU | %s (%s, family %s model %s stepping %s), %s logical CPUs |\n",
		meta_text(m, "cpu.brand"), meta_text(m, "cpu.vendor"),
		meta_text(m, "cpu.family"), meta_text(m, "cpu.model"),
		meta_text(m, "cpu.stepping"),
		meta_text(m, "fingerprint.logical_cpus"));
	json_t *hv = run_meta_get(m, "cpu.flags.hypervisor");
	if (json_is_true(hv))
		fprintf(f, "| Host is itself a VM | yes (hypervisor signature %s) |\n",
			meta_text(m, "cpu.hypervisor_signature"));
	fprintf(f, "| Kernel | %s (mitigations=%s) |\n", meta_text(m, "kernel.release"),
		meta_text(m, "kernel.mitigations"));
	fprintf(f, "| Memory | %s GiB |\n", meta_text(m, "fingerprint.mem_total_gib"));
	fprintf(f, "| THP | enabled=%s, defrag=%s |\n",
		meta_text(m, "memory.thp.enabled"),
		meta_text(m, "memory.thp.defrag"));
	fprintf(f, "| Huge pages | 2 MiB: %s total, %s free; 1 GiB: %s total, %s free |\n",
		meta_text(m, "memory.hugepages.2m.total"),
		meta_text(m, "memory.hugepages.2m.free"),
		meta_text(m, "memory.hugepages.1g.total"),
		meta_text(m, "memory.hugepages.1g.free"));
	fprintf(f, "| KVM | /dev/kvm present: %s, usable: %s; module %s; MMU **%s**; nested: %s |\n",
		meta_text(m, "kvm.dev_present"), meta_text(m, "kvm.dev_usable"),
		meta_text(m, "kvm.module"), meta_text(m, "kvm.mmu"),
		meta_text(m, "kvm.nested"));
	fputs("| perf | ", f);
	json_t *perf = run_meta_get(m, "perf");
	const char *k;
	json_t *v;
	bool first = true;
	json_object_foreach(perf, k, v)
	{
		if (!json_is_string(v))
			continue;
		fprintf(f, "%s%s: %s", first ? "" : ", ", k, json_string_value(v));
		first = false;
	}
	fprintf(f, "%s |\n", first ? "unknown" : "");
	fprintf(f, "| Power | governor %s, boost %s, SMT active %s |\n",
		meta_text(m, "power.governor"), meta_text(m, "power.boost"),
		meta_text(m, "power.smt_active"));
	fprintf(f, "| cowbench | %s, commit %s, %s |\n", meta_text(m, "cowbench.version"),
		meta_text(m, "cowbench.commit"),
		meta_text(m, "cowbench.compiler"));
	cb_error e;
	char cls[160];
	if (mclass_from_meta(m, cls, sizeof(cls), &e) == 0)
		fprintf(f, "| Machine class | `%s` (baseline: results/reference/%s/) |\n", cls, cls);
	fprintf(f, "| Run | %s on %s |\n", meta_text(m, "date_utc"),
		meta_text(m, "hostname"));
	report_flags(r, r->run_flags);
}

/* --- published figures --- */

static void load_refs(struct report *r, const char *dir, bool explicit_dir)
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

void report_refs_table(struct report *r)
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
	report_table_head(f, cols);
	for (size_t i = 0; i < r->refs.n; i++) {
		const struct ref_point *p = &r->refs.p[i];
		char sz[32], v[32];
		const char *cells[] = {p->source, p->year, p->machine, p->kernel, p->primitive,
				       p->page_mode, fmt_bytes(p->mem_bytes, sz, sizeof(sz)),
				       p->metric, fmt_ns(p->value_ns, v, sizeof(v)),
				       p->plotted ? "yes" : p->why, p->note};
		for (size_t c = 0; c < CB_ARRAY_SIZE(cells); c++) {
			fputs("| ", f);
			fmt_md_cell(f, cells[c]);
			fputc(' ', f);
		}
		fputs("|\n", f);
	}
}

/* --- the command --- */

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
		load_refs(&r, ref_dir, ref_dir != NULL);
	else
		snprintf(r.refs_note, sizeof(r.refs_note), "--no-reference was given");
	perf_flags(&r);
	r.plots_dir = cb_path_join(run_dir, "plots");
	if (cb_make_out_dir(r.plots_dir, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, run_dir, &e);

	char *md_path = cb_path_join(run_dir, "summary.md");
	struct afile md;
	if (afile_open(&md, md_path, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, run_dir, &e);
	r.md = md.fp;
	const char *base = strrchr(run_dir, '/');
	char name[256];
	snprintf(name, sizeof(name), "%s", base && base[1] ? base + 1 : run_dir);
	fprintf(r.md,
		"# cowbench report: %s\n\n"
		"What fork and copy-on-write cost on this machine, on the host and inside a KVM "
		"guest of our own. Every statistic below is recomputed from the raw samples in "
		"host.csv and vm.csv: medians with distribution-free 95%% confidence intervals "
		"(binomial order statistics). \u26a0 marks numbers that are not hardware time; "
		"the reason is spelled out under each table and figure.\n",
		name);
	env_header(&r);
	int rc = report_host(&r, &e);
	if (rc == 0)
		rc = report_vm(&r, &e);
	if (rc == 0) {
		report_crosscheck(&r);
		report_refs_table(&r);
	}
	if (rc < 0) {
		afile_abort(&md);
		cb_die_err(CB_EXIT_FAIL, "report", &e);
	}
	fputs("\n---\nWritten by `cowbench report`; the schemas of the CSVs are in "
	      "results/README.md.\n",
	      r.md);
	if (afile_commit(&md, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "report", &e);
	fprintf(stderr, "cowbench: report: %s (%zu plots)\n", md_path, r.nplots);
	free(md_path);
	free(r.plots_dir);
	if (r.have_refs)
		refs_free(&r.refs);
	run_free(&r.run);
	return 0;
}
