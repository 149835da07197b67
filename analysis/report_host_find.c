/* What the host section finds for the summary's opening: fork's cost per
 * GiB, what huge pages do to it, the primitives that copy no page tables,
 * COW per page, and whether the machine held one speed during the run. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "report_host.h"
#include "stats_impl.h"

/* The host's per-page COW cost the VM section compares guest copies with:
 * fork at 4 KiB pages, the configuration with the most dirtied pages. */
void report_host_pick_cow(struct host *h)
{
	const struct hcfg *best = NULL;
	for (size_t i = 0; i < h->n; i++) {
		const struct hcfg *c = &h->c[i];
		if (strcmp(c->prim, "fork") || strcmp(c->mode, "4k") || !c->cow_pp.n)
			continue;
		if (!best || c->dirty > best->dirty || (c->dirty == best->dirty && c->mem > best->mem))
			best = c;
	}
	if (!best)
		return;
	h->fd->cow_pp = best->cow_pp;
	h->fd->cow_pp_norm = best->cow_pp_norm.median;
	char sz[32];
	snprintf(h->fd->cow_cfg, sizeof(h->fd->cow_cfg), "host fork, 4k pages, %s parent, %.0f pages dirtied",
		 fmt_bytes(best->mem, sz, sizeof(sz)), best->dirty);
}

/* The configuration of (prim, mode) at mem with the fewest dirty pages
 * and a create time; NULL when none. */
static const struct hcfg *at_size(const struct host *h, const char *prim, const char *mode,
				  double mem)
{
	const struct hcfg *best = NULL;
	for (size_t i = 0; i < h->n; i++) {
		const struct hcfg *c = &h->c[i];
		if (strcmp(c->prim, prim) || strcmp(c->mode, mode) || c->mem != mem || !c->create.n)
			continue;
		if (!best || c->dirty < best->dirty)
			best = c;
	}
	return best;
}

/* The smallest and largest sizes (prim, mode) was measured at. */
static bool size_range(const struct host *h, const char *prim, const char *mode, double *lo,
		       double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->c[i].prim, prim) && !strcmp(h->c[i].mode, mode) && h->c[i].create.n) {
			*lo = fmin(*lo, h->c[i].mem);
			*hi = fmax(*hi, h->c[i].mem);
		}
	return *hi > *lo;
}

/* What the findings say about the host: fork's cost per GiB, what huge
 * pages do to it, the flat primitives, and the probe. */
void report_host_find(struct host *h)
{
	struct host_findings *fd = h->fd;
	double lo, hi;
	fd->fork_per_gib = (struct report_est){NAN, NAN, NAN};
	if (size_range(h, "fork", "4k", &lo, &hi)) {
		const struct hcfg *a = at_size(h, "fork", "4k", lo), *b = at_size(h, "fork", "4k", hi);
		double gib = (hi - lo) / (1024.0 * 1024 * 1024);
		fd->fork_per_gib = (struct report_est){(b->create.median - a->create.median) / gib,
						       (b->create.ci_lo - a->create.ci_hi) / gib,
						       (b->create.ci_hi - a->create.ci_lo) / gib};
		fd->fork_per_gib_norm = (b->create_norm.median - a->create_norm.median) / gib;
		fd->fork_gib_from = lo;
		fd->fork_gib_to = hi;
		fd->flags |= a->flags | b->flags;
	}
	static const char *const huge[] = {"thp", "hugetlb2m", "hugetlb1g"};
	for (size_t m = 0; m < CB_ARRAY_SIZE(huge); m++) {
		/* the largest size both page modes have */
		const struct hcfg *best = NULL, *base = NULL;
		for (size_t i = 0; i < h->n; i++) {
			const struct hcfg *c = &h->c[i];
			if (strcmp(c->prim, "fork") || strcmp(c->mode, huge[m]) || !(c->mem > 0))
				continue;
			const struct hcfg *b4 = at_size(h, "fork", "4k", c->mem);
			if (b4 && (!best || c->mem > best->mem)) {
				best = at_size(h, "fork", huge[m], c->mem);
				base = b4;
			}
		}
		if (best)
			fd->huge[fd->nhuge++] = (struct host_huge){huge[m], best->mem, report_est_of(&base->create),
								   report_est_of(&best->create)};
	}
	static const char *const flat[] = {"vfork", "clone_vm", "posix_spawn", "vfork_exec"};
	for (size_t p = 0; p < CB_ARRAY_SIZE(flat); p++) {
		if (!size_range(h, flat[p], "4k", &lo, &hi) && !at_size(h, flat[p], "4k", hi))
			continue;
		struct host_flat *f = &fd->flat[fd->nflat];
		f->prim = flat[p];
		f->min = INFINITY;
		f->max = -INFINITY;
		for (size_t i = 0; i < h->n; i++) {
			const struct hcfg *c = &h->c[i];
			if (!strcmp(c->prim, flat[p]) && !strcmp(c->mode, "4k") && c->create.n) {
				f->min = fmin(f->min, c->create.median);
				f->max = fmax(f->max, c->create.median);
			}
		}
		const struct hcfg *top = at_size(h, flat[p], "4k", hi);
		if (!top)
			continue;
		f->at_max = report_est_of(&top->create);
		f->mem_max = hi;
		fd->nflat++;
	}
	/* the probe beside every sample, in sample order */
	const struct csv_table *t = h->r->run.host;
	int pc = csv_col(t, "probe_cpu_ns");
	if (pc >= 0) {
		double *x = cb_xmalloc((t->nrows + 1) * sizeof(*x));
		size_t n = 0;
		for (size_t i = 0; i < t->nrows; i++) {
			double v = csv_get_double(t, i, pc);
			if (v > 0)
				x[n++] = v;
		}
		struct stats_summary st;
		stats_summarize(x, n, &st);
		fd->nprobe = n;
		fd->probe_med = st.median;
		double *sorted = cb_xmalloc((n + 1) * sizeof(*sorted));
		memcpy(sorted, x, n * sizeof(*x));
		qsort(sorted, n, sizeof(*sorted), stats_cmp_double);
		fd->probe_p5 = n ? stats_quantile_sorted(sorted, n, 0.05) : NAN;
		fd->probe_p95 = n ? stats_quantile_sorted(sorted, n, 0.95) : NAN;
		free(sorted);
		stats_detect_states(x, n, &fd->probe);
		free(x);
	}
}

