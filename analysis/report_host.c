/* The host half of the report: fork latency, child start and COW cost per
 * page against parent size, one panel per page mode, and how far each
 * primitive is from this machine's measured copy floor. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "norm.h"
#include "report_host.h"

/* What one latency plot shows. */
struct lat_spec {
	const char *name, *what, *alt, *ylabel, *metric;
	size_t off;	/* offsetof(struct hcfg, <summary>) */
	bool max_dirty; /* at each size: the configuration with most (else fewest) dirty pages */
	bool refs;	/* overlay published create latencies */
	bool floors;	/* draw the per-page copy floors */
};

static const struct stats_summary *stat_of(const struct hcfg *c, const struct lat_spec *s)
{
	return (const struct stats_summary *)((const char *)c + s->off);
}

static double cow_per_page(const struct csv_table *t, size_t row, void *arg)
{
	double d = csv_get_double(t, row, csv_col(t, "dirty_pages"));
	double ns = csv_get_double(t, row, csv_col(t, "cow_ns"));
	return d > 0 ? ns / d : NAN;
}

/* A sample's speed-normalized figure (norm.h), from the raw column arg
 * and the probe beside it. */
static double norm_of(const struct csv_table *t, size_t row, void *raw)
{
	return norm_value(raw, csv_get_double(t, row, csv_col(t, raw)),
			  csv_get_double(t, row, csv_col(t, "probe_cpu_ns")),
			  csv_get_double(t, row, csv_col(t, "probe_mem_ns")));
}

static double cow_norm_per_page(const struct csv_table *t, size_t row, void *arg)
{
	double d = csv_get_double(t, row, csv_col(t, "dirty_pages"));
	return d > 0 ? norm_of(t, row, "cow_ns") / d : NAN;
}

static bool not_converged(const struct csv_table *t, size_t row, void *arg)
{
	return !strcmp(csv_get(t, row, csv_col(t, "converged")), "false");
}

static double floor_metric(const struct csv_table *fl, const char *metric)
{
	if (!fl)
		return NAN;
	int m = csv_col(fl, "metric"), med = csv_col(fl, "median");
	for (size_t i = 0; i < fl->nrows; i++)
		if (!strcmp(csv_get(fl, i, m), metric))
			return csv_get_double(fl, i, med);
	return NAN;
}

/* The floors results/README.md defines, for fork only (the other
 * primitives copy neither page tables nor pages): create = copying the
 * parent's page tables at memcpy speed; COW = the copies its faults must
 * make, one 4 KiB page each, or a whole hugetlb page each when the faults
 * show that (fewer faults than dirtied pages under hugetlb). */
static double floor_create(const struct host_findings *r, const struct hcfg *c)
{
	if (strcmp(c->prim, "fork") || !(c->pte > 0) || !(r->floor_memcpy_bps > 0) || !c->create.n)
		return NAN;
	return c->pte / r->floor_memcpy_bps * 1e9;
}

static double floor_cow_pp(const struct host_findings *r, const struct hcfg *c, char *how, size_t len)
{
	if (strcmp(c->prim, "fork") || !(c->dirty > 0) || !c->faults.n || !c->cow_pp.n)
		return NAN;
	double units = !strcmp(c->mode, "hugetlb1g") ? 512 : !strcmp(c->mode, "hugetlb2m") ? 1 : 0;
	bool whole = units > 0 && c->faults.median < c->dirty && r->floor_copy_2m_ns > 0;
	double per_fault = whole ? r->floor_copy_2m_ns * units : r->floor_copy_4k_ns;
	double floor = c->faults.median * per_fault / c->dirty;
	if (!(floor > 0))
		return NAN;
	char n[32];
	snprintf(how, len, "%s faults x %s / dirty pages", fmt_num(c->faults.median, n, sizeof(n)),
		 !whole ? "copy_4k_ns" : units == 1 ? "copy_2m_ns" : "512 copy_2m_ns");
	return floor;
}

