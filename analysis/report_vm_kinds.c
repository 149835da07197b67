/* The VM report per phase: which kinds of VM exits each phase takes, and
 * every KVM statistic that changed (vm-stats.csv). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "afile.h"
#include "csv.h"
#include "report_vm.h"

/* The vm-stats.csv rows of a vm.csv row's sample and phase; NULL when
 * none changed. */
static const struct group *row_stats(const struct vm *v, size_t row)
{
	char a[64], b[64], key[140];
	snprintf(key, sizeof(key), "%s%c%s",
		 group_norm_field(csv_get(v->t, row, csv_col(v->t, "sample")), a, sizeof(a)),
		 GROUP_SEP, group_norm_field(csv_get(v->t, row, csv_col(v->t, "phase")), b, sizeof(b)));
	return grouping_find(&v->stats, key);
}

static double halt_exits(struct vm *v, size_t row)
{
	const struct csv_table *st = v->stats.t;
	if (!st)
		return NAN;
	const struct group *g = row_stats(v, row);
	int src = csv_col(st, "source"), stat = csv_col(st, "stat");
	for (size_t i = 0; g && i < g->nrows; i++)
		if (!strcmp(csv_get(st, g->rows[i], stat), "halt_exits") &&
		    !strcmp(csv_get(st, g->rows[i], src), "vcpu"))
			return csv_get_double(st, g->rows[i], csv_col(st, "delta"));
	return 0; /* vm-stats lists what changed: absent means 0 */
}

/* Exit kinds that partition `exits` (approximately: KVM counts a #PF
 * exit in pf_taken, and again in pf_guest when it reflects the fault into
 * the guest, so the reflected ones are taken out of the KVM-fixed bar). */
enum { K_PF_KVM, K_PF_GUEST, K_INVLPG, K_VMM, K_OTHER, K_COUNT, K_HALT = K_COUNT };
static const struct {
	const char *title, *color;
} kinds[K_COUNT] = {
	{"#PF fixed by KVM (pf_taken - pf_guest)", "#1f77b4"},
	{"#PF reflected to the guest (pf_guest)", "#aec7e8"},
	{"INVLPG (invlpg)", "#ff7f0e"},
	{"to the VMM: hypercalls, marks (vmm_exits)", "#2ca02c"},
	{"other exits (exits - the above)", "#c7c7c7"},
};

/* Exits to userspace: vmm_exits counts them all (hypercalls, console,
 * signals); without it io_exits is the nearest, though PVM leaves it 0. */
static double vmm_exits(const struct csv_table *t, size_t row)
{
	double v = report_value(t, row, "vmm_exits");
	return isnan(v) ? report_value(t, row, "io_exits") : v;
}

static double kind_value(const struct csv_table *t, size_t row, void *arg)
{
	struct rowarg *a = arg;
	if (a->c == K_HALT)
		return halt_exits(a->v, row);
	double pf = report_value(t, row, "pf_taken"), pg = report_value(t, row, "pf_guest");
	double exits = report_value(t, row, "exits");
	double part[K_COUNT] = {
		[K_PF_KVM] = isnan(pf) ? NAN : fmax(0, pf - (isnan(pg) ? 0 : pg)),
		[K_PF_GUEST] = pg, [K_INVLPG] = report_value(t, row, "invlpg"), [K_VMM] = vmm_exits(t, row),
	};
	double sum = 0;
	for (int k = 0; k < K_OTHER; k++)
		sum += isnan(part[k]) ? 0 : part[k];
	part[K_OTHER] = isnan(exits) ? NAN : fmax(0, exits - sum);
	return part[a->c];
}

/* --- exit kinds per phase --- */

/* null (the marks alone) and populate (once per boot) are in the table;
 * the plot is about what the primitives cost, which populate would dwarf. */
static bool plotted_phase(const char *phase)
{
	return strcmp(phase, "null") && strcmp(phase, "populate");
}

struct kcfg {
	const struct group *g;	/* its first phase group */
	size_t first, end;	/* its phase groups in v->phases */
	size_t nplot;		/* of them plotted */
};