/* The probe over the run, one point per sample in the order taken, so a
 * reader sees when the machine changed speed and for how long. */
int report_host_stability(struct host *h, cb_error *e)
{
	struct report *r = h->r;
	const struct host_findings *fd = h->fd;
	FILE *f = r->md;
	fputs("\n### Machine stability during the run\n\n", f);
	if (!fd->nprobe) {
		fputs("host.csv has no `probe_cpu_ns` (a run from before cowbench timed the machine's "
		      "state beside each sample): whether the machine changed speed is unknown.\n", f);
		return 0;
	}
	char a[32], b[32], c[32];
	fprintf(f, "The CPU probe (`probe_cpu_ns`, a fixed loop timed right before each sample) over "
		   "%zu samples: median %s, 5%%..95%% %s..%s. ", fd->nprobe,
		fmt_ns(fd->probe_med, a, sizeof(a)), fmt_ns(fd->probe_p5, b, sizeof(b)),
		fmt_ns(fd->probe_p95, c, sizeof(c)));
	if (fd->probe.k == 2)
		fprintf(f, "**Two speed states**: %.0f%% of the samples at %s, %.0f%% at %s (%.2fx slower); "
			   "raw times mix them.\n",
			fd->probe.share[0] * 100, fmt_ns(fd->probe.center[0], a, sizeof(a)),
			fd->probe.share[1] * 100, fmt_ns(fd->probe.center[1], b, sizeof(b)),
			fd->probe.center[1] / fd->probe.center[0]);
	else
		fputs("One speed state.\n", f);
	const struct csv_table *t = r->run.host;
	int pc = csv_col(t, "probe_cpu_ns"), pm = csv_col(t, "probe_mem_ns");
	struct gp_plot p;
	if (report_plot_open(r, &p, "probe", "The machine-state probe over the run", 1000, 420, e) < 0)
		return -1;
	FILE *s = gp_script(&p);
	report_plot_title(s, "Machine-state probe before each host sample", NULL, 0, false);
	fputs("set xlabel \"sample, in the order taken\"\nset ylabel \"probe time\"\n"
	      "set format y \"%.0s %cs\"\nset key outside top center horizontal\n", s);
	int blk = gp_block(&p, "sample index, probe_cpu_ns (s), probe_mem_ns (s)");
	for (size_t i = 0; i < t->nrows; i++)
		fprintf(gp_data(&p), "%zu %g %g\n", i, csv_get_double(t, i, pc) * 1e-9,
			pm >= 0 ? csv_get_double(t, i, pm) * 1e-9 : NAN);
	fprintf(s, "plot dat index %d using 1:2 with points pt 7 ps 0.3 lc rgb \"#1f77b4\" title \"CPU loop\"", blk);
	if (pm >= 0)
		fprintf(s, ", \\\n  dat index %d using 1:3 with points pt 7 ps 0.3 lc rgb \"#ff7f0e\" title \"memory copy\"", blk);
	if (fd->probe.k == 2)
		fprintf(s, ", \\\n  %g with lines dt 2 lc rgb \"#d62728\" title \"state threshold\"",
			fd->probe.threshold * 1e-9);
	fputc('\n', s);
	return report_figure(r, &p, "The machine-state probe over the run", e);
}