static void host_build(struct host *h)
{
	const struct csv_table *t = h->r->run.host;
	grouping_build(&h->gr, t, run_host_keys, report_host_classic, NULL);
	struct grouping nc = {0};
	if (h->r->run.host_summary && csv_col(h->r->run.host_summary, "converged") >= 0)
		grouping_build(&nc, h->r->run.host_summary, run_host_keys, not_converged, NULL);
	h->n = h->gr.n;
	h->c = cb_xcalloc(h->n, sizeof(*h->c));
	for (size_t i = 0; i < h->n; i++) {
		struct hcfg *c = &h->c[i];
		const struct group *g = &h->gr.g[i];
		c->g = g;
		c->prim = group_value(&h->gr, g, 0);
		c->mode = group_value(&h->gr, g, 1);
		c->mem = strtod(group_value(&h->gr, g, 2), NULL);
		c->dirty = strtod(group_value(&h->gr, g, 3), NULL);
		report_time_summary(&h->gr, g, report_col, "create_ns", &c->create);
		report_time_summary(&h->gr, g, report_col, "child_start_ns", &c->child);
		report_time_summary(&h->gr, g, report_col, "total_ns", &c->total);
		report_time_summary(&h->gr, g, report_col, "cow_ns", &c->cow);
		report_time_summary(&h->gr, g, cow_per_page, NULL, &c->cow_pp);
		report_summarize(&h->gr, g, report_col, "cow_faults", &c->faults);
		report_time_summary(&h->gr, g, norm_of, "create_ns", &c->create_norm);
		report_time_summary(&h->gr, g, cow_norm_per_page, NULL, &c->cow_pp_norm);
		struct stats_summary s;
		report_summarize(&h->gr, g, report_col, "huge_fraction", &s);
		c->huge = s.median;
		report_summarize(&h->gr, g, report_col, "pte_bytes", &s);
		c->pte = s.median;
		c->flags = 0;
		if (nc.nslots && grouping_find(&nc, g->key))
			c->flags |= RF_NOT_CONVERGED;
		h->nmodes = report_mode_add(h->modes, h->nmodes, CB_ARRAY_SIZE(h->modes), c->mode);
	}
	grouping_free(&nc);
	report_modes_sort(h->modes, h->nmodes);
}

/* The configuration drawn at its (primitive, page mode, size): one per
 * point, so dirty_pages never mixes distributions. */
static bool selected(const struct host *h, size_t i, const struct lat_spec *s)
{
	const struct hcfg *c = &h->c[i];
	if (stat_of(c, s)->n == 0)
		return false;
	for (size_t j = 0; j < h->n; j++) {
		const struct hcfg *o = &h->c[j];
		if (j == i || stat_of(o, s)->n == 0 || strcmp(o->prim, c->prim) ||
		    strcmp(o->mode, c->mode) || o->mem != c->mem)
			continue;
		if (s->max_dirty ? o->dirty > c->dirty : o->dirty < c->dirty)
			return false;
	}
	return true;
}

static bool panel_has_prim(const struct host *h, const struct lat_spec *s, const char *mode,
			   const char *prim)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->c[i].mode, mode) && !strcmp(h->c[i].prim, prim) && selected(h, i, s))
			return true;
	return false;
}

/* Decides which published points can be drawn, and says why not. */
static void refs_assign(struct host *h, const struct lat_spec *s)
{
	struct report *r = h->r;
	for (size_t i = 0; i < r->refs.n; i++) {
		const struct ref_point *p = &r->refs.p[i];
		struct ref_use *u = &h->fd->refs[i];
		const char *mode = refs_page_mode(p->page_mode);
		u->plotted = false;
		if (!refs_metric_is_create(p->metric))
			snprintf(u->why, sizeof(u->why), "no: %s is not a create latency", p->metric);
		else if (isnan(p->mem_bytes) || p->mem_bytes <= 0)
			snprintf(u->why, sizeof(u->why), "no: the source gives no parent size");
		else if (!mode)
			snprintf(u->why, sizeof(u->why), "no: page mode %s has no counterpart here",
				 p->page_mode);
		else if (!panel_has_prim(h, s, mode, p->primitive))
			snprintf(u->why, sizeof(u->why), "no: this run has no %s at %s", p->primitive,
				 mode);
		else
			u->plotted = true;
	}
}

/* --- axes --- */

struct axes {
	double pos_min, pos_max; /* positive sizes drawn */
	bool zero;		 /* size 0 drawn, at x0 */
	double x0;
	double ylo, yhi; /* seconds */
};

static void axes_add_y(struct axes *a, double ns)
{
	if (!(ns > 0))
		return;
	a->ylo = fmin(a->ylo, ns * 1e-9);
	a->yhi = fmax(a->yhi, ns * 1e-9);
}

