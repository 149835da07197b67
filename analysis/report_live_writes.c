/* The first writes beside a live child: their latency distribution per
 * page mode, pattern and writer (a CDF, log x), and what copy-on-write
 * copied for them (bars of copied bytes per byte written). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "report_live.h"

static const char *const writers[] = {"parent", "child"};

static const char *pattern_color(const char *p)
{
	return !strcmp(p, "dense") ? "#1f77b4" : !strcmp(p, "sparse") ? "#d62728" : "#2ca02c";
}

/* The page modes among the configurations pick() takes, in the documented
 * order. */
static size_t modes_of(const struct live *l, bool (*take)(const struct lcfg *), const char **modes,
		       size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (take(&l->c[i]))
			n = report_mode_add(modes, n, max, l->c[i].mode);
	report_modes_sort(modes, n);
	return n;
}

static bool has_writes(const struct lcfg *c)
{
	return live_snapshot(c) && c->writes.n > 0;
}

/* The region size of a page mode that the most configurations taken by
 * `take` have (ties: the smaller): one size per panel, so the curves and
 * bars of a panel compare like with like. */
static double panel_mem(const struct live *l, const char *mode, bool (*take)(const struct lcfg *))
{
	double best = NAN;
	size_t most = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *c = &l->c[i];
		if (!take(c) || strcmp(c->mode, mode))
			continue;
		size_t k = 0;
		for (size_t j = 0; j < l->n; j++)
			k += take(&l->c[j]) && !strcmp(l->c[j].mode, mode) && l->c[j].mem == c->mem;
		if (k > most || (k == most && c->mem < best)) {
			most = k;
			best = c->mem;
		}
	}
	return best;
}

/* Panels: n of them, at most three a row. */
static void panel_grid(size_t n, int *rows, int *cols)
{
	*cols = n <= 3 ? (int)n : 2;
	*rows = ((int)n + *cols - 1) / *cols;
}

/* A figure of one panel per page mode, panel_h pixels high each, its
 * multiplot begun under the title; the script to go on with, or NULL. */
static FILE *mode_panels(struct live *l, struct gp_plot *p, const char *name, const char *title,
			 size_t nmodes, int panel_h, cb_error *e)
{
	int rows, cols, panel = 520;
	panel_grid(nmodes, &rows, &cols);
	if (report_plot_open(l->r, p, name, title, cols * panel + 40, rows * panel_h + 80, e) < 0)
		return NULL;
	FILE *f = gp_script(p);
	fprintf(f, "set multiplot layout %d,%d title ", rows, cols);
	char common[160];
	snprintf(common, sizeof(common), "fork; kernel %s", l->fd->kernel);
	report_plot_title(f, title, common, l->r->run_flags, true);
	return f;
}

/* The curve of (mode, pattern, writer) at the panel's size mem
 * (panel_mem of has_writes): its configuration with the most writes timed. */
static const struct lcfg *curve(const struct live *l, const char *mode, double mem,
				const char *pattern, const char *writer)
{
	const struct lcfg *best = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *c = &l->c[i];
		if (!has_writes(c) || strcmp(c->mode, mode) || strcmp(c->pattern, pattern) ||
		    strcmp(c->writer, writer) || c->mem != mem)
			continue;
		if (!best || c->writes.n > best->writes.n ||
		    (c->writes.n == best->writes.n && c->mem > best->mem))
			best = c;
	}
	return best;
}

static void cdf_block(struct gp_plot *p, const struct lcfg *c, int *blk)
{
	char comment[160], sz[32];
	snprintf(comment, sizeof(comment), "%s %s %s, %s, %.0f dirty: latency (s), fraction at or below",
		 c->mode, c->pattern, c->writer, fmt_bytes(c->mem, sz, sizeof(sz)), c->dirty);
	*blk = gp_block(p, comment);
	FILE *d = gp_data(p);
	uint64_t cum = 0;
	bool first = true;
	for (int b = 0; b < LOGHIST_BUCKETS; b++) {
		if (!c->writes.count[b])
			continue;
		if (first)
			fprintf(d, "%.6g 0\n", loghist_lo(b) * 1e-9);
		first = false;
		cum += c->writes.count[b];
		fprintf(d, "%.6g %.6g\n", loghist_hi(b) * 1e-9, (double)cum / (double)c->writes.n);
	}
}

