/* The section "What a live child costs": every host configuration with
 * its dimensions, its first writes from host-writes.csv, and what copy-on-
 * write copied; the figures are drawn by report_live_writes.c and
 * report_live_fork.c; the findings' sentences are written here. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "report_live.h"

bool live_snapshot(const struct lcfg *c)
{
	return !strcmp(c->prim, "fork") && c->dirty > 0 && c->threads == 1 && c->vmas == 1;
}

static int key_index(const struct grouping *gr, const char *col)
{
	for (size_t k = 0; k < gr->nkeys; k++)
		if (!strcmp(gr->keys[k], col))
			return (int)k;
	return -1;
}

static const char *value(const struct live *l, const struct group *g, const char *col)
{
	int k = key_index(&l->gr, col);
	return k < 0 ? "" : group_value(&l->gr, g, (size_t)k);
}

/* host-writes.csv's buckets into each configuration's histograms, and the
 * write statistics from them: the values spread within their buckets
 * (loghist.h), the median over the rounds' medians as host-summary.csv's. */
static void load_writes(struct live *l)
{
	const struct csv_table *w = l->r->run.host_writes;
	if (!w)
		return;
	struct grouping gw;
	grouping_build(&gw, w, run_host_keys, NULL, NULL);
	int lo = csv_col(w, "bucket_lo_ns"), cnt = csv_col(w, "count"), rd = csv_col(w, "round");
	for (size_t i = 0; i < l->n; i++) {
		struct lcfg *c = &l->c[i];
		const struct group *g = grouping_find(&gw, c->g->key);
		if (!g)
			continue;
		double *x = NULL;
		int *round = NULL;
		size_t n = 0, cap = 0;
		for (size_t k = 0; k < g->nrows; k++) {
			size_t row = g->rows[k];
			int b = loghist_bucket_of_lo(csv_get_double(w, row, lo));
			double count = csv_get_double(w, row, cnt), r = csv_get_double(w, row, rd);
			if (b < 0 || !(count >= 0) || count > 1e9)
				continue;
			struct loghist one;
			memset(&one, 0, sizeof(one));
			loghist_add_count(&one, b, (uint64_t)count);
			loghist_merge(&c->writes, &one);
			if (n + one.n > cap) {
				cap = (n + one.n) * 2;
				x = cb_xrealloc(x, cap * sizeof(*x));
				round = cb_xrealloc(round, cap * sizeof(*round));
			}
			size_t m = loghist_values(&one, x + n);
			for (size_t j = 0; j < m; j++)
				round[n + j] = stats_unit_id(r);
			n += m;
		}
		stats_summarize_by_round(x, round, n, &c->write);
		free(x);
		free(round);
	}
	grouping_free(&gw);
}

static void build(struct live *l)
{
	const struct csv_table *t = l->r->run.host;
	grouping_build(&l->gr, t, run_host_keys, NULL, NULL);
	l->n = l->gr.n;
	l->c = cb_xcalloc(l->n ? l->n : 1, sizeof(*l->c));
	for (size_t i = 0; i < l->n; i++) {
		struct lcfg *c = &l->c[i];
		const struct group *g = &l->gr.g[i];
		c->g = g;
		c->prim = value(l, g, "primitive");
		c->mode = value(l, g, "page_mode");
		c->writer = value(l, g, "writer");
		c->pattern = value(l, g, "pattern");
		c->mem = strtod(value(l, g, "mem_bytes"), NULL);
		c->dirty = strtod(value(l, g, "dirty_pages"), NULL);
		c->threads = strtod(value(l, g, "threads"), NULL);
		c->vmas = strtod(value(l, g, "vmas"), NULL);
		report_time_summary(&l->gr, g, report_col, "create_ns", &c->create);
		report_summarize(&l->gr, g, report_col, "tlb_shootdowns", &c->shootdowns);
		struct stats_summary s;
		report_summarize(&l->gr, g, report_col, "copied_bytes", &s);
		c->copied = s.median;
		c->amplification = c->dirty > 0 ? c->copied / (c->dirty * 4096) : NAN;
		report_summarize(&l->gr, g, report_col, "huge_fraction", &s);
		c->huge = s.median;
	}
	load_writes(l);
}