static void axes_add_x(struct axes *a, double bytes)
{
	if (bytes == 0)
		a->zero = true;
	else if (bytes > 0) {
		a->pos_min = fmin(a->pos_min, bytes);
		a->pos_max = fmax(a->pos_max, bytes);
	}
}

static double plot_x(const struct axes *a, double bytes)
{
	return bytes == 0 ? a->x0 : bytes;
}

static void axes_finish(struct axes *a)
{
	if (isinf(a->pos_min)) { /* only size 0 */
		a->pos_min = a->pos_max = 65536;
	}
	/* Size 0 sits on its own labelled tick, a factor 16 left of the
	 * smallest size: a log axis has no 0, and dropping the point would
	 * hide the cost of forking an empty process. */
	a->x0 = exp2(floor(log2(a->pos_min)) - 4);
	if (isinf(a->ylo)) {
		a->ylo = 1e-6;
		a->yhi = 1e-3;
	}
	a->ylo = pow(10, floor(log10(a->ylo)));
	a->yhi = pow(10, ceil(log10(a->yhi)));
	if (a->yhi <= a->ylo)
		a->yhi = a->ylo * 10;
}

/* The x axis of one panel: the range is shared by every panel, the "0"
 * tick only where the panel has a size-0 point. */
static void write_xaxis(FILE *f, const struct axes *a, bool zero_here)
{
	double lo = a->zero ? a->x0 / 2 : a->pos_min / 2, hi = a->pos_max * 2;
	fprintf(f, "set logscale xy\nset xrange [%g:%g]\nset yrange [%g:%g]\n", lo, hi, a->ylo, a->yhi);
	int k0 = (int)ceil(log2(a->pos_min)), k1 = (int)floor(log2(a->pos_max));
	static const int steps[] = {1, 2, 3, 4, 5, 10};
	int step = 10;
	for (size_t i = 0; i < CB_ARRAY_SIZE(steps); i++) {
		int count = 0;
		for (int k = k0; k <= k1; k++)
			count += k % steps[i] == 0;
		if (count <= 7) {
			step = steps[i];
			break;
		}
	}
	fputs("set xtics (", f);
	bool first = true;
	if (zero_here) {
		fprintf(f, "\"0\" %g", a->x0);
		first = false;
	}
	for (int k = k0; k <= k1; k++) {
		if (k % step && !(k == k0 && k0 == k1))
			continue;
		char buf[32];
		fprintf(f, "%s\"%s\" %g", first ? "" : ", ", fmt_bytes(exp2(k), buf, sizeof(buf)),
			exp2(k));
		first = false;
	}
	fputs(")\nset mxtics default\n", f);
	fputs("set format y \"%.0s %cs\"\n", f);
	if (zero_here) /* the gap between "0" and the first real size */
		fprintf(f, "set arrow 1 from %g, graph 0 to %g, graph 1 nohead dt 3 lc rgb \"#999999\"\n",
			a->x0 * 4, a->x0 * 4);
	else
		fputs("unset arrow 1\n", f);
}

/* --- published points, with labels moved apart where they would collide --- */

struct placed {
	double x, y, ly; /* log10 of bytes, seconds; label height */
	bool left;
};