static void writes_table(struct live *l)
{
	FILE *f = report_appendix(l->r, "live-writes", "First writes beside a live child");
	const char *cols[] = {"page mode", "pattern", "writer", "parent size", "dirty pages", "writes",
			      "p50", "95% CI", "p99", "p99.9", "max", NULL};
	report_table_head(f, cols);
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *c = &l->c[i];
		if (!has_writes(c))
			continue;
		char sz[32], a[32], ci[64], b[32], d[32], m[32];
		fprintf(f, "| %s | %s | %s | %s | %.0f | %llu | %s | %s | %s | %s | %s |\n", c->mode,
			c->pattern, c->writer, fmt_bytes(c->mem, sz, sizeof(sz)), c->dirty,
			(unsigned long long)c->writes.n, fmt_ns(c->write.median, a, sizeof(a)),
			fmt_ns_ci(c->write.ci_lo, c->write.ci_hi, ci, sizeof(ci)),
			fmt_ns(c->write.p99, b, sizeof(b)), fmt_ns(c->write.p999, d, sizeof(d)),
			fmt_ns(c->write.max, m, sizeof(m)));
	}
}

/* The findings quote the parent's writes, dense and sparse, per mode. */
static void find_writes(struct live *l, const char *const *modes, size_t nmodes)
{
	static const char *const pats[] = {"dense", "sparse"};
	for (size_t m = 0; m < nmodes; m++)
		for (size_t k = 0; k < CB_ARRAY_SIZE(pats); k++) {
			const struct lcfg *c = curve(l, modes[m], panel_mem(l, modes[m], has_writes),
						     pats[k], "parent");
			if (!c || l->fd->nw == CB_ARRAY_SIZE(l->fd->w))
				continue;
			l->fd->w[l->fd->nw++] = (struct live_write){c->mode, c->pattern, c->writer,
								     c->mem, c->dirty, c->write};
		}
}

int live_writes(struct live *l, cb_error *e)
{
	struct report *r = l->r;
	FILE *md = r->md;
	fputs("\n### The first writes' latency\n\n"
	      "Every first write to a page, timed on its own (the clock and its cost are in "
	      "host-run.json), as a cumulative distribution: the fraction of writes that took at "
	      "most x. Solid: the parent writes while its child lives; dashed: the child writes. "
	      "Where a curve has several dirty counts, the one with the most writes is drawn; "
	      "every configuration is in the table.\n\n",
	      md);
	const char *modes[8];
	size_t nmodes = modes_of(l, has_writes, modes, CB_ARRAY_SIZE(modes));
	if (!nmodes) {
		fputs("Nothing to draw: no fork in this run timed its first writes.\n", md);
		return 0;
	}
	static const char *const pats[] = {"dense", "sparse", "random"};
	struct gp_plot p;
	FILE *f = mode_panels(l, &p, "live-writes", "First-write latency beside a live child",
			      nmodes, 480, e);
	if (!f)
		return -1;
	fputs("\nset logscale x\nset format x \"%.0s%cs\"\nset xlabel \"latency of one write (log scale)\"\n"
	      "set ylabel \"fraction of writes at or below\"\nset yrange [0:1]\nset grid\n"
	      "set key bottom right font \",9\"\n",
	      f);
	for (size_t m = 0; m < nmodes; m++) {
		char sz[32];
		double mem = panel_mem(l, modes[m], has_writes);
		fprintf(f, "set title \"page mode: %s, %s parent\"\nplot ", modes[m],
			fmt_bytes(mem, sz, sizeof(sz)));
		bool first = true;
		for (size_t k = 0; k < CB_ARRAY_SIZE(pats); k++)
			for (size_t w = 0; w < CB_ARRAY_SIZE(writers); w++) {
				const struct lcfg *c = curve(l, modes[m], mem, pats[k], writers[w]);
				if (!c)
					continue;
				int blk;
				cdf_block(&p, c, &blk);
				fprintf(f, "%sdat index %d using 1:2 with steps lw 2 dt %d lc rgb \"%s\" "
					   "title \"%s, %s writes (%.0f)\"",
					first ? "" : ", \\\n  ", blk, w ? 2 : 1, pattern_color(pats[k]),
					pats[k], writers[w], c->dirty);
				first = false;
			}
		fputc('\n', f);
	}
	fputs("unset multiplot\n", f);
	if (report_figure(r, &p, "first-write latency CDF per page mode, pattern and writer", e) < 0)
		return -1;
	report_flags(r, r->run_flags);
	writes_table(l);
	find_writes(l, modes, nmodes);
	return 0;
}