static void kind_block(struct vm *v, struct gp_plot *p, const struct kcfg *c, const char *label)
{
	char comment[600];
	snprintf(comment, sizeof(comment), "%s: phase, pf_kvm, pf_guest, invlpg, vmm, other, exits",
		 label);
	gp_block(p, comment);
	for (size_t i = c->first; i < c->end; i++) {
		const struct group *g = &v->phases.g[i];
		const char *phase = group_value(&v->phases, g, v->phases.nkeys - 1);
		if (!plotted_phase(phase))
			continue;
		fprintf(gp_data(p), "%s", phase);
		for (int k = 0; k < K_COUNT; k++) {
			struct rowarg ra = {v, k};
			struct stats_summary st;
			report_summarize(&v->phases, g, kind_value, &ra, &st);
			fprintf(gp_data(p), " %g", st.n ? st.median : 0);
		}
		struct stats_summary ex;
		report_summarize(&v->phases, g, report_col, "exits", &ex);
		fprintf(gp_data(p), " %g\n", ex.n ? ex.median : NAN);
	}
}

/* Whether two configurations share the boot settings (the view's keys
 * after where, mmu and primitive). */
static bool same_boot(const struct grouping *view, const struct group *a, const struct group *b)
{
	for (size_t k = 3; k < view->nkeys; k++)
		if (strcmp(group_value(view, a, k), group_value(view, b, k)))
			return false;
	return true;
}

static bool same_panel(const struct grouping *view, const struct group *a, const struct group *b)
{
	return !strcmp(group_value(view, a, 0), group_value(view, b, 0)) &&
	       !strcmp(group_value(view, a, 1), group_value(view, b, 1));
}

/* One panel per (where, mmu), each with its own scale, showing every
 * primitive at one boot setting: the first in the documented order.  A
 * full matrix (page sizes x backings x prefault x policies) would need
 * hundreds of bars; the table under the figure has every configuration. */
