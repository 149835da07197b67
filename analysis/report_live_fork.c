/* What fork costs a threaded parent and one with many mappings, and the
 * fitted cost model of fork with its terms set against the copy floor and
 * the published per-page figures. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "report_live.h"

/* Fork alone, nothing written: the configurations the thread and mapping
 * figures compare. */
static bool plain(const struct lcfg *c)
{
	return !strcmp(c->prim, "fork") && c->dirty == 0 && c->create.n;
}

/* The configuration like c but with `threads` threads. */
static const struct lcfg *with_threads(const struct live *l, const struct lcfg *c, double threads)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *o = &l->c[i];
		if (o->threads == threads && !strcmp(o->prim, c->prim) && !strcmp(o->mode, c->mode) &&
		    o->mem == c->mem && o->dirty == c->dirty && o->vmas == c->vmas &&
		    !strcmp(o->writer, c->writer) && !strcmp(o->pattern, c->pattern))
			return o;
	}
	return NULL;
}

static void threads_table(struct live *l)
{
	FILE *f = report_appendix(l->r, "live-threads", "Fork and writes with the parent's threads");
	const char *cols[] = {"page mode", "parent size", "dirty pages", "writer", "threads",
			      "create", "95% CI", "TLB shootdowns per sample", "write p50", "write p99",
			      NULL};
	report_table_head(f, cols);
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *c = &l->c[i];
		if (strcmp(c->prim, "fork") || c->vmas != 1 || !with_threads(l, c, c->threads == 1 ? 2 : 1))
			continue;
		char sz[32], a[32], ci[64], sd[32], w50[32], w99[32];
		fprintf(f, "| %s | %s | %.0f | %s | %.0f | %s | %s | %s | %s | %s |\n", c->mode,
			fmt_bytes(c->mem, sz, sizeof(sz)), c->dirty, c->writer, c->threads,
			fmt_ns(c->create.median, a, sizeof(a)),
			fmt_ns_ci(c->create.ci_lo, c->create.ci_hi, ci, sizeof(ci)),
			fmt_num(c->shootdowns.median, sd, sizeof(sd)),
			c->writes.n ? fmt_ns(c->write.median, w50, sizeof(w50)) : "",
			c->writes.n ? fmt_ns(c->write.p99, w99, sizeof(w99)) : "");
	}
}

/* The parent's first writes while its child lives, with a second thread
 * reading the region and alone: every COW fault must then shoot the
 * reader's TLB down too.  The configuration with the most writes timed. */
static void find_thread_writes(struct live *l)
{
	const struct lcfg *best = NULL, *alone = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *c = &l->c[i], *o;
		if (strcmp(c->prim, "fork") || strcmp(c->writer, "parent") || c->threads != 2 ||
		    !c->writes.n || !(o = with_threads(l, c, 1)) || !o->writes.n)
			continue;
		if (!best || c->writes.n > best->writes.n) {
			best = c;
			alone = o;
		}
	}
	if (!best)
		return;
	struct live_findings *fd = l->fd;
	fd->have_tw = true;
	fd->tw_mode = best->mode;
	fd->tw_mem = best->mem;
	fd->tw_dirty = best->dirty;
	fd->tw1 = report_est_of(&alone->write);
	fd->tw2 = report_est_of(&best->write);
	fd->tw_p99_1 = alone->write.p99;
	fd->tw_p99_2 = best->write.p99;
	fd->tw_shoot = best->shootdowns.median;
}

/* The findings: the largest 4k (else any) size measured alone and with a
 * second thread. */
static void find_threads(struct live *l)
{
	const struct lcfg *best = NULL, *two = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *c = &l->c[i], *o;
		if (!plain(c) || c->threads != 1 || c->vmas != 1 || !(o = with_threads(l, c, 2)))
			continue;
		bool better = !best || (!strcmp(c->mode, "4k") && strcmp(best->mode, "4k")) ||
			      (!strcmp(c->mode, best->mode) && c->mem > best->mem);
		if (better) {
			best = c;
			two = o;
		}
	}
	if (!best)
		return;
	struct live_findings *fd = l->fd;
	fd->have_threads = true;
	fd->t_mode = best->mode;
	fd->t_mem = best->mem;
	fd->t1 = report_est_of(&best->create);
	fd->t2 = report_est_of(&two->create);
	fd->shoot1 = best->shootdowns.median;
	fd->shoot2 = two->shootdowns.median;
}

