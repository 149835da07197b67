#include "host_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "host_prim.h"
#include "norm.h"
#include "stats.h"

/* host.csv: the configuration, rep, round, then every HOST_METRICS column. */
static const char *rows_header[4 + 2 + HOST_M_COUNT + 1] = {
	"primitive", "page_mode", "mem_bytes", "dirty_pages", "rep", "round",
};

static const char *const summary_header[] = {
	"primitive", "page_mode", "mem_bytes", "dirty_pages", "metric", "n", "min", "median",
	"mean", "p90", "p99", "max", "stddev", "ci_lo", "ci_hi", "ci_rel_width", "converged",
	"stop", "huge_fraction", "pte_bytes", "floor_ns", "ratio_to_floor", "rounds", "seed",
	"rounds_agree", "agree_p", "rounds_spread", NULL,
};

static const char *const floor_header[] = {
	"metric", "n", "min", "median", "mean", "p90", "p99", "max", "stddev", "ci_lo", "ci_hi",
	"ci_rel_width", "converged", "stop", "buf_bytes", NULL,
};

static void put_whole(struct csv_writer *w, double v)
{
	if (isnan(v))
		csv_str(w, "");
	else
		csv_i64(w, (int64_t)llround(v));
}

static void put_config(struct csv_writer *w, const struct host_result *r)
{
	csv_str(w, host_prims[r->cfg->prim].name);
	csv_str(w, host_page_names[r->pt->mode]);
	csv_u64(w, r->pt->bytes);
	csv_u64(w, r->cfg->dirty_pages);
}

static double median_of(const struct host_result *r, enum host_metric m)
{
	struct stats_summary s;
	stats_summarize(r->v[m], r->n, &s);
	return s.median;
}

double host_out_floor_ns(const struct host_floor *f, const struct host_result *r,
			 enum host_metric m)
{
	if (!f || !f->measured || r->cfg->prim != HOST_PRIM_FORK)
		return NAN;
	if (m == HOST_M_CREATE) {
		/* fork copies the parent's page tables at the very least. */
		double pte = median_of(r, HOST_M_PTE);
		return pte / host_floor_median(f, HOST_FLOOR_MEMCPY_BPS) * 1e9;
	}
	if ((m != HOST_M_COW && m != HOST_M_COW_PER_PAGE) || r->cfg->dirty_pages == 0)
		return NAN;
	/* Each COW fault copies one page.  Under hugetlb, one fault per huge
	 * page the dirtied range spans means whole huge pages were copied
	 * (hugetlb never splits); one per 4 KiB page would mean 4 KiB copies. */
	double faults = median_of(r, HOST_M_COW_FAULTS);
	double dirty = (double)r->cfg->dirty_pages;
	double per_fault = host_floor_median(f, HOST_FLOOR_COPY_4K);
	unsigned long kib = mem_kinds[r->pt->mode].pool_kib;
	if (kib && faults == ceil(dirty * 4 / (double)kib))
		per_fault = host_floor_median(f, HOST_FLOOR_COPY_2M) * (double)kib / 2048.0;
	double total = faults * per_fault;
	return m == HOST_M_COW ? total : total / dirty;
}

/* n, min, median, mean, p90, p99, max, stddev, ci_lo, ci_hi, ci_rel_width;
 * median and interval from rd when given (over rounds), else from s. */
static void put_stats(struct csv_writer *w, const struct stats_summary *s,
		      const struct stats_rounds *rd)
{
	double med = rd ? rd->median : s->median;
	double lo = rd ? rd->ci_lo : s->ci_lo, hi = rd ? rd->ci_hi : s->ci_hi;
	csv_u64(w, s->n);
	const double v[] = {s->min, med, s->mean, s->p90, s->p99, s->max, s->stddev, lo, hi};
	for (size_t i = 0; i < CB_ARRAY_SIZE(v); i++)
		csv_double(w, v[i]);
	csv_double(w, !s->n ? NAN : med == 0 ? INFINITY : (hi - lo) / fabs(med));
}

static void put_floor(struct csv_writer *w, const struct host_floor *f)
{
	for (int m = 0; m < HOST_FLOOR_COUNT; m++) {
		csv_str(w, host_floor_names[m]);
		put_stats(w, &f->s[m], NULL);
		csv_bool(w, f->stop[m] == HOST_STOP_CI);
		csv_str(w, host_stop_names[f->stop[m]]);
		csv_u64(w, f->buf_bytes);
		csv_end_row(w);
	}
}

static void file_open(struct host_out_file *f, const char *name, const char *const *header)
{
	f->name = name;
	f->header = header;
	f->buf = NULL;
	f->len = 0;
	f->fp = open_memstream(&f->buf, &f->len);
	if (!f->fp)
		cb_die(CB_EXIT_FAIL, "memory", "cannot buffer %s", name);
	csv_writer_init(&f->w, f->fp);
	csv_header(&f->w, header);
}

static void file_close(struct host_out_file *f)
{
	if (f->fp)
		fclose(f->fp);
	free(f->buf);
	f->fp = NULL;
	f->buf = NULL;
}

void host_out_init(struct host_out *o, const char *dir, const struct host_floor *floor,
		   bool write_floor, uint64_t seed)
{
	memset(o, 0, sizeof(*o));
	if (!rows_header[6])
		for (int m = 0, k = 6; m < HOST_M_COUNT; m++)
			if (host_metrics[m].row != HOST_ROW_NONE)
				rows_header[k++] = host_metrics[m].name;
	o->dir = cb_xstrdup(dir);
	o->floor = floor && floor->measured ? floor : NULL;
	o->write_floor = write_floor;
	o->seed = seed;
	file_open(&o->rows, "host.csv", rows_header);
	file_open(&o->summary, "host-summary.csv", summary_header);
	file_open(&o->floors, "host-floor.csv", floor_header);
	if (o->floor)
		put_floor(&o->floors.w, o->floor);
}