static int kinds_plot(struct vm *v, const struct grouping *view, struct kcfg *cfg, size_t ncfg,
		      unsigned flags, cb_error *e)
{
	struct report *r = v->r;
	const struct kcfg *panel[16];
	size_t npanels = 0, most_bars = 0;
	for (size_t c = 0; c < ncfg; c++) {
		if (!cfg[c].nplot)
			continue;
		bool seen = false;
		for (size_t p = 0; p < npanels; p++)
			seen |= same_panel(view, panel[p]->g, cfg[c].g);
		if (!seen && npanels < CB_ARRAY_SIZE(panel))
			panel[npanels++] = &cfg[c];
	}
	if (!npanels)
		return 1;
	const struct group **mine = cb_xcalloc(ncfg, sizeof(*mine));
	const struct kcfg **mine_cfg = cb_xcalloc(ncfg, sizeof(*mine_cfg));
	char **labels = cb_xcalloc(ncfg, sizeof(*labels));
	size_t shown = 0, plottable = 0;
	for (size_t c = 0; c < ncfg; c++)
		plottable += cfg[c].nplot > 0;
	for (size_t p = 0; p < npanels; p++) {
		size_t bars = 0;
		for (size_t c = 0; c < ncfg; c++)
			if (cfg[c].nplot && same_panel(view, cfg[c].g, panel[p]->g) &&
			    same_boot(view, cfg[c].g, panel[p]->g)) {
				bars += cfg[c].nplot + 1;
				shown++;
			}
		most_bars = bars > most_bars ? bars : most_bars;
	}
	int width = (int)fmin(2400, fmax(1000, 56.0 * (double)most_bars + 520));
	struct gp_plot p;
	int rc = report_plot_open(r, &p, "vm-exit-kinds", "VM exits by kind, per phase", width,
				  (int)(360 * npanels + 110), e);
	if (rc < 0)
		goto out;
	FILE *s = gp_script(&p);
	char head[200];
	snprintf(head, sizeof(head), "VM exits by kind, per phase (medians; %zu of %zu configurations, "
		 "the rest in the table)", shown, plottable);
	fprintf(s, "set multiplot layout %zu,1 title ", npanels);
	report_plot_title(s, head, NULL, flags, true);
	fputs("\nset style data histograms\nset style histogram rowstacked\n"
	      "set style fill solid 0.9 border rgb \"#555555\"\nset boxwidth 0.75 relative\n"
	      "set yrange [0:*]\nset ylabel \"VM exits per phase\"\n"
	      "set grid noxtics ytics\nset xtics nomirror norotate font \",8\"\n"
	      "set bmargin 4\n",
	      s);
	/* fixed margins keep the panels aligned; the key takes ~400 px */
	fprintf(s, "set lmargin at screen %.3f\nset rmargin at screen %.3f\n", 70.0 / width,
		1 - 420.0 / width);
	for (size_t pi = 0; pi < npanels; pi++) {
		size_t m = 0;
		for (size_t c = 0; c < ncfg; c++)
			if (cfg[c].nplot && same_panel(view, cfg[c].g, panel[pi]->g) &&
			    same_boot(view, cfg[c].g, panel[pi]->g)) {
				mine_cfg[m] = &cfg[c];
				mine[m++] = cfg[c].g;
			}
		/* the panel title names the place, MMU and boot setting; the
		 * bars' groups only the primitive */
		char boot[512];
		size_t at = (size_t)snprintf(boot, sizeof(boot), "%s, %s:", group_value(view, panel[pi]->g, 0),
					     group_value(view, panel[pi]->g, 1));
		for (size_t k = 3; k < view->nkeys && at < sizeof(boot); k++) {
			const char *val = group_value(view, panel[pi]->g, k);
			char buf[64];
			if (*val)
				at += (size_t)snprintf(boot + at, sizeof(boot) - at, "%s %s", k > 3 ? "," : "",
						       report_label_value(view->keys[k], val, buf, sizeof(buf)));
		}
		report_varying_labels(view, mine, m, false, labels, NULL, 0);
		fputs("\nset title ", s);
		gp_quote(s, boot);
		fputc('\n', s);
		if (pi == 0)
			fputs("set key outside right top font \",9\" box lc rgb \"#bbbbbb\"\n", s);
		else
			fputs("unset key\n", s);
		fputs("plot ", s);
		double x = 0;
		for (size_t c = 0; c < m; c++) {
			int blk = p.blocks;
			kind_block(v, &p, mine_cfg[c], labels[c]);
			fprintf(s, "%snewhistogram ", c ? ", \\\n  " : "");
			/* a blank first line keeps the label clear of the phase tics */
			char *t = cb_xmalloc(strlen(labels[c]) + 2);
			sprintf(t, "\n%s", m > 1 ? labels[c] : "");
			gp_quote(s, t);
			free(t);
			fprintf(s, " font \",10\" at %g", x);
			for (int k = 0; k < K_COUNT; k++) {
				fprintf(s, ", \\\n    dat index %d using %d%s lc rgb \"%s\" ", blk, k + 2,
					k == 0 ? ":xtic(1)" : "", kinds[k].color);
				if (c || pi)
					fputs("notitle", s);
				else {
					fputs("title ", s);
					gp_quote(s, kinds[k].title);
				}
			}
			fprintf(s, ", \\\n    dat index %d using ($0+%g):%d with points pt 7 ps 0.9 lc rgb \"black\" %s",
				blk, x, K_COUNT + 2, c || pi ? "notitle" : "title \"exits (median)\"");
			x += (double)mine_cfg[c]->nplot + 1;
		}
		fputc('\n', s);
		for (size_t i = 0; i < m; i++)
			free(labels[i]);
	}
	fputs("unset multiplot\n", s);
	rc = report_figure(r, &p, "VM exits by kind, per phase", e);
out:
	free(mine);
	free(mine_cfg);
	free(labels);
	return rc;
}

