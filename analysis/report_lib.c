/* The report's helper layer: flags, tables, figures, labels and colours
 * that every section draws with. */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

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

FILE *report_appendix(struct report *r, const char *anchor, const char *title)
{
	fprintf(r->md, "\nTable: [%s](summary-tables.md#%s)\n", title, anchor);
	fprintf(r->tables, "\n<a id=\"%s\"></a>\n\n## %s\n", anchor, title);
	return r->tables;
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

void report_time_summary(const struct grouping *gr, const struct group *g, report_row_fn fn,
			 void *arg, struct stats_summary *s)
{
	int rc = csv_col(gr->t, "round");
	if (rc < 0) {
		report_summarize(gr, g, fn, arg, s);
		return;
	}
	double *x = cb_xmalloc((g->nrows ? g->nrows : 1) * sizeof(*x));
	int *round = cb_xmalloc((g->nrows ? g->nrows : 1) * sizeof(*round));
	for (size_t i = 0; i < g->nrows; i++) {
		x[i] = fn(gr->t, g->rows[i], arg);
		round[i] = stats_unit_id(csv_get_double(gr->t, g->rows[i], rc));
	}
	stats_summarize_by_round(x, round, g->nrows, s);
	free(x);
	free(round);
}

double report_value(const struct csv_table *t, size_t row, const char *col)
{
	return csv_get_double(t, row, csv_col(t, col));
}

double report_col(const struct csv_table *t, size_t row, void *col_name)
{
	return report_value(t, row, col_name);
}

bool report_host_classic(const struct csv_table *t, size_t row, void *arg)
{
	(void)arg;
	for (size_t k = 0; run_host_keys[k]; k++) {
		const char *def = run_host_dim_default(run_host_keys[k]);
		int c = csv_col(t, run_host_keys[k]);
		if (def && c >= 0) {
			char a[64], b[64];
			if (strcmp(group_norm_field(csv_get(t, row, c), a, sizeof(a)),
				   group_norm_field(def, b, sizeof(b))))
				return false;
		}
	}
	return true;
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

size_t report_mode_add(const char **modes, size_t n, size_t max, const char *mode)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(modes[k], mode))
			return n;
	if (n < max)
		modes[n++] = mode;
	return n;
}

void report_modes_sort(const char **modes, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && group_cmp_values("page_mode", modes[j - 1], modes[j]) > 0; j--) {
			const char *x = modes[j];
			modes[j] = modes[j - 1];
			modes[j - 1] = x;
		}
}