static void write_refs(struct host *h, struct gp_plot *p, const struct axes *a, const char *mode,
		       int panel_px, FILE *f, bool *keyed)
{
	struct report *r = h->r;
	size_t n = 0;
	for (size_t i = 0; i < r->refs.n; i++)
		n += h->fd->refs[i].plotted && !strcmp(refs_page_mode(r->refs.p[i].page_mode), mode);
	if (!n)
		return;
	struct ref_point **pts = cb_xcalloc(n, sizeof(*pts));
	struct placed *pl = cb_xcalloc(n, sizeof(*pl));
	n = 0;
	for (size_t i = 0; i < r->refs.n; i++)
		if (h->fd->refs[i].plotted && !strcmp(refs_page_mode(r->refs.p[i].page_mode), mode))
			pts[n++] = &r->refs.p[i];
	/* lowest first, so labels are only ever pushed upwards */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && pts[j - 1]->value_ns > pts[j]->value_ns; j--) {
			struct ref_point *t = pts[j];
			pts[j] = pts[j - 1];
			pts[j - 1] = t;
		}
	double xl = log10(a->zero ? a->x0 / 2 : a->pos_min / 2), xh = log10(a->pos_max * 2);
	double yl = log10(a->ylo), yh = log10(a->yhi);
	/* one label line needs ~16 px of a plot area ~panel-200 px high */
	double sep = (yh - yl) * 16.0 / (panel_px - 200);
	for (size_t i = 0; i < n; i++) {
		pl[i].x = log10(pts[i]->mem_bytes);
		pl[i].y = log10(pts[i]->value_ns * 1e-9);
		pl[i].left = pl[i].x > xl + 0.55 * (xh - xl);
		pl[i].ly = pl[i].y;
		for (bool moved = true; moved;) {
			moved = false;
			for (size_t j = 0; j < i; j++)
				if (pl[j].left == pl[i].left && fabs(pl[j].x - pl[i].x) < 0.45 * (xh - xl) &&
				    fabs(pl[j].ly - pl[i].ly) < sep) {
					/* only ever up, so this ends */
					pl[i].ly = fmax(pl[i].ly, pl[j].ly) + sep;
					moved = true;
				}
		}
	}
	/* Points and their labels; a label block per side, each written only
	 * when it has rows (gnuplot 5.4 crashes on a labels plot whose every
	 * point is undefined). */
	/* Labels pushed past the top of the plot are not drawn: slide each
	 * side's labels down together (their spacing stays; the connectors
	 * still lead to the points). */
	for (int side = 0; side < 2; side++) {
		double over = -INFINITY;
		for (size_t i = 0; i < n; i++)
			if (pl[i].left == side)
				over = fmax(over, pl[i].ly - (yh - 0.6 * sep));
		for (size_t i = 0; i < n && over > 0; i++)
			if (pl[i].left == side)
				pl[i].ly -= over;
	}
	int blk = gp_block(p, "published create latencies: bytes, seconds, label y (s), label");
	FILE *d = gp_data(p);
	size_t nside[2] = {0, 0};
	for (int side = 0; side < 2; side++)
		for (size_t i = 0; i < n; i++) {
			if (pl[i].left != side)
				continue;
			nside[side]++;
			fprintf(d, "%g %g %g ", pts[i]->mem_bytes, pts[i]->value_ns * 1e-9,
				pow(10, pl[i].ly));
			/* data-file strings: double quotes, no escapes */
			fputc('"', d);
			for (const char *c = pts[i]->label; *c; c++)
				fputc(*c == '"' ? '\'' : *c == '&' ? '+' : *c == '<' || *c == '>' ? ' ' : *c, d);
			fputs("\"\n", d);
		}
	fprintf(f,
		", \\\n  dat index %d using 1:2:(0):($3-$2) with vectors nohead lc rgb \"#888888\" notitle"
		", \\\n  dat index %d using 1:2 with points pt 12 ps 1.6 lw 1.5 lc rgb \"black\" %s",
		blk, blk, *keyed ? "notitle" : "title \"published figures\"");
	/* rows [0, nside[0]) label to the right of their point, the rest to the left */
	if (nside[0])
		fprintf(f, ", \\\n  dat index %d every ::0::%zu using 1:3:4 with labels left offset 1.2,0"
			   " boxed font \",8\" tc rgb \"#333333\" notitle",
			blk, nside[0] - 1);
	if (nside[1])
		fprintf(f, ", \\\n  dat index %d every ::%zu using 1:3:4 with labels right offset -1.2,0"
			   " boxed font \",8\" tc rgb \"#333333\" notitle",
			blk, nside[0]);
	*keyed = true;
	free(pts);
	free(pl);
}

/* --- one latency plot: a panel per page mode, a line per primitive --- */

