/* The fork designs side by side (vm.csv fork_design: full, eager, odf):
 * at every configuration that ran more than one, per design, what fork
 * cost in VM exits and guest page-table stores, what a COW fault cost
 * after it, and the guest's time for fork. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cb_fork_designs.h"
#include "fmt.h"
#include "report_vm.h"

static const char *const designs[VM_DESIGNS] = {CB_FORK_DESIGNS(CB_FORK_DESIGN_NAME)};
static const char *const colors[] = {"#d62728", "#1f77b4", "#2ca02c"};
_Static_assert(CB_ARRAY_SIZE(colors) == VM_DESIGNS, "a colour per fork design");

/* A point: the configuration without its design. */
static const char *const point_keys[] = {"where", "mmu", "guest_page", "cow_policy", "backing",
					 "prefault", "region_bytes", "dirty_pages", NULL};
static const char *const design_keys[] = {"where", "mmu", "guest_page", "cow_policy", "backing",
					  "prefault", "region_bytes", "dirty_pages", "fork_design",
					  NULL};

static bool fork_phase(const struct csv_table *t, size_t row, void *phase)
{
	return !strcmp(csv_get(t, row, csv_col(t, "primitive")), "fork") &&
	       !strcmp(csv_get(t, row, csv_col(t, "phase")), phase);
}

static int design_index(const char *name)
{
	for (int d = 0; d < VM_DESIGNS; d++)
		if (!strcmp(designs[d], name))
			return d;
	return -1;
}

/* The median of fn over the group of `key` in gr; NaN when absent. */
static double med(struct grouping *gr, const char *key, report_row_fn fn, void *arg, size_t *n)
{
	const struct group *g = grouping_find(gr, key);
	if (!g)
		return NAN;
	struct stats_summary s;
	report_summarize(gr, g, fn, arg, &s);
	if (n)
		*n = s.n;
	return s.n ? s.median : NAN;
}

static double us(const struct csv_table *t, size_t row, void *unused)
{
	return report_value(t, row, "ns") / 1e3;
}

/* Fills f from vm.csv: the points (up to VM_DESIGN_POINTS) where at least
 * two designs ran, in the analysis' sort order. */
static void measure(struct vm *v, struct vm_design_findings *f, struct grouping *points,
		    const struct group **pg)
{
	struct grouping create, dirty;
	grouping_build(points, v->t, point_keys, fork_phase, "create");
	grouping_build(&create, v->t, design_keys, fork_phase, "create");
	grouping_build(&dirty, v->t, design_keys, fork_phase, "dirty");
	int cdesign = csv_col(v->t, "fork_design");
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < points->n && f->npoints < VM_DESIGN_POINTS; i++) {
		const struct group *g = &points->g[i];
		struct vm_design_point *p = &f->points[f->npoints];
		memset(p, 0, sizeof(*p));
		int seen = 0;
		for (size_t k = 0; k < g->nrows; k++) {
			int d = design_index(csv_get(v->t, g->rows[k], cdesign));
			if (d >= 0 && !p->have[d]) {
				p->have[d] = true;
				seen++;
			}
		}
		if (seen < 2)
			continue;
		snprintf(p->where, sizeof(p->where), "%s", group_value(points, g, 0));
		snprintf(p->mmu, sizeof(p->mmu), "%s", group_value(points, g, 1));
		for (size_t k = 0, at = 0; k < points->nkeys && at < sizeof(p->config); k++) {
			char buf[64];
			const char *val = group_value(points, g, k);
			if (*val)
				at += (size_t)snprintf(p->config + at, sizeof(p->config) - at, "%s%s",
						       at ? ", " : "",
						       report_label_value(points->keys[k], val, buf,
									  sizeof(buf)));
		}
		p->region_bytes = strtod(group_value(points, g, 6), NULL);
		p->flags = report_vm_flags(v, g);
		struct rowarg exits = {v, C_EXITS};
		for (int d = 0; d < VM_DESIGNS; d++) {
			if (!p->have[d])
				continue;
			char key[1024];
			snprintf(key, sizeof(key), "%s%c%s", g->key, GROUP_SEP, designs[d]);
			struct vm_design_cost *c = &p->cost[d];
			c->create_exits = med(&create, key, report_vm_net, &exits, &c->n);
			c->create_pte_writes = med(&create, key, report_col, "pte_writes", NULL);
			c->full_copies = med(&create, key, report_col, "full_copies", NULL);
			c->create_us = med(&create, key, us, NULL, NULL);
			c->dirty_exits_per_fault = med(&dirty, key, report_vm_net_per_fault, &exits, NULL);
			c->dirty_pt_copies = med(&dirty, key, report_col, "pt_copies", NULL);
			c->dirty_pte_writes = med(&dirty, key, report_col, "pte_writes", NULL);
		}
		pg[f->npoints++] = g;
	}
	grouping_free(&create);
	grouping_free(&dirty);
}