int live_threads(struct live *l, cb_error *e)
{
	struct report *r = l->r;
	FILE *md = r->md;
	fputs("\n### Fork with the parent's other threads running\n\n"
	      "With `threads=2` a second thread of the parent keeps reading the region on the "
	      "other CPU while the parent forks. fork write-protects every PTE it shares, and "
	      "the other CPU may cache them: it must be interrupted to flush its TLB (a "
	      "shootdown), and so must every COW fault the parent takes while the child lives. "
	      "Left: the fork call, alone and with the reader; right: the TLB shootdown "
	      "interrupts the machine took per sample (/proc/interrupts, every CPU: other "
	      "processes' count too).\n\n",
	      md);
	const char *modes[4];
	size_t nmodes = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *c = &l->c[i];
		if (plain(c) && c->threads != 1 && c->vmas == 1 && with_threads(l, c, 1))
			nmodes = report_mode_add(modes, nmodes, CB_ARRAY_SIZE(modes), c->mode);
	}
	if (!nmodes) {
		fputs("Nothing to draw: no fork in this run ran with more than one thread.\n", md);
		return 0;
	}
	struct gp_plot p;
	if (report_plot_open(r, &p, "live-threads", "Fork with the parent's threads", 1120, 520, e) < 0)
		return -1;
	FILE *f = gp_script(&p);
	fputs("set multiplot layout 1,2 title ", f);
	report_plot_title(f, "Fork with the parent's threads", "fork, nothing written", r->run_flags,
			  true);
	fputs("\nset logscale x 2\nset format x \"%.0b%BB\"\nset xlabel \"parent memory (log scale; "
	      "0 not drawn)\"\nset grid\nset key top left font \",9\"\n",
	      f);
	static const char *const colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};
	int blk[4][2];
	for (size_t m = 0; m < nmodes; m++)
		for (int t = 0; t < 2; t++) {
			char comment[96];
			snprintf(comment, sizeof(comment), "%s, threads %d: bytes, create (s), ci_lo, ci_hi, "
				 "shootdowns per sample", modes[m], t + 1);
			blk[m][t] = gp_block(&p, comment);
			for (size_t i = 0; i < l->n; i++) {
				const struct lcfg *c = &l->c[i];
				if (!plain(c) || c->vmas != 1 || strcmp(c->mode, modes[m]) ||
				    c->threads != t + 1 || c->mem == 0 || !with_threads(l, c, t ? 1 : 2))
					continue;
				fprintf(gp_data(&p), "%.0f %.6g %.6g %.6g %.6g\n", c->mem, c->create.median * 1e-9,
					c->create.ci_lo * 1e-9, c->create.ci_hi * 1e-9, c->shootdowns.median);
			}
		}
	for (int panel = 0; panel < 2; panel++) {
		fprintf(f, "set title \"%s\"\nset ylabel \"%s\"\n%s\nplot ",
			panel ? "TLB shootdowns per sample" : "the fork call",
			panel ? "shootdown interrupts (median)" : "create time (log scale)",
			panel ? "unset logscale y\nset format y \"%g\"" : "set logscale y\nset format y \"%.0s%cs\"");
		for (size_t m = 0; m < nmodes; m++)
			for (int t = 0; t < 2; t++)
				fprintf(f, "%sdat index %d using 1:%s with %s lw 1.5 dt %d lc rgb \"%s\" title \"%s, %d thread%s\"",
					m || t ? ", \\\n  " : "", blk[m][t], panel ? "5" : "2:3:4",
					panel ? "linespoints" : "yerrorlines", t ? 2 : 1, colors[m % 4], modes[m],
					t + 1, t ? "s" : "");
		fputc('\n', f);
	}
	fputs("unset multiplot\n", f);
	if (report_figure(r, &p, "fork create and TLB shootdowns, one and two threads", e) < 0)
		return -1;
	report_flags(r, r->run_flags);
	threads_table(l);
	find_threads(l);
	find_thread_writes(l);
	return 0;
}

/* A (mode, size) measured at several mapping counts. */
static bool several_vmas(const struct live *l, const struct lcfg *c)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *o = &l->c[i];
		if (plain(o) && o->threads == 1 && o->vmas != c->vmas && !strcmp(o->mode, c->mode) &&
		    o->mem == c->mem)
			return true;
	}
	return false;
}

static bool in_vmas(const struct live *l, const struct lcfg *c)
{
	return plain(c) && c->threads == 1 && c->mem > 0 && several_vmas(l, c);
}