int report_vm_exit_kinds(struct vm *v, cb_error *e)
{
	struct report *r = v->r;
	FILE *f = r->md;
	fputs("\n### VM exits by kind, per phase\n\n"
	      "Medians per phase of KVM's counters, split into kinds that add up to `exits`: a "
	      "#PF exit is counted by KVM in `pf_taken`, and again in `pf_guest` when it is "
	      "reflected into the guest, so the stack shows `pf_taken - pf_guest` and `pf_guest` "
	      "separately; exits to our VMM (`vmm_exits`: hypercalls, the marks, console) are "
	      "their own kind; whatever no counter explains is \"other\" (on PVM: the emulated "
	      "instructions of guest ring 0, among others). The black dot is the median of "
	      "`exits` itself (medians of parts need not add up exactly). One panel per place "
	      "and MMU mode, each with its own scale. `tlb_flush` and `insn_emulation` count "
	      "work inside exits, not exits, so they are in the table only, as are the `null` "
	      "and `populate` phases.\n\n",
	      f);
	/* configurations = runs of phase groups that share everything but the phase */
	struct kcfg *cfg = cb_xcalloc(v->phases.n + 1, sizeof(*cfg));
	size_t ncfg = 0;
	for (size_t i = 0; i < v->phases.n; i++) {
		const char *k = v->phases.g[i].key;
		size_t cut = (size_t)(strrchr(k, GROUP_SEP) - k);
		if (!ncfg || strncmp(cfg[ncfg - 1].g->key, k, cut) || cfg[ncfg - 1].g->key[cut] != GROUP_SEP) {
			if (ncfg)
				cfg[ncfg - 1].end = i;
			cfg[ncfg].g = &v->phases.g[i];
			cfg[ncfg++].first = i;
		}
		cfg[ncfg - 1].nplot += plotted_phase(group_value(&v->phases, &v->phases.g[i], v->phases.nkeys - 1));
	}
	if (ncfg)
		cfg[ncfg - 1].end = v->phases.n;
	unsigned flags = 0;
	for (size_t i = 0; i < v->phases.n; i++)
		flags |= report_vm_flags(v, &v->phases.g[i]);
	struct grouping view = v->phases; /* the configuration keys, without the phase */
	view.nkeys--;
	int rc = kinds_plot(v, &view, cfg, ncfg, flags, e);
	if (rc > 0) {
		fputs("\nOnly `null` and `populate` phases in this run: nothing to draw.\n", f);
		rc = 0;
	}
	if (rc == 0) {
		report_flags(r, flags);
		f = report_appendix(r, "vm-phases", "Every VM configuration and phase");
		const struct group **gs = cb_xcalloc(ncfg + 1, sizeof(*gs));
		char **labels = cb_xcalloc(ncfg + 1, sizeof(*labels));
		for (size_t c = 0; c < ncfg; c++)
			gs[c] = cfg[c].g;
		char common[512];
		report_varying_labels(&view, gs, ncfg, false, labels, common, sizeof(common));
		report_vm_common_line(f, common);
		static const char *const cols[] = {"configuration", "phase", "n", "exits", "exits 95% CI",
						   "pf_taken", "pf_guest", "pf_fixed", "invlpg",
						   "tlb_flush", "io_exits", "insn_emulation", "hc_exits",
						   "vmm_exits", "halt_exits", "flags", NULL};
		fprintf(f, "\n%zu configurations, every phase:\n", ncfg);
		report_table_head(f, cols);
		for (size_t c = 0; c < ncfg; c++)
			for (size_t i = cfg[c].first; i < cfg[c].end; i++) {
				const struct group *g = &v->phases.g[i];
				fputs("| ", f);
				fmt_md_cell(f, labels[c]);
				struct stats_summary st;
				char a[32], lo[32], hi[32];
				report_summarize(&v->phases, g, report_col, "exits", &st);
				fprintf(f, " | %s | %zu | %s | [%s, %s]",
					group_value(&v->phases, g, v->phases.nkeys - 1), g->nrows,
					fmt_num(st.median, a, sizeof(a)), fmt_num(st.ci_lo, lo, sizeof(lo)),
					fmt_num(st.ci_hi, hi, sizeof(hi)));
				/* the counters after exits and its CI */
				for (size_t k = 5; cols[k + 1]; k++) {
					struct rowarg ra = {v, K_HALT};
					if (!strcmp(cols[k], "halt_exits"))
						report_summarize(&v->phases, g, kind_value, &ra, &st);
					else
						report_summarize(&v->phases, g, report_col, (void *)cols[k], &st);
					fprintf(f, " | %s", fmt_num(st.median, a, sizeof(a)));
				}
				char fl[160];
				fprintf(f, " | %s |\n", report_flag_codes(report_vm_flags(v, g), fl, sizeof(fl)));
			}
		report_vm_free_labels(labels, ncfg);
		free(gs);
	}
	free(cfg);
	return rc;
}