/* One panel: a cluster per point, a bar per design, on a log axis with
 * every bar's value printed (values span 1 to thousands). */
struct panel {
	const char *title, *ylabel;
	size_t off; /* of a double in struct vm_design_cost */
};

static double cost_of(const struct vm_design_point *p, int d, const struct panel *pn)
{
	if (!p->have[d])
		return NAN;
	double x;
	memcpy(&x, (const char *)&p->cost[d] + pn->off, sizeof(x));
	return x;
}

static void panel_plot(struct gp_plot *p, FILE *s, const struct vm_design_findings *f,
		       char **labels, const struct panel *pn, bool key)
{
	char head[160];
	snprintf(head, sizeof(head), "%s", pn->title);
	int blk = gp_block(p, head);
	FILE *dat = gp_data(p);
	char num[32];
	for (size_t i = 0; i < f->npoints; i++) {
		fputs("\"", dat);
		for (const char *c = labels[i]; *c; c++)
			fputc(*c == '"' ? '\'' : *c == '\n' ? ' ' : *c, dat);
		fputs("\"", dat);
		/* a design not measured here: a bar below the axis (gnuplot
		 * refuses a histogram column with no valid value) and no label */
		for (int d = 0; d < VM_DESIGNS; d++) {
			double x = cost_of(&f->points[i], d, pn);
			if (isnan(x))
				fputs(" 0.001 \"\"", dat);
			else
				fprintf(dat, " %g \"%s\"", fmax(x, 0.1), fmt_num(x, num, sizeof(num)));
		}
		fputc('\n', dat);
	}
	/* the configurations as x tics, a line per key that varies */
	fputs("set xtics (", s);
	for (size_t i = 0; i < f->npoints; i++) {
		fputs(i ? ", " : "", s);
		gp_quote(s, labels[i]);
		fprintf(s, " %zu", i);
	}
	fputs(")\nset title ", s);
	gp_quote(s, pn->title);
	fputs("\nset ylabel ", s);
	gp_quote(s, pn->ylabel);
	fputs(key ? "\nset key top left font \",9\"\n" : "\nunset key\n", s);
	fputs("plot ", s);
	for (int d = 0; d < VM_DESIGNS; d++)
		fprintf(s, "%sdat index %d using %d lc rgb \"%s\" title \"%s\"", d ? ", \\\n  " : "",
			blk, 2 + 2 * d, colors[d], designs[d]);
	/* a clustered histogram of 3 bars with gap 1 puts bar d at
	 * x + (d - 1) / 4 */
	for (int d = 0; d < VM_DESIGNS; d++)
		fprintf(s, ", \\\n  dat index %d using ($0 + %g):%d:%d with labels "
			   "offset 0,0.6 font \",7\" notitle",
			blk, (d - 1) / 4.0, 2 + 2 * d, 3 + 2 * d);
	fputc('\n', s);
}

static int figure(struct vm *v, const struct vm_design_findings *f, char **labels, int lines,
		  unsigned flags, cb_error *e)
{
	static const struct panel panels[] = {
		{"fork: VM exits (create phase, net of null)", "VM exits (log scale)",
		 offsetof(struct vm_design_cost, create_exits)},
		{"fork: guest page-table entries written", "entries stored (log scale)",
		 offsetof(struct vm_design_cost, create_pte_writes)},
		{"child's writes: VM exits per COW fault (dirty phase, net)",
		 "exits per COW fault (log scale)", offsetof(struct vm_design_cost, dirty_exits_per_fault)},
		{"fork: guest time (create phase)", "microseconds (log scale)",
		 offsetof(struct vm_design_cost, create_us)},
	};
	struct gp_plot p;
	int width = (int)fmax(1000, 2 * (180.0 * (double)f->npoints + 160));
	if (report_plot_open(v->r, &p, "vm-fork-designs", "fork designs side by side", width,
			     900 + 28 * lines, e) < 0)
		return -1;
	FILE *s = gp_script(&p);
	fputs("set multiplot layout 2,2 title ", s);
	report_plot_title(s, "Fork designs: full, eager, odf (medians)", NULL, flags, true);
	fputs("\nset style data histograms\nset style histogram clustered gap 1\n"
	      "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
	      "set logscale y\nset yrange [0.1:*]\nset grid noxtics ytics\n"
	      "set xtics nomirror norotate font \",8\"\n",
	      s);
	fprintf(s, "set bmargin %d\n", 2 + lines);
	for (size_t i = 0; i < CB_ARRAY_SIZE(panels); i++)
		panel_plot(&p, s, f, labels, &panels[i], i == 0);
	fputs("unset multiplot\n", s);
	return report_figure(v->r, &p, "fork designs side by side", e);
}