/* The kernel the run's copies were decided by: host-summary.csv's column,
 * else meta.json's. */
static void kernel_of(const struct report *r, char *buf, size_t len)
{
	const struct csv_table *s = r->run.host_summary;
	int k = s ? csv_col(s, "kernel") : -1;
	const char *v = k >= 0 && s->nrows ? csv_get(s, 0, k) : NULL;
	if (!v || !*v)
		v = run_meta_str(r->run.meta, "kernel.release");
	snprintf(buf, len, "%s", v && *v ? v : "unknown");
}

int report_live(struct report *r, struct live_findings **out, cb_error *e)
{
	*out = NULL;
	if (!r->run.host || !r->run.host->nrows)
		return 0; /* the host section said so already */
	struct live l = {.r = r};
	build(&l);
	bool any = false;
	for (size_t i = 0; i < l.n; i++)
		any |= !report_host_classic(r->run.host, l.c[i].g->rows[0], NULL) || l.c[i].writes.n;
	if (!any) {
		grouping_free(&l.gr);
		free(l.c);
		return 0;
	}
	l.fd = *out = cb_xcalloc(1, sizeof(**out));
	kernel_of(r, l.fd->kernel, sizeof(l.fd->kernel));
	fprintf(r->md, "\n## What a live child costs\n\n"
		       "A server that forks a snapshot child (Redis' BGSAVE) pays for the fork, then "
		       "for every first write to a page the child still shares: a copy-on-write "
		       "fault in the writer, and a copy of memory. Here the parent writes while its "
		       "child lives and waits (`writer=parent`), or the child writes (`writer=child`, "
		       "the classic benchmark), `dirty_pages` first writes each timed on its own, "
		       "`dense` (the first pages), `sparse` (one per 2 MiB: a huge page each) or "
		       "`random`; what the writes copied is counted from both processes' pagemap. "
		       "Kernel %s decided every copy below.\n",
		l.fd->kernel);
	int rc = live_writes(&l, e);
	if (rc == 0)
		rc = live_amplification(&l, e);
	if (rc == 0)
		rc = live_threads(&l, e);
	if (rc == 0) {
		live_fit_model(&l);
		rc = live_vmas(&l, e);
	}
	if (rc == 0)
		live_model(&l);
	grouping_free(&l.gr);
	free(l.c);
	return rc;
}

static void write_line(FILE *f, const struct live_findings *l)
{
	if (!l->nw)
		return;
	fputs("- **A first write while the other process lives** (fork, p50 / p99 / p99.9): ", f);
	for (size_t i = 0; i < l->nw; i++) {
		const struct live_write *w = &l->w[i];
		char a[32], b[32], c[32];
		fprintf(f, "%s%s %s %s **%s** / %s / %s", i ? "; " : "", w->mode, w->pattern,
			w->writer, fmt_ns(w->s.median, a, sizeof(a)), fmt_ns(w->s.p99, b, sizeof(b)),
			fmt_ns(w->s.p999, c, sizeof(c)));
	}
	fputs(". [figure](plots/live-writes.png)\n", f);
}

static void amp_line(FILE *f, const struct live_findings *l)
{
	if (!l->na)
		return;
	fprintf(f, "- **Copy-on-write copied, per byte written** (kernel %s): ", l->kernel);
	for (size_t i = 0; i < l->na; i++) {
		const struct live_amp *a = &l->a[i];
		char v[32];
		fprintf(f, "%s%s %s %s **%sx**", i ? "; " : "", a->mode, a->pattern, a->writer,
			fmt_num(a->amplification, v, sizeof(v)));
	}
	fputs(". [figure](plots/live-amplification.png)\n", f);
}