int live_vmas(struct live *l, cb_error *e)
{
	struct report *r = l->r;
	FILE *md = r->md;
	fputs("\n### Fork against the parent's mappings\n\n"
	      "The same region split into `vmas` mappings of equal size (every other one "
	      "MADV_DONTDUMP, so the kernel cannot merge them; the sweep checks /proc/self/smaps): "
	      "fork walks and copies each one (its VMA, its anon_vma chain, its page-table walk). "
	      "Dashed: what the fitted model below predicts.\n\n",
	      md);
	struct {
		const char *mode;
		double mem;
	} lines[8];
	size_t nl = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *c = &l->c[i];
		if (!in_vmas(l, c))
			continue;
		bool seen = false;
		for (size_t k = 0; k < nl; k++)
			seen |= !strcmp(lines[k].mode, c->mode) && lines[k].mem == c->mem;
		if (!seen && nl < CB_ARRAY_SIZE(lines))
			lines[nl++] = (typeof(lines[0])){c->mode, c->mem};
	}
	if (!nl) {
		fputs("Nothing to draw: no fork in this run was measured at several mapping counts.\n", md);
		return 0;
	}
	bool model = l->fd->have_model;
	struct gp_plot p;
	if (report_plot_open(r, &p, "live-vmas", "Fork against the parent's mappings", 760, 560, e) < 0)
		return -1;
	FILE *f = gp_script(&p);
	report_plot_title(f, "Fork against the parent's mappings", "fork, nothing written, one thread",
			  r->run_flags, false);
	fputs("set logscale xy\nset format y \"%.0s%cs\"\nset xlabel \"mappings of the region (log "
	      "scale)\"\nset ylabel \"create time (log scale)\"\nset grid\nset key top left font \",9\"\n"
	      "plot ",
	      f);
	static const char *const colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
					     "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
	const struct lcfg *lo = NULL, *hi = NULL;
	for (size_t k = 0; k < nl; k++) {
		char comment[96], sz[32];
		snprintf(comment, sizeof(comment), "%s %s: mappings, create (s), ci_lo, ci_hi, model (s)",
			 lines[k].mode, fmt_bytes(lines[k].mem, sz, sizeof(sz)));
		int blk = gp_block(&p, comment);
		for (size_t i = 0; i < l->n; i++) {
			const struct lcfg *c = &l->c[i];
			if (!in_vmas(l, c) || strcmp(c->mode, lines[k].mode) || c->mem != lines[k].mem)
				continue;
			double x[FORK_TERM_COUNT], y, pred = NAN;
			if (model && fork_model_row(r->run.host, c->g->rows[0], x, &y))
				pred = fork_model_predict(&l->fd->m, x);
			fprintf(gp_data(&p), "%.0f %.6g %.6g %.6g %.6g\n", c->vmas, c->create.median * 1e-9,
				c->create.ci_lo * 1e-9, c->create.ci_hi * 1e-9, pred * 1e-9);
			/* the findings: the 4k line (else the first), fewest and most */
			if (!strcmp(c->mode, lines[0].mode) && c->mem == lines[0].mem) {
				if (!lo || c->vmas < lo->vmas)
					lo = c;
				if (!hi || c->vmas > hi->vmas)
					hi = c;
			}
		}
		fprintf(f, "%sdat index %d using 1:2:3:4 with yerrorlines lw 1.5 lc rgb \"%s\" title \"%s %s\"",
			k ? ", \\\n  " : "", blk, colors[k % 8], lines[k].mode, sz);
		if (model)
			fprintf(f, ", \\\n  dat index %d using 1:5 with lines dt 2 lc rgb \"%s\" notitle", blk,
				colors[k % 8]);
	}
	fputc('\n', f);
	if (report_figure(r, &p, "fork create against the region's mappings", e) < 0)
		return -1;
	report_flags(r, r->run_flags);
	if (lo && hi && lo != hi) {
		struct live_findings *fd = l->fd;
		fd->have_vmas = true;
		fd->v_mode = lo->mode;
		fd->v_mem = lo->mem;
		fd->v_lo = lo->vmas;
		fd->v_hi = hi->vmas;
		fd->c_lo = report_est_of(&lo->create);
		fd->c_hi = report_est_of(&hi->create);
	}
	return 0;
}

static double floor_median(const struct csv_table *fl, const char *metric)
{
	if (!fl)
		return NAN;
	int mc = csv_col(fl, "metric"), med = csv_col(fl, "median");
	for (size_t i = 0; mc >= 0 && i < fl->nrows; i++)
		if (!strcmp(csv_get(fl, i, mc), metric))
			return csv_get_double(fl, i, med);
	return NAN;
}

