/* The VM report per guest COW fault: VM exits, guest time against the
 * host's, and what each MMU mode predicts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "report_vm.h"

/* A plot with a bar or point per fault configuration, its labels as the
 * x tics: wide enough for them, and tall enough for the tallest. */
static int fault_plot_open(struct vm *v, struct gp_plot *p, const char *name, const char *what,
			   cb_error *e)
{
	return report_plot_open(v->r, p, name, what, (int)fmax(800, 140.0 * (double)v->nfaults + 200),
				560 + 14 * v->label_lines, e);
}

static void fault_xtics(struct vm *v, FILE *s)
{
	fprintf(s, "set bmargin %d\n", 3 + v->label_lines);
	fputs("set xtics (", s);
	for (size_t i = 0; i < v->nfaults; i++) {
		fputs(i ? ", " : "", s);
		gp_quote(s, v->labels[i]);
		fprintf(s, " %g", (double)i);
	}
	fputs(") font \",9\"\n", s);
}

/* Under a figure: its flags; in the appendix, what every row shares and
 * the table's head.  Returns where the rows go. */
static FILE *fault_table_head(struct vm *v, unsigned flags, const char *anchor, const char *title,
			      const char *const *cols)
{
	report_flags(v->r, flags);
	FILE *f = report_appendix(v->r, anchor, title);
	report_vm_common_line(f, v->common);
	report_table_head(f, cols);
	return f;
}

/* A table row's first cell: the configuration, on one line. */
static void fault_row_start(FILE *f, struct vm *v, size_t i)
{
	fputs("| ", f);
	fmt_md_cell(f, v->labels[i]);
}

/* --- exits per COW fault --- */

int report_vm_exits_per_fault(struct vm *v, cb_error *e)
{
	struct report *r = v->r;
	FILE *f = r->md;
	fputs("\n### VM exits per guest COW fault\n\n"
	      "Dirty phase (the child writing `dirty_pages` pages after the create call): VM exits "
	      "divided by the guest's COW copies in the region (`cow_copies + cow_copies_2m`). "
	      "*Net* subtracts the median exits of the `null` phase of the same boot (the marks' "
	      "own hypercall exits); *raw* does not. Medians over samples, 95% CIs as error bars.\n\n",
	      f);
	unsigned flags = 0;
	for (size_t i = 0; i < v->nfaults; i++)
		flags |= v->faults[i].flags;
	struct gp_plot p;
	int rc = fault_plot_open(v, &p, "vm-exits-per-fault", "VM exits per guest COW fault", e);
	if (rc == 0) {
		FILE *s = gp_script(&p);
		/* Exits per fault span 0 (TDP, prefaulted) to 512 (a 2 MiB copy into
		 * lazily backed frames): a log axis shows both, with every bar's
		 * value printed, and values below its floor drawn at the floor. */
		int blk = gp_block(&p, "config index, net median, ci_lo, ci_hi, raw median, ci_lo, ci_hi "
				       "(each clamped to the axis floor 0.1), then net and raw unclamped");
		for (size_t i = 0; i < v->nfaults; i++) {
			const struct stats_summary *net = &v->faults[i].net, *raw = &v->faults[i].raw;
			fprintf(gp_data(&p), "%zu %g %g %g %g %g %g %g %g\n", i, fmax(net->median, 0.1),
				fmax(net->ci_lo, 0.1), fmax(net->ci_hi, 0.1), fmax(raw->median, 0.1),
				fmax(raw->ci_lo, 0.1), fmax(raw->ci_hi, 0.1), net->median, raw->median);
		}
		report_plot_title(s, "VM exits per guest COW fault (dirty phase)", v->common, flags, false);
		fputs("set style data histograms\nset style histogram errorbars gap 1.5 lw 1.2\n"
		      "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
		      "set logscale y\nset yrange [0.1:*]\n"
		      "set ylabel \"VM exits per COW fault (log scale)\"\n"
		      "set key outside top center horizontal font \",10\"\n"
		      "set grid noxtics ytics\nset xtics nomirror\n",
		      s);
		fault_xtics(v, s);
		/* Two bars per cluster with gap 1.5 sit 1/(2 * 3.5) either side. */
		fprintf(s, "plot dat index %d using 2:3:4 lc rgb \"#1f77b4\" title \"net of the null phase\", \\\n"
			   "  dat index %d using 5:6:7 lc rgb \"#c7c7c7\" title \"raw\", \\\n"
			   "  dat index %d using ($1 - 0.143):2:(sprintf(\"%%.3g\", $8)) with labels "
			   "offset 0,0.7 font \",8\" notitle, \\\n"
			   "  dat index %d using ($1 + 0.143):5:(sprintf(\"%%.3g\", $9)) with labels "
			   "offset 0,0.7 font \",8\" notitle\n",
			blk, blk, blk, blk);
		rc = report_figure(r, &p, "VM exits per guest COW fault", e);
	}
	if (rc < 0)
		return -1;
	static const char *const cols[] = {"configuration", "n", "COW copies", "net exits / fault",
					   "95% CI", "raw exits / fault", "flags", NULL};
	f = fault_table_head(v, flags, "vm-exits-per-fault", "VM exits per guest COW fault", cols);
	for (size_t i = 0; i < v->nfaults; i++) {
		const struct fault_cfg *fc = &v->faults[i];
		char a[32], b[32], c[32], d[32], rw[32], fl[160];
		fault_row_start(f, v, i);
		fprintf(f, " | %zu | %s | %s | [%s, %s] | %s | %s |\n", fc->net.n,
			fmt_num(fc->copies.median, a, sizeof(a)), fmt_num(fc->net.median, b, sizeof(b)),
			fmt_num(fc->net.ci_lo, c, sizeof(c)), fmt_num(fc->net.ci_hi, d, sizeof(d)),
			fmt_num(fc->raw.median, rw, sizeof(rw)),
			report_flag_codes(fc->flags, fl, sizeof(fl)));
	}
	return 0;
}