static int lat_plot(struct host *h, const struct lat_spec *s, unsigned *flags_out, cb_error *e)
{
	struct report *r = h->r;
	struct axes a = {INFINITY, -INFINITY, false, 0, INFINITY, -INFINITY};
	unsigned flags = 0;
	size_t npanels = 0;
	const char *panels[16];
	for (size_t m = 0; m < h->nmodes; m++) {
		bool any = false;
		for (size_t i = 0; i < h->n; i++) {
			if (strcmp(h->c[i].mode, h->modes[m]) || !selected(h, i, s))
				continue;
			const struct stats_summary *st = stat_of(&h->c[i], s);
			any = true;
			flags |= h->c[i].flags;
			axes_add_x(&a, h->c[i].mem);
			axes_add_y(&a, st->median);
			axes_add_y(&a, st->ci_lo);
			axes_add_y(&a, st->ci_hi);
		}
		if (any)
			panels[npanels++] = h->modes[m];
	}
	*flags_out = flags;
	if (!npanels)
		return 1; /* nothing to draw */
	if (s->refs && r->have_refs)
		for (size_t i = 0; i < r->refs.n; i++)
			if (h->fd->refs[i].plotted) {
				axes_add_x(&a, r->refs.p[i].mem_bytes);
				axes_add_y(&a, r->refs.p[i].value_ns);
			}
	if (s->floors) {
		axes_add_y(&a, h->fd->floor_copy_4k_ns);
		for (size_t i = 0; i < h->n; i++) {
			char how[96];
			if (selected(h, i, s))
				axes_add_y(&a, floor_cow_pp(h->fd, &h->c[i], how, sizeof(how)));
		}
	}
	axes_finish(&a);
	int cols = npanels <= 2 ? (int)npanels : 2, rows = ((int)npanels + cols - 1) / cols;
	/* Panels placed by hand rather than by `layout`: each panel's key sits
	 * below it and has its own height, and automatic margins would then
	 * give the panels plot areas of different sizes. */
	int panel_px = 560, width = cols * 680 + 40, title_px = 70;
	int height = rows * panel_px + title_px;
	struct gp_plot p;
	if (report_plot_open(r, &p, s->name, s->what, width, height, e) < 0)
		return -1;
	FILE *f = gp_script(&p);
	fputs("set multiplot title ", f);
	report_plot_title(f, s->what, NULL, flags & ~RF_NO_PERF, true);
	fputc('\n', f);
	fputs("set style textbox opaque noborder\n", f);
	fputs("set ylabel ", f);
	gp_quote(f, s->ylabel);
	fputc('\n', f);
	bool ref_keyed = false;
	for (size_t pi = 0; pi < npanels; pi++) {
		const char *mode = panels[pi];
		bool zero_here = false;
		for (size_t i = 0; i < h->n; i++)
			zero_here |= !strcmp(h->c[i].mode, mode) && h->c[i].mem == 0 && selected(h, i, s);
		int row = (int)pi / cols, col = (int)pi % cols;
		double top = height - title_px - row * panel_px - 30, bottom = top - panel_px + 175;
		fprintf(f, "\nset title \"page mode: %s\"\n"
			   "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
			   "set tmargin at screen %.4f\nset bmargin at screen %.4f\n",
			mode, (col * 680 + 20 + 80.0) / width, ((col + 1) * 680 + 20 - 30.0) / width,
			top / height, bottom / height);
		fprintf(f, "set xlabel \"parent memory (log scale%s)\"\n",
			zero_here ? "; 0 = no region, on its own tick" : "");
		/* the key under the panel's x label, in the room left for it */
		fprintf(f, "set key at screen %.4f, screen %.4f center top horizontal maxcols 4 font \",9\" spacing 1.1\n",
			(col * 680 + 20 + 340.0) / width, (bottom - 62) / height);
		write_xaxis(f, &a, zero_here);
		fputs("plot ", f);
		bool first = true;
		const char *done[16];
		size_t ndone = 0;
		for (size_t i = 0; i < h->n; i++) {
			const struct hcfg *c = &h->c[i];
			bool dup = false;
			for (size_t k = 0; k < ndone; k++)
				dup |= !strcmp(done[k], c->prim);
			if (dup || strcmp(c->mode, mode) || !panel_has_prim(h, s, mode, c->prim))
				continue;
			if (ndone < CB_ARRAY_SIZE(done))
				done[ndone++] = c->prim;
			char comment[160];
			snprintf(comment, sizeof(comment),
				 "%s, %s: x (bytes; 0 drawn at %g), median (s), ci_lo, ci_hi, "
				 "mem_bytes, dirty_pages, n", c->prim, mode, a.x0);
			int blk = gp_block(&p, comment);
			FILE *d = gp_data(&p);
			for (size_t j = 0; j < h->n; j++) {
				const struct hcfg *o = &h->c[j];
				if (strcmp(o->prim, c->prim) || strcmp(o->mode, mode) || !selected(h, j, s))
					continue;
				const struct stats_summary *st = stat_of(o, s);
				fprintf(d, "%g %.6g %.6g %.6g %.0f %.0f %zu\n", plot_x(&a, o->mem),
					st->median * 1e-9, st->ci_lo * 1e-9, st->ci_hi * 1e-9, o->mem,
					o->dirty, st->n);
			}
			fprintf(f, "%sdat index %d using 1:2:3:4 with yerrorlines lw 1.5 pt %d ps 1.1 lc rgb \"%s\" title \"%s\"",
				first ? "" : ", \\\n  ", blk, report_point_type(c->prim),
				report_color(c->prim), c->prim);
			first = false;
		}
		if (s->floors && h->fd->floor_copy_4k_ns > 0) {
			char v[32];
			fprintf(f, ", \\\n  %g with lines dt 2 lw 2 lc rgb \"#d62728\" title \"one 4 KiB copy (%s)\"",
				h->fd->floor_copy_4k_ns * 1e-9, fmt_ns(h->fd->floor_copy_4k_ns, v, sizeof(v)));
		}
		/* Under hugetlb a fault copies a whole huge page: fork's floor
		 * then depends on how many pages were dirtied, point by point. */
		if (s->floors && !strncmp(mode, "hugetlb", 7)) {
			size_t nf = 0;
			for (size_t i = 0; i < h->n; i++) {
				char how[96];
				nf += !strcmp(h->c[i].mode, mode) && selected(h, i, s) &&
				      floor_cow_pp(h->fd, &h->c[i], how, sizeof(how)) > 0;
			}
			if (nf) {
				int blk = gp_block(&p, "fork's floor per page: x (bytes), seconds");
				for (size_t i = 0; i < h->n; i++) {
					char how[96];
					double fl = floor_cow_pp(h->fd, &h->c[i], how, sizeof(how));
					if (!strcmp(h->c[i].mode, mode) && selected(h, i, s) && fl > 0)
						fprintf(gp_data(&p), "%g %g\n", plot_x(&a, h->c[i].mem), fl * 1e-9);
				}
				fprintf(f, ", \\\n  dat index %d using 1:2 with linespoints dt 3 lw 2 pt 1"
					   " lc rgb \"#9467bd\" title \"fork's floor: its faults' huge-page copies\"",
					blk);
			}
		}
		if (s->refs && r->have_refs)
			write_refs(h, &p, &a, mode, panel_px, f, &ref_keyed);
		fputc('\n', f);
	}
	fputs("unset multiplot\n", f);
	return report_figure(r, &p, s->alt, e);
}