/* The model's per-page term beside what else says what a page costs: the
 * memcpy floor of one 8-byte PTE, and the published fork figures per 4 KiB
 * page of their parent. */
static void model_compare(struct live *l, FILE *f)
{
	struct report *r = l->r;
	const struct fit_result *fit = &l->fd->m.fit;
	char c[32], v[32];
	fmt_ns(fit->coef[FORK_TERM_PTE], c, sizeof(c));
	double bps = floor_median(r->run.host_floor, "memcpy_bytes_per_s");
	fputs("\n| per 4 KiB page | ns | against the model's |\n|---|---|---|\n", f);
	fprintf(f, "| this model (c) | %s | 1x |\n", c);
	if (bps > 0) {
		double fl = 8 / bps * 1e9;
		fprintf(f, "| copying its 8-byte PTE at this machine's memcpy speed (floor) | %s | %.3gx |\n",
			fmt_ns(fl, v, sizeof(v)), fl / fit->coef[FORK_TERM_PTE]);
	}
	for (size_t i = 0; r->have_refs && i < r->refs.n; i++) {
		const struct ref_point *p = &r->refs.p[i];
		if (strcmp(p->primitive, "fork") || strcmp(p->page_mode, "4k") ||
		    !refs_metric_is_create(p->metric) || !(p->mem_bytes > 0))
			continue;
		double per = p->value_ns / (p->mem_bytes / 4096);
		char sz[32];
		fputs("| ", f);
		fmt_md_cell(f, p->source);
		fprintf(f, ", %s (fork of %s / its pages) | %s | %.3gx |\n", p->year,
			fmt_bytes(p->mem_bytes, sz, sizeof(sz)), fmt_ns(per, v, sizeof(v)),
			per / fit->coef[FORK_TERM_PTE]);
	}
}

void live_fit_model(struct live *l)
{
	struct live_findings *fd = l->fd;
	cb_error e;
	fd->have_model = fork_model_fit(l->r->run.host, &fd->m, &e) == 0;
	if (!fd->have_model)
		snprintf(fd->model_note, sizeof(fd->model_note), "%s", e.msg);
}

void live_model(struct live *l)
{
	struct report *r = l->r;
	struct live_findings *fd = l->fd;
	FILE *md = r->md;
	fputs("\n### The cost model of fork\n\n"
	      "create_ns = a + b x mappings + c x (4 KiB PTEs copied) + d x (PMD entries copied), "
	      "fitted by robust (Huber) regression with relative noise to every fork sample with "
	      "one thread: the sweep's sizes, page modes and mapping counts. PTEs are the "
	      "region's 4 KiB pages less what huge_fraction says is PMD-mapped; PMD entries are "
	      "its 2 MiB pages (THP and hugetlb alike); 1 GiB pages are PUD entries, at most a "
	      "few, and no term. a holds everything else fork does: the task, its files, the "
	      "process's other mappings.\n",
	      md);
	if (!fd->have_model) {
		fprintf(md, "\nNot fitted: %s.\n", fd->model_note);
		return;
	}
	char s[256];
	fork_model_sentence(&fd->m, s, sizeof(s));
	fprintf(md, "\n**%s.** (%zu samples of %zu configurations; residual scale %.1f%%%s.)\n", s,
		fd->m.fit.n, fd->m.configs, fd->m.fit.sigma * 100,
		fd->m.fit.converged ? "" : "; the fit's iterations ran out");
	/* four rows, not a per-configuration table: it stays in summary.md */
	FILE *f = md;
	fputs("\n<a id=\"live-model\"></a>\n", f);
	const char *cols[] = {"term", "coefficient", "95% CI", "identified", NULL};
	report_table_head(f, cols);
	for (int j = 0; j < FORK_TERM_COUNT; j++) {
		char a[32], ci[64];
		fprintf(f, "| %s | %s | %s | %s |\n", fork_term_names[j],
			fmt_ns(fd->m.fit.coef[j], a, sizeof(a)),
			fmt_ns_ci(fd->m.fit.ci_lo[j], fd->m.fit.ci_hi[j], ci, sizeof(ci)),
			fd->m.fit.identified[j] ? "yes" : "no: the data cannot tell it apart");
	}
	if (fd->m.fit.identified[FORK_TERM_PTE])
		model_compare(l, f);
}