static void threads_line(FILE *f, const struct live_findings *l)
{
	if (!l->have_threads)
		return;
	char sz[32], a[32], ci[64], b[32], s2[32], s1[32];
	/* Alone inside the threaded interval: the run cannot tell them apart,
	 * and the sentence must not read as if it could. */
	bool same = l->t1.med >= l->t2.lo && l->t1.med <= l->t2.hi;
	fprintf(f, "- **A second thread reading the region** on another CPU: fork of %s (%s) "
		   "takes **%s** %s, %s %s alone, with **%s** TLB shootdowns per fork "
		   "instead of %s. [figure](plots/live-threads.png)\n",
		fmt_bytes(l->t_mem, sz, sizeof(sz)), l->t_mode, fmt_ns(l->t2.med, a, sizeof(a)),
		fmt_ns_ci(l->t2.lo, l->t2.hi, ci, sizeof(ci)),
		same ? "not distinguishable from" : "against", fmt_ns(l->t1.med, b, sizeof(b)),
		fmt_num(l->shoot2, s2, sizeof(s2)), fmt_num(l->shoot1, s1, sizeof(s1)));
}

static void thread_writes_line(FILE *f, const struct live_findings *l)
{
	if (!l->have_tw)
		return;
	char sz[32], w2[32], wci[64], w1[32], p2[32], p1[32], sd[32];
	fprintf(f, "- **The parent's first writes with that reader running** (fork of %s, %s, %.0f "
		   "pages written while the child lives): **%s** %s per write at p50 instead of %s "
		   "alone (%.1fx; p99 %s instead of %s), with %s TLB shootdowns per sample: "
		   "a COW fault must flush the reader's TLB too. [figure](plots/live-threads.png)\n",
		fmt_bytes(l->tw_mem, sz, sizeof(sz)), l->tw_mode, l->tw_dirty,
		fmt_ns(l->tw2.med, w2, sizeof(w2)), fmt_ns_ci(l->tw2.lo, l->tw2.hi, wci, sizeof(wci)),
		fmt_ns(l->tw1.med, w1, sizeof(w1)), l->tw2.med / l->tw1.med,
		fmt_ns(l->tw_p99_2, p2, sizeof(p2)), fmt_ns(l->tw_p99_1, p1, sizeof(p1)),
		fmt_num(l->tw_shoot, sd, sizeof(sd)));
}

static void vmas_line(FILE *f, const struct live_findings *l)
{
	if (!l->have_vmas)
		return;
	char sz[32], a[32], b[32], per[32];
	double d = (l->c_hi.med - l->c_lo.med) / (l->v_hi - l->v_lo);
	fprintf(f, "- **Mappings**: fork of %s (%s) in %.0f mappings takes **%s**, in %.0f %s: "
		   "%s per mapping. [figure](plots/live-vmas.png)\n",
		fmt_bytes(l->v_mem, sz, sizeof(sz)), l->v_mode, l->v_hi, fmt_ns(l->c_hi.med, a, sizeof(a)),
		l->v_lo, fmt_ns(l->c_lo.med, b, sizeof(b)), fmt_ns(d, per, sizeof(per)));
}

static void model_line(FILE *f, const struct live_findings *l)
{
	if (!l->have_model) {
		if (*l->model_note)
			fprintf(f, "- **The cost model of fork**: not fitted (%s).\n", l->model_note);
		return;
	}
	char s[256];
	fork_model_sentence(&l->m, s, sizeof(s));
	fprintf(f, "- **The cost model of fork**: %s (robust fit to %zu samples of %zu "
		   "configurations; the intervals are in [the table](#live-model)).\n",
		s, l->m.fit.n, l->m.configs);
}

void report_live_findings(FILE *f, const struct live_findings *l)
{
	if (!l)
		return;
	write_line(f, l);
	amp_line(f, l);
	threads_line(f, l);
	thread_writes_line(f, l);
	vmas_line(f, l);
	model_line(f, l);
}