/* --- tables --- */

static void lat_table(struct host *h, const struct lat_spec *s)
{
	FILE *f = report_appendix(h->r, s->name, s->what);
	const char *cols[] = {"primitive", "page mode", "parent size", "dirty pages", "n",
			      s->metric, "95% CI", "huge fraction", "flags", NULL};
	report_table_head(f, cols);
	for (size_t m = 0; m < h->nmodes; m++)
		for (size_t i = 0; i < h->n; i++) {
			const struct hcfg *c = &h->c[i];
			if (strcmp(c->mode, h->modes[m]) || !selected(h, i, s))
				continue;
			const struct stats_summary *st = stat_of(c, s);
			char sz[32], med[32], ci[64], hf[32], fl[160];
			fprintf(f, "| %s | %s | %s | %.0f | %zu | %s | %s | %s | %s |\n", c->prim, c->mode,
				fmt_bytes(c->mem, sz, sizeof(sz)), c->dirty, st->n,
				fmt_ns(st->median, med, sizeof(med)),
				fmt_ns_ci(st->ci_lo, st->ci_hi, ci, sizeof(ci)),
				fmt_num(c->huge, hf, sizeof(hf)),
				report_flag_codes(c->flags, fl, sizeof(fl)));
		}
}

static void floor_tables(struct host *h)
{
	struct report *r = h->r;
	FILE *f = r->md;
	fputs("\n### Distance from the copy floor\n\n", f);
	if (!r->run.host_floor) {
		fputs("No host-floor.csv in this run: no floor to compare with.\n", f);
		return;
	}
	fputs("The floor is what this machine's memory system needs for the same work, measured "
	      "in the same run (host-floor.csv), as results/README.md defines it, for fork only "
	      "(the other primitives copy neither page tables nor pages): for `create_ns`, "
	      "copying the parent's page tables at memcpy speed (`pte_bytes / "
	      "memcpy_bytes_per_s`); for the COW cost per dirtied page, the copies the child's "
	      "faults must make (`cow_faults` median) of one 4 KiB page each (`copy_4k_ns`), or "
	      "of a whole huge page each under hugetlb when there were fewer faults than dirtied "
	      "pages, divided by the dirtied pages. The ratio is median / floor.\n",
	      f);
	static const char *const fcols[] = {"floor metric", "n", "median", "95% CI", NULL};
	report_table_head(f, fcols);
	const struct csv_table *fl = r->run.host_floor;
	int cm = csv_col(fl, "metric"), cn = csv_col(fl, "n"), cmed = csv_col(fl, "median"),
	    clo = csv_col(fl, "ci_lo"), chi = csv_col(fl, "ci_hi");
	for (size_t i = 0; i < fl->nrows; i++) {
		const char *metric = csv_get(fl, i, cm);
		char a[32], b[64];
		bool bps = strstr(metric, "bytes_per_s") != NULL;
		double med = csv_get_double(fl, i, cmed);
		if (bps)
			snprintf(a, sizeof(a), "%.3g GB/s", med / 1e9);
		fprintf(f, "| %s | %s | %s | %s |\n", metric, csv_get(fl, i, cn),
			bps ? a : fmt_ns(med, a, sizeof(a)),
			bps ? "" : fmt_ns_ci(csv_get_double(fl, i, clo), csv_get_double(fl, i, chi), b,
					     sizeof(b)));
	}
	static const char *const cols[] = {"primitive", "page mode", "parent size", "dirty pages",
					   "metric", "median", "floor", "floor from", "ratio",
					   "flags", NULL};
	f = report_appendix(r, "floor", "Distance from the copy floor, per configuration");
	report_table_head(f, cols);
	unsigned flags = 0;
	for (size_t m = 0; m < h->nmodes; m++)
		for (size_t i = 0; i < h->n; i++) {
			const struct hcfg *c = &h->c[i];
			if (strcmp(c->mode, h->modes[m]))
				continue;
			char sz[32], med[32], fls[32], pt[32], how[96], fc[160], ratio[32];
			double floor = floor_create(h->fd, c);
			if (floor > 0) {
				fprintf(f, "| %s | %s | %s | %.0f | create_ns | %s | %s | %s of page tables at memcpy speed | %s | %s |\n",
					c->prim, c->mode, fmt_bytes(c->mem, sz, sizeof(sz)), c->dirty,
					fmt_ns(c->create.median, med, sizeof(med)),
					fmt_ns(floor, fls, sizeof(fls)), fmt_bytes(c->pte, pt, sizeof(pt)),
					fmt_num(c->create.median / floor, ratio, sizeof(ratio)),
					report_flag_codes(c->flags, fc, sizeof(fc)));
				flags |= c->flags;
			}
			floor = floor_cow_pp(h->fd, c, how, sizeof(how));
			if (floor > 0) {
				fprintf(f, "| %s | %s | %s | %.0f | cow_ns / dirty_pages | %s | %s | %s | %s | %s |\n",
					c->prim, c->mode, fmt_bytes(c->mem, sz, sizeof(sz)), c->dirty,
					fmt_ns(c->cow_pp.median, med, sizeof(med)),
					fmt_ns(floor, fls, sizeof(fls)), how,
					fmt_num(c->cow_pp.median / floor, ratio, sizeof(ratio)),
					report_flag_codes(c->flags, fc, sizeof(fc)));
				flags |= c->flags;
			}
		}
	report_flags(r, flags | r->run_flags);
}