static bool has_copies(const struct lcfg *c)
{
	return live_snapshot(c) && c->amplification >= 0;
}

/* The (pattern, dirty) categories of a page mode, in pattern order. */
struct cat {
	const char *pattern;
	double dirty;
};

/* At the panel's size mem (panel_mem of has_copies). */
static size_t cats_of(const struct live *l, const char *mode, double mem, struct cat *out,
		      size_t max)
{
	static const char *const pats[] = {"dense", "sparse", "random"};
	size_t n = 0;
	for (size_t k = 0; k < CB_ARRAY_SIZE(pats); k++)
		for (size_t i = 0; i < l->n; i++) {
			const struct lcfg *c = &l->c[i];
			if (!has_copies(c) || strcmp(c->mode, mode) || strcmp(c->pattern, pats[k]) ||
			    c->mem != mem)
				continue;
			bool seen = false;
			for (size_t j = 0; j < n; j++)
				seen |= out[j].pattern == pats[k] && out[j].dirty == c->dirty;
			if (!seen && n < max)
				out[n++] = (struct cat){pats[k], c->dirty};
		}
	/* fewest writes first within a pattern */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out[j - 1].pattern == out[j].pattern &&
				   out[j - 1].dirty > out[j].dirty; j--) {
			struct cat x = out[j];
			out[j] = out[j - 1];
			out[j - 1] = x;
		}
	return n;
}

static const struct lcfg *amp_of(const struct live *l, const char *mode, double mem,
				 const struct cat *k, const char *writer)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *c = &l->c[i];
		if (has_copies(c) && !strcmp(c->mode, mode) && !strcmp(c->pattern, k->pattern) &&
		    c->dirty == k->dirty && !strcmp(c->writer, writer) && c->mem == mem)
			return c;
	}
	return NULL;
}

static void amp_table(struct live *l)
{
	FILE *f = report_appendix(l->r, "live-amplification", "What copy-on-write copied");
	const char *cols[] = {"page mode", "pattern", "writer", "parent size", "dirty pages",
			      "bytes written", "copied", "amplification", NULL};
	report_table_head(f, cols);
	for (size_t i = 0; i < l->n; i++) {
		const struct lcfg *c = &l->c[i];
		if (!has_copies(c))
			continue;
		char sz[32], w[32], cp[32], a[32];
		fprintf(f, "| %s | %s | %s | %s | %.0f | %s | %s | %s |\n", c->mode, c->pattern,
			c->writer, fmt_bytes(c->mem, sz, sizeof(sz)), c->dirty,
			fmt_bytes(c->dirty * 4096, w, sizeof(w)), fmt_bytes(c->copied, cp, sizeof(cp)),
			fmt_num(c->amplification, a, sizeof(a)));
	}
}