/* --- guest time per COW copy --- */

/* Rows whose time is not hardware time, drawn apart from the rest. */
#define UNTIMED (RF_TIMING_INVALID | RF_PVM | RF_TCG)

int report_vm_cost_per_copy(struct vm *v, cb_error *e)
{
	struct report *r = v->r;
	FILE *f = r->md;
	fputs("\n### Guest time per COW copy vs the host\n\n"
	      "Dirty phase: the guest's ring-3 rdtsc time around the write loop (`ns`, converted "
	      "with the TSC frequency KVM reports; `cycles` in the table) divided by its COW "
	      "copies, beside the host's own per-page COW cost and the 4 KiB copy floor.",
	      f);
	if (v->host->cow_pp.n) {
		char a[32];
		fprintf(f, " Host: %s, %s per page.\n\n", v->host->cow_cfg,
			fmt_ns(v->host->cow_pp.median, a, sizeof(a)));
	} else {
		fputs(" This run has no host fork rows at 4 KiB pages to compare with.\n\n", f);
	}
	unsigned flags = 0;
	bool any = false;
	double ylo = INFINITY, yhi = -INFINITY;
	for (size_t i = 0; i < v->nfaults; i++) {
		const struct stats_summary *ns = &v->faults[i].ns;
		flags |= v->faults[i].flags | r->run_flags;
		if (ns->n) {
			any = true;
			ylo = fmin(ylo, ns->ci_lo);
			yhi = fmax(yhi, ns->ci_hi);
		}
	}
	if (!any) {
		fputs("\nNo dirty-phase row has `ns`: nothing to draw.\n", f);
		return 0;
	}
	double refs[] = {v->host->cow_pp.n ? v->host->cow_pp.median : NAN, v->host->floor_copy_4k_ns};
	for (size_t i = 0; i < CB_ARRAY_SIZE(refs); i++)
		if (refs[i] > 0) {
			ylo = fmin(ylo, refs[i]);
			yhi = fmax(yhi, refs[i]);
		}
	ylo = pow(10, floor(log10(fmax(ylo, 1)))) * 1e-9;
	yhi = pow(10, ceil(log10(fmax(yhi, 10)))) * 1e-9;
	if (yhi <= ylo)
		yhi = ylo * 10;
	struct gp_plot p;
	if (fault_plot_open(v, &p, "vm-cow-cost", "Guest time per COW copy vs the host", e) < 0)
		return -1;
	FILE *s = gp_script(&p);
	/* hardware time and emulated time apart; a block only when it has
	 * rows, since gnuplot's `index` skips empty blocks */
	size_t count[2] = {0, 0};
	for (size_t i = 0; i < v->nfaults; i++)
		if (v->faults[i].ns.n)
			count[!!(v->faults[i].flags & UNTIMED)]++;
	int blk[2] = {-1, -1};
	static const char *const what[] = {"hardware time: x, median (s), ci_lo, ci_hi",
					   "NOT hardware time (emulated): x, median (s), ci_lo, ci_hi"};
	for (int k = 0; k < 2; k++) {
		if (!count[k])
			continue;
		blk[k] = gp_block(&p, what[k]);
		for (size_t i = 0; i < v->nfaults; i++) {
			const struct fault_cfg *fc = &v->faults[i];
			if (fc->ns.n && !!(fc->flags & UNTIMED) == k)
				fprintf(gp_data(&p), "%zu %g %g %g\n", i, fc->ns.median * 1e-9,
					fc->ns.ci_lo * 1e-9, fc->ns.ci_hi * 1e-9);
		}
	}
	report_plot_title(s, "Guest time per COW copy (dirty phase)", v->common, flags & ~RF_NO_PERF,
			  false);
	fprintf(s, "set logscale y\nset yrange [%g:%g]\nset xrange [-0.6:%g]\n"
		   "set format y \"%%.0s %%cs\"\nset ylabel \"time per COW copy\"\n"
		   "set key outside top center horizontal font \",10\"\n"
		   "set xtics nomirror\n",
		ylo, yhi, (double)v->nfaults - 0.4);
	fault_xtics(v, s);
	const char *sep = "plot ";
	if (blk[0] >= 0) {
		fprintf(s, "%sdat index %d using 1:2:3:4 with yerrorbars pt 7 ps 1.6 lw 1.5"
			   " lc rgb \"#1f77b4\" title \"guest, hardware time\"",
			sep, blk[0]);
		sep = ", \\\n  ";
	}
	if (blk[1] >= 0)
		fprintf(s, "%sdat index %d using 1:2:3:4 with yerrorbars pt 6 ps 1.6 lw 1.5"
			   " lc rgb \"#d62728\" title \"guest, NOT hardware time (emulated)\"",
			sep, blk[1]);
	char a[32];
	if (v->host->cow_pp.n)
		fprintf(s, ", \\\n  %g with lines dt 2 lw 2 lc rgb \"#2ca02c\" title \"host fork COW per page (%s)\"",
			v->host->cow_pp.median * 1e-9, fmt_ns(v->host->cow_pp.median, a, sizeof(a)));
	if (v->host->floor_copy_4k_ns > 0)
		fprintf(s, ", \\\n  %g with lines dt 3 lw 2 lc rgb \"#7f7f7f\" title \"host floor: one 4 KiB copy (%s)\"",
			v->host->floor_copy_4k_ns * 1e-9, fmt_ns(v->host->floor_copy_4k_ns, a, sizeof(a)));
	fputc('\n', s);
	if (report_figure(r, &p, "Guest time per COW copy vs the host", e) < 0)
		return -1;
	static const char *const cols[] = {"configuration", "n", "cycles / copy", "time / copy",
					   "95% CI", "vs host per page", "flags", NULL};
	f = fault_table_head(v, flags, "vm-cow-cost", "Guest time per COW copy vs the host", cols);
	for (size_t i = 0; i < v->nfaults; i++) {
		const struct fault_cfg *fc = &v->faults[i];
		char b[32], c[64], d[32], fl[160];
		fault_row_start(f, v, i);
		double ratio = v->host->cow_pp.n ? fc->ns.median / v->host->cow_pp.median : NAN;
		fprintf(f, " | %zu | %s | %s | %s | %s%s | %s |\n", fc->ns.n,
			fmt_num(fc->cycles.median, a, sizeof(a)), fmt_ns(fc->ns.median, b, sizeof(b)),
			fmt_ns_ci(fc->ns.ci_lo, fc->ns.ci_hi, c, sizeof(c)),
			fmt_num(ratio, d, sizeof(d)), isnan(ratio) ? "" : "x",
			report_flag_codes(fc->flags, fl, sizeof(fl)));
	}
	return 0;
}