static void all_configs_table(struct host *h)
{
	FILE *f = report_appendix(h->r, "host-configs", "Every host configuration (medians; n = samples)");
	static const char *const cols[] = {"primitive", "page mode", "parent size", "dirty pages",
					   "n", "create", "child start", "total", "COW loop",
					   "COW faults", "huge fraction", "page tables", "flags",
					   NULL};
	report_table_head(f, cols);
	for (size_t i = 0; i < h->n; i++) {
		const struct hcfg *c = &h->c[i];
		char b[9][64];
		fprintf(f, "| %s | %s | %s | %.0f | %zu | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			c->prim, c->mode, fmt_bytes(c->mem, b[0], 64), c->dirty, c->g->nrows,
			fmt_ns(c->create.median, b[1], 64), fmt_ns(c->child.median, b[2], 64),
			fmt_ns(c->total.median, b[3], 64), fmt_ns(c->cow.median, b[4], 64),
			fmt_num(c->faults.median, b[5], 64), fmt_num(c->huge, b[6], 64),
			fmt_bytes(c->pte, b[7], 64), report_flag_codes(c->flags, b[8], 64));
	}
}

static const struct lat_spec specs[] = {
	{"fork-latency", "Process creation latency vs parent memory",
	 "Create latency vs parent memory, one panel per page mode", "create latency (median, 95% CI)",
	 "create_ns median", offsetof(struct hcfg, create), false, true, false},
	{"child-start", "Child start latency vs parent memory",
	 "Child start latency vs parent memory, one panel per page mode",
	 "create call to child's first instruction", "child_start_ns median",
	 offsetof(struct hcfg, child), false, false, false},
	{"cow-fault", "Copy-on-write cost per dirtied page vs parent memory",
	 "COW cost per dirtied page vs parent memory, with the copy floor",
	 "child's write loop / dirty pages", "cow_ns / dirty_pages median",
	 offsetof(struct hcfg, cow_pp), true, false, true},
};