void host_out_add_block(struct host_out *o, const struct host_result *r, size_t from)
{
	for (size_t i = from; i < r->n; i++) {
		/* a resumed sweep adds all its earlier blocks at once */
		o->blocks += i == from || r->round[i] != r->round[i - 1];
		put_config(&o->rows.w, r);
		csv_u64(&o->rows.w, i);
		csv_i64(&o->rows.w, r->round[i]);
		for (int m = 0; m < HOST_M_COUNT; m++) {
			double v = r->v[m][i];
			if (host_metrics[m].row == HOST_ROW_FRACTION)
				csv_double(&o->rows.w, v);
			else if (host_metrics[m].row == HOST_ROW_WHOLE)
				put_whole(&o->rows.w, v);
		}
		csv_end_row(&o->rows.w);
	}
}

/* One host-summary.csv row: the statistics of x (a metric's samples, or
 * their normalized form) under the name `metric`. */
static void put_summary_row(struct csv_writer *w, const struct host_out *o,
			    const struct host_result *r, const char *metric, const double *x,
			    double floor, double huge, double pte)
{
	struct stats_summary s;
	struct stats_rounds rd;
	stats_summarize(x, r->n, &s);
	if (s.n == 0)
		return; /* not measured for this primitive */
	stats_rounds_summarize(x, r->round, r->n, &rd);
	put_config(w, r);
	csv_str(w, metric);
	put_stats(w, &s, &rd);
	csv_bool(w, r->stop == HOST_STOP_CI);
	csv_str(w, host_stop_names[r->stop]);
	csv_double(w, huge);
	put_whole(w, pte);
	csv_double(w, floor);
	csv_double(w, floor > 0 ? rd.median / floor : NAN);
	csv_u64(w, rd.nrounds);
	csv_u64(w, o->seed);
	csv_bool(w, rd.rounds_agree);
	csv_double(w, rd.agree_p);
	csv_double(w, rd.spread);
	csv_end_row(w);
}

static void put_summary(struct csv_writer *w, const struct host_out *o, const struct host_result *r)
{
	double huge = median_of(r, HOST_M_HUGE), pte = median_of(r, HOST_M_PTE);
	for (int m = 0; m < HOST_M_COUNT; m++)
		if (host_metrics[m].summary)
			put_summary_row(w, o, r, host_metrics[m].name, r->v[m],
					host_out_floor_ns(o->floor, r, (enum host_metric)m), huge, pte);
	/* The normalized forms, from each sample and the probe beside it. */
	double *x = cb_xmalloc(r->n * sizeof(*x));
	for (int m = 0; m < HOST_M_COUNT; m++) {
		const char *name = norm_metric_name(host_metrics[m].name);
		if (!host_metrics[m].summary || !name)
			continue;
		for (size_t i = 0; i < r->n; i++)
			x[i] = norm_value(host_metrics[m].name, r->v[m][i], r->v[HOST_M_PROBE_CPU][i],
					  r->v[HOST_M_PROBE_MEM][i]);
		put_summary_row(w, o, r, name, x, NAN, huge, pte);
	}
	free(x);
}

/* A configuration's summary rows, rendered again only when it has new
 * samples or a new stop: the statistics of every configuration after every
 * point visited would cost a second or more of a full sweep's every
 * minute. */
static const struct host_out_cached *summary_of(struct host_out *o, size_t i,
						const struct host_result *r)
{
	struct host_out_cached *c = &o->cache[i];
	if (c->text && c->n == r->n && c->stop == r->stop)
		return c;
	free(c->text);
	c->text = NULL;
	c->len = 0;
	FILE *fp = open_memstream(&c->text, &c->len);
	if (!fp)
		cb_die(CB_EXIT_FAIL, "memory", "cannot buffer host-summary.csv");
	struct csv_writer w;
	csv_writer_init(&w, fp);
	put_summary(&w, o, r);
	fclose(fp);
	c->n = r->n;
	c->stop = r->stop;
	return c;
}

static int file_write(const char *dir, struct host_out_file *f, cb_error *e)
{
	fflush(f->fp);
	char *path = cb_path_join(dir, f->name);
	int rc = afile_write_all(path, f->buf, f->len, e);
	free(path);
	return rc;
}

int host_out_write(struct host_out *o, const struct host_result *results, size_t n,
		   cb_error *e)
{
	file_close(&o->summary);
	file_open(&o->summary, "host-summary.csv", summary_header);
	if (!o->cache) {
		o->cache = cb_xcalloc(n ? n : 1, sizeof(*o->cache));
		o->ncache = n;
	}
	for (size_t i = 0; i < n && i < o->ncache; i++) {
		if (!results[i].n)
			continue;
		const struct host_out_cached *c = summary_of(o, i, &results[i]);
		fwrite(c->text, 1, c->len, o->summary.fp);
	}
	/* The summary first: a kill between the two renames then leaves a
	 * summary that describes at least every block in host.csv. */
	if (file_write(o->dir, &o->summary, e) < 0 || file_write(o->dir, &o->rows, e) < 0 ||
	    (o->write_floor && file_write(o->dir, &o->floors, e) < 0))
		return -1;
	return 0;
}

void host_out_free(struct host_out *o)
{
	for (size_t i = 0; i < o->ncache; i++)
		free(o->cache[i].text);
	free(o->cache);
	file_close(&o->rows);
	file_close(&o->summary);
	file_close(&o->floors);
	free(o->dir);
	memset(o, 0, sizeof(*o));
}