/* --- theory --- */

struct check {
	const char *expected;
	char measured[256];
	int verdict; /* 1 consistent, 0 inconsistent, -1 no prediction / not measured */
};

/* NaN when no row has a value. */
static double median_of(struct vm *v, const struct group *g, report_row_fn fn, int c)
{
	struct rowarg ra = {v, c};
	struct stats_summary s;
	report_summarize(&v->dirty, g, fn, &ra, &s);
	return s.median;
}

static void theory_one(struct vm *v, const struct fault_cfg *fc, struct check *k)
{
	const struct group *g = fc->g;
	const char *mmu = group_value(&v->dirty, g, 1), *backing = group_value(&v->dirty, g, 5);
	const char *prefault = group_value(&v->dirty, g, 6);
	bool tdp = !strcmp(mmu, "ept") || !strcmp(mmu, "npt");
	bool shadow = !strcmp(mmu, "shadow") || !strcmp(mmu, "pvm-shadow");
	double per_fault = fc->net.median;
	double pf = median_of(v, g, report_vm_net, C_PF_TAKEN), fresh = median_of(v, g, report_vm_net, C_FRESH);
	char a[32], b[32], c[32], d[32];
	k->verdict = -1;
	if (tdp && !strcmp(prefault, "yes")) {
		k->expected = "~0 exits per COW fault beyond the marks' own (prefaulted backing: no "
			      "nested page faults); consistent when <= 0.1";
		snprintf(k->measured, sizeof(k->measured), "%s net exits per fault",
			 fmt_num(per_fault, a, sizeof(a)));
		if (!isnan(per_fault))
			k->verdict = per_fault <= 0.1;
	} else if (tdp && !strcmp(backing, "anon4k")) {
		k->expected = "1 nested page fault per newly touched guest frame: pf_taken = "
			      "fresh_frames (within 10% or 1)";
		snprintf(k->measured, sizeof(k->measured), "pf_taken %s (net of null), fresh_frames %s; %s exits per fault",
			 fmt_num(pf, a, sizeof(a)), fmt_num(fresh, b, sizeof(b)),
			 fmt_num(per_fault, c, sizeof(c)));
		if (!isnan(pf) && !isnan(fresh))
			k->verdict = fabs(pf - fresh) <= fmax(1, 0.1 * fresh);
	} else if (tdp) {
		k->expected = "<= 1 nested page fault per 512 newly touched frames (huge backing): "
			      "pf_taken <= ceil(fresh_frames / 512) + 1 (a region may straddle a "
			      "2 MiB boundary)";
		snprintf(k->measured, sizeof(k->measured), "pf_taken %s (net of null), fresh_frames %s; %s exits per fault",
			 fmt_num(pf, a, sizeof(a)), fmt_num(fresh, b, sizeof(b)),
			 fmt_num(per_fault, c, sizeof(c)));
		if (!isnan(pf) && !isnan(fresh))
			k->verdict = pf <= ceil(fresh / 512) + 1;
	} else if (shadow) {
		k->expected = ">= 1 exit per COW fault: the guest's write to a write-protected page "
			      "and its page-table update are trapped by the shadow MMU";
		double pft = median_of(v, g, report_vm_net_per_fault, C_PF_TAKEN);
		double pfg = median_of(v, g, report_vm_net_per_fault, C_PF_GUEST);
		double inv = median_of(v, g, report_vm_net_per_fault, C_INVLPG);
		snprintf(k->measured, sizeof(k->measured),
			 "%s net exits per fault (per fault: pf_taken %s, pf_guest %s, invlpg %s)",
			 fmt_num(per_fault, a, sizeof(a)), fmt_num(pft, b, sizeof(b)),
			 fmt_num(pfg, c, sizeof(c)), fmt_num(inv, d, sizeof(d)));
		if (!isnan(per_fault))
			k->verdict = per_fault >= 1;
	} else {
		k->expected = "no prediction for this MMU mode";
		snprintf(k->measured, sizeof(k->measured), "%s net exits per fault",
			 fmt_num(per_fault, a, sizeof(a)));
	}
}