static void table(struct vm *v, const struct vm_design_findings *f, char **labels)
{
	static const char *const cols[] = {"configuration", "design", "n", "fork: exits (net)",
					   "fork: PTEs written", "fork: pages copied",
					   "fork: time (us)", "dirty: exits / COW fault",
					   "dirty: tables copied", "dirty: PTEs written", "flags", NULL};
	report_table_head(v->r->md, cols);
	for (size_t i = 0; i < f->npoints; i++) {
		const struct vm_design_point *p = &f->points[i];
		for (int d = 0; d < VM_DESIGNS; d++) {
			if (!p->have[d])
				continue;
			const struct vm_design_cost *c = &p->cost[d];
			char a[32], b[32], cc[32], t[32], x[32], y[32], z[32], fl[160];
			fputs("| ", v->r->md);
			fmt_md_cell(v->r->md, labels[i]);
			fprintf(v->r->md, " | %s | %zu | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				designs[d], c->n, fmt_num(c->create_exits, a, sizeof(a)),
				fmt_num(c->create_pte_writes, b, sizeof(b)),
				fmt_num(c->full_copies, cc, sizeof(cc)), fmt_num(c->create_us, t, sizeof(t)),
				fmt_num(c->dirty_exits_per_fault, x, sizeof(x)),
				fmt_num(c->dirty_pt_copies, y, sizeof(y)),
				fmt_num(c->dirty_pte_writes, z, sizeof(z)),
				report_flag_codes(p->flags, fl, sizeof(fl)));
		}
	}
}

int report_vm_designs(struct vm *v, struct vm_design_findings *out, cb_error *e)
{
	if (csv_col(v->t, "fork_design") < 0)
		return 0;
	struct vm_design_findings f;
	struct grouping points;
	const struct group *pg[VM_DESIGN_POINTS];
	measure(v, &f, &points, pg);
	int rc = 0;
	if (f.npoints) {
		FILE *md = v->r->md;
		fputs("\n### Fork designs: full copy, eager COW, on-demand fork\n\n"
		      "The guest kernel's fork three ways (`fork_design`, results/README.md): `full` "
		      "copies every private page at fork; `eager` copies the page tables and shares "
		      "the pages copy-on-write; `odf` (On-demand-fork, EuroSys 2021) shares the "
		      "last-level page tables too and copies one on the first write in its 2 MiB span. "
		      "Under shadow paging every store to a guest page table the hypervisor shadows "
		      "is one it must handle, so `eager` pays at fork what `odf` defers; under nested "
		      "paging (NPT/EPT) guest page-table stores cost no exit. KVM's own shadow MMU "
		      "(`mmu=shadow`) narrows the gap: it lets a last-level guest table it shadows "
		      "go out of sync (its `mmu_unsync` statistic) instead of trapping every store "
		      "into it, so eager's stores there cost about an exit per table, not per page; "
		      "`full` pays for the shadow entries of every page it copies. Medians over the "
		      "samples of each configuration that ran more than one design; exits net of "
		      "the null phase.\n\n",
		      md);
		char **labels = cb_xcalloc(f.npoints, sizeof(*labels));
		char common[512];
		report_varying_labels(&points, pg, f.npoints, true, labels, common, sizeof(common));
		unsigned flags = 0;
		for (size_t i = 0; i < f.npoints; i++)
			flags |= f.points[i].flags;
		int lines = 1;
		for (size_t i = 0; i < f.npoints; i++) {
			int l = 1;
			for (const char *c = labels[i]; *c; c++)
				l += *c == '\n';
			lines = l > lines ? l : lines;
		}
		rc = figure(v, &f, labels, lines, flags, e);
		if (rc == 0) {
			report_flags(v->r, flags);
			report_vm_common_line(md, common);
			table(v, &f, labels);
		}
		report_vm_free_labels(labels, f.npoints);
	}
	grouping_free(&points);
	if (out)
		*out = f;
	return rc;
}