/* --- every KVM statistic, from vm-stats.csv --- */

struct stat_acc {
	const char *source, *stat; /* in vm-stats.csv */
	double *v;
	size_t n, cap;
};

/* Medians of every statistic that changed, per configuration and phase:
 * tens of thousands of rows in a full run, so a CSV beside the plots
 * (plots/vm-stats-medians.csv), linked from summary.md, not a table in it. */
void report_vm_stats_details(struct vm *v)
{
	struct report *r = v->r;
	if (!v->stats.t)
		return;
	const struct csv_table *st = v->stats.t;
	int csrc = csv_col(st, "source"), cstat = csv_col(st, "stat"), cdelta = csv_col(st, "delta");
	char *path = cb_path_join(r->plots_dir, "vm-stats-medians.csv");
	struct afile af;
	cb_error e;
	if (afile_open(&af, path, &e) < 0) {
		fprintf(r->md, "\n(cannot write %s: %s)\n", path, e.msg);
		free(path);
		return;
	}
	struct csv_writer w;
	csv_writer_init(&w, af.fp);
	for (size_t k = 0; k < v->phases.nkeys; k++)
		csv_str(&w, v->phases.keys[k]);
	static const char *const tail[] = {"source", "stat", "median", "n", NULL};
	for (size_t k = 0; tail[k]; k++)
		csv_str(&w, tail[k]);
	csv_end_row(&w);
	size_t nrows = 0;
	for (size_t i = 0; i < v->phases.n; i++) {
		const struct group *g = &v->phases.g[i];
		struct stat_acc *acc = NULL;
		size_t nacc = 0;
		for (size_t k = 0; k < g->nrows; k++) {
			const struct group *sg = row_stats(v, g->rows[k]);
			for (size_t j = 0; sg && j < sg->nrows; j++) {
				const char *src = csv_get(st, sg->rows[j], csrc);
				const char *stat = csv_get(st, sg->rows[j], cstat);
				/* a linear search: a phase changes a few dozen statistics */
				struct stat_acc *a_ = NULL;
				for (size_t x = 0; x < nacc && !a_; x++)
					if (!strcmp(acc[x].stat, stat) && !strcmp(acc[x].source, src))
						a_ = &acc[x];
				if (!a_) {
					acc = cb_xrealloc(acc, (nacc + 1) * sizeof(*acc));
					a_ = &acc[nacc++];
					*a_ = (struct stat_acc){.source = src, .stat = stat};
				}
				if (a_->n == a_->cap) {
					a_->cap = a_->cap ? a_->cap * 2 : 8;
					a_->v = cb_xrealloc(a_->v, a_->cap * sizeof(double));
				}
				a_->v[a_->n++] = csv_get_double(st, sg->rows[j], cdelta);
			}
		}
		for (size_t x = 0; x < nacc; x++) {
			struct stats_summary s;
			stats_summarize(acc[x].v, acc[x].n, &s);
			if (s.n && s.median != 0) {
				for (size_t k = 0; k < v->phases.nkeys; k++)
					csv_str(&w, group_value(&v->phases, g, k));
				csv_str(&w, acc[x].source);
				csv_str(&w, acc[x].stat);
				csv_double(&w, s.median);
				csv_u64(&w, s.n);
				csv_end_row(&w);
				nrows++;
			}
			free(acc[x].v);
		}
		free(acc);
	}
	if (afile_commit(&af, &e) < 0)
		fprintf(r->md, "\n(cannot write %s: %s)\n", path, e.msg);
	else
		fprintf(r->md,
			"\nEvery KVM statistic that changed, as medians per configuration and phase "
			"(%zu rows, zeros left out): [plots/vm-stats-medians.csv](plots/vm-stats-medians.csv); "
			"the raw deltas are in vm-stats.csv.\n",
			nrows);
	free(path);
}