void report_vm_theory(struct vm *v)
{
	struct report *r = v->r;
	FILE *f = r->md;
	fputs("\n### Theory checks\n\n"
	      "What the MMU mode predicts for the dirty phase, against what was counted (medians "
	      "over samples; \"net\" = minus the median of the same boot's `null` phase). With "
	      "TDP (EPT/NPT) the guest edits its own page tables freely, so a guest COW fault "
	      "costs no exit unless the host must back a new guest frame; with shadow paging "
	      "every guest page-table change must be trapped.\n",
	      f);
	static const char *const cols[] = {"where", "mmu", "primitive", "guest page", "backing",
					   "prefault", "region", "dirty pages", "expected",
					   "measured", "verdict", "flags", NULL};
	unsigned flags = 0;
	size_t verdicts[3] = {0}; /* inconsistent, consistent, not checked */
	for (size_t i = 0; i < v->nfaults; i++) {
		struct check k;
		theory_one(v, &v->faults[i], &k);
		verdicts[k.verdict < 0 ? 2 : k.verdict]++;
	}
	fprintf(f, "\n%zu of %zu configurations **consistent** with what their MMU mode predicts, "
		   "%zu **inconsistent**, %zu not checked.\n",
		verdicts[1], v->nfaults, verdicts[0], verdicts[2]);
	f = report_appendix(r, "theory", "Theory checks, per configuration");
	report_table_head(f, cols);
	for (size_t i = 0; i < v->nfaults; i++) {
		const struct fault_cfg *fc = &v->faults[i];
		const struct group *g = fc->g;
		struct check k;
		theory_one(v, fc, &k);
		char sz[32], fl[160];
		flags |= fc->flags;
		fprintf(f, "| %s | %s | %s | %s%s%s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			group_value(&v->dirty, g, 0), group_value(&v->dirty, g, 1),
			group_value(&v->dirty, g, 2), group_value(&v->dirty, g, 3),
			*group_value(&v->dirty, g, 4) ? "/" : "", group_value(&v->dirty, g, 4),
			group_value(&v->dirty, g, 5), group_value(&v->dirty, g, 6),
			fmt_bytes(strtod(group_value(&v->dirty, g, 7), NULL), sz, sizeof(sz)),
			group_value(&v->dirty, g, 8), k.expected, k.measured,
			k.verdict == 1 ? "**consistent**" : k.verdict == 0 ? "**inconsistent**" : "not checked",
			report_flag_codes(fc->flags, fl, sizeof(fl)));
	}
	report_flags(r, flags);
}