static const char *const spec_text[] = {
	"The create call to its return in the parent (`create_ns`), against the memory the "
	"parent mapped and populated, one line per primitive. Where a size was measured with "
	"several `dirty_pages` values, the plot and table use the one with the fewest (the "
	"child's writes come after the call returns). Size 0 (no region) has no place on a "
	"log axis: it is drawn on its own tick labelled \"0\", left of the dotted line.",
	"The create call to the child's first instruction (`child_start_ns`; for the exec'd "
	"primitives, the helper's `main`). Same selection and size-0 tick as above.",
	"The child's write loop divided by the pages it wrote (`cow_ns / dirty_pages`), one "
	"line per primitive that dirties pages; for fork these are COW faults, for vfork and "
	"clone(CLONE_VM) plain writes to shared memory. At each size the configuration with "
	"the most dirtied pages is drawn (the per-loop overhead is spread thinnest). Dashed: "
	"one 4 KiB copy as this machine measured it (`copy_4k_ns`, the floor of a 4 KiB COW "
	"fault); under hugetlb, where one fault copies a whole huge page, dotted: fork's "
	"floor for that many dirtied pages (see the next section).",
};

int report_host(struct report *r, struct host_findings *out, cb_error *e)
{
	FILE *f = r->md;
	memset(out, 0, sizeof(*out));
	out->refs = cb_xcalloc(r->refs.n + 1, sizeof(*out->refs));
	out->floor_copy_4k_ns = floor_metric(r->run.host_floor, "copy_4k_ns");
	out->floor_copy_2m_ns = floor_metric(r->run.host_floor, "copy_2m_ns");
	out->floor_memcpy_bps = floor_metric(r->run.host_floor, "memcpy_bytes_per_s");
	fputs("\n## Host: process creation\n", f);
	if (!r->run.host || !r->run.host->nrows) {
		fprintf(f, "\n**The host part is missing from this run:** %s, so there is no host "
			   "latency, plot or floor comparison below.\n",
			r->run.host ? "host.csv has no rows"
				    : "there is no host.csv (`cowbench host` did not run or did not "
				      "finish a configuration)");
		for (size_t i = 0; i < r->refs.n; i++)
			snprintf(out->refs[i].why, sizeof(out->refs[i].why), "no: no host rows in this run");
		return 0;
	}
	struct host h = {.r = r, .fd = out};
	host_build(&h);
	out->have = true;
	report_host_find(&h);
	if (r->have_refs)
		refs_assign(&h, &specs[0]);
	for (size_t i = 0; i < CB_ARRAY_SIZE(specs); i++) {
		fprintf(f, "\n### %s\n\n%s\n\n", specs[i].what, spec_text[i]);
		unsigned flags;
		int rc = lat_plot(&h, &specs[i], &flags, e);
		if (rc < 0) {
			grouping_free(&h.gr);
			free(h.c);
			return -1;
		}
		if (rc > 0) {
			fputs("Nothing to draw: no configuration in this run has this metric.\n", f);
			continue;
		}
		report_flags(r, flags | r->run_flags);
		lat_table(&h, &specs[i]);
	}
	floor_tables(&h);
	all_configs_table(&h);
	report_host_pick_cow(&h);
	if (report_host_stability(&h, e) < 0) {
		grouping_free(&h.gr);
		free(h.c);
		return -1;
	}
	grouping_free(&h.gr);
	free(h.c);
	return 0;
}