int live_amplification(struct live *l, cb_error *e)
{
	struct report *r = l->r;
	FILE *md = r->md;
	fprintf(md, "\n### What copy-on-write copied\n\n"
		    "The bytes the writes made the kernel copy (frames that differ between the two "
		    "processes' pagemap over the region, on the first sample of each block; hugetlb's "
		    "pool says the same), per byte written: 1 where a 4 KiB page is copied per write, "
		    "512 where a whole 2 MiB page is. Kernel %s; kernels before 5.8 copied a whole "
		    "THP where this one may split it.\n\n",
		l->fd->kernel);
	const char *modes[8];
	size_t nmodes = modes_of(l, has_copies, modes, CB_ARRAY_SIZE(modes));
	if (!nmodes) {
		fputs("Nothing to draw: no fork in this run counted its copies.\n", md);
		return 0;
	}
	struct gp_plot p;
	FILE *f = mode_panels(l, &p, "live-amplification", "Copied bytes per byte written", nmodes,
			      460, e);
	if (!f)
		return -1;
	double top = 1024;
	for (size_t i = 0; i < l->n; i++)
		if (has_copies(&l->c[i]) && l->c[i].amplification * 2 > top)
			top = l->c[i].amplification * 2;
	fprintf(f, "\nset logscale y\nset yrange [0.5:%g]\nset ylabel \"copied / written (log scale)\"\n"
		   "set style fill solid 0.8 border -1\nset boxwidth 0.38\nset grid y\n"
		   "set xtics rotate by -30 font \",9\"\nset key outside top center horizontal font \",9\"\n",
		top);
	for (size_t m = 0; m < nmodes; m++) {
		struct cat k[16];
		double mem = panel_mem(l, modes[m], has_copies);
		size_t nk = cats_of(l, modes[m], mem, k, CB_ARRAY_SIZE(k));
		char comment[96];
		snprintf(comment, sizeof(comment), "%s: category, child, parent, label", modes[m]);
		int blk = gp_block(&p, comment);
		FILE *d = gp_data(&p);
		for (size_t i = 0; i < nk; i++) {
			const struct lcfg *c = amp_of(l, modes[m], mem, &k[i], "child"),
					  *q = amp_of(l, modes[m], mem, &k[i], "parent");
			fprintf(d, "%zu %.6g %.6g \"%s %.0f\"\n", i, c ? c->amplification : NAN,
				q ? q->amplification : NAN, k[i].pattern, k[i].dirty);
			/* the findings: the parent's (else the child's) at each pattern's
			 * fewest writes, its first category (cats_of keeps a pattern's
			 * together) */
			const struct lcfg *pick = q ? q : c;
			bool later = i && k[i - 1].pattern == k[i].pattern;
			if (!later && pick && l->fd->na < CB_ARRAY_SIZE(l->fd->a))
				l->fd->a[l->fd->na++] = (struct live_amp){pick->mode, pick->pattern,
									  pick->writer, pick->amplification,
									  pick->dirty};
		}
		char sz[32];
		fprintf(f, "set title \"page mode: %s, %s parent\"\nset xrange [-0.6:%zu.6]\n"
			   "plot dat index %d using ($1-0.2):2:xtic(4) with boxes lc rgb \"#9ecae1\" "
			   "title \"child writes\", \\\n  dat index %d using ($1+0.2):3 with boxes lc rgb "
			   "\"#3182bd\" title \"parent writes\", \\\n  1 with lines dt 2 lc rgb \"#555555\" "
			   "notitle\n",
			modes[m], fmt_bytes(mem, sz, sizeof(sz)),
			nk ? nk - 1 : 0, blk, blk);
	}
	fputs("unset multiplot\n", f);
	if (report_figure(r, &p, "copied bytes per byte written, per page mode and pattern", e) < 0)
		return -1;
	amp_table(l);
	return 0;
}
