#include "host_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "afile.h"
#include "host_pattern.h"
#include "host_prim.h"
#include "nofork.h"
#include "norm.h"
#include "stats.h"

/* Every file starts with the configuration: these, then the dimensions
 * of common/host_dims.h. */
#define CONFIG_COLS "primitive", "page_mode", "mem_bytes", "dirty_pages", HOST_DIMS(HOST_DIM_COLUMN)
#define NCONFIG (4 + HOST_DIM_COUNT)

/* host.csv: the configuration, rep, round, then every HOST_METRICS column. */
static const char *rows_header[NCONFIG + 2 + HOST_M_COUNT + 1] = {CONFIG_COLS "rep", "round"};

static const char *const summary_header[] = {
	CONFIG_COLS "metric", "n", "min", "median", "mean", "p90", "p99", "p999", "max", "stddev",
	"ci_lo", "ci_hi", "ci_rel_width", "converged", "stop", "huge_fraction", "pte_bytes",
	"floor_ns", "ratio_to_floor", "rounds", "seed", "rounds_agree", "agree_p",
	"rounds_spread", "copied_bytes", "amplification", "copied_by", "kernel", "pattern_seed",
	NULL,
};

/* host-writes.csv: a configuration's first writes, per round, as the
 * non-empty buckets of analysis/loghist.h. */
static const char *const writes_header[] = {
	CONFIG_COLS "round", "bucket_lo_ns", "bucket_hi_ns", "count", NULL,
};

static const char *const floor_header[] = {
	"metric", "n", "min", "median", "mean", "p90", "p99", "p999", "max", "stddev", "ci_lo",
	"ci_hi", "ci_rel_width", "converged", "stop", "buf_bytes", NULL,
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
	for (int d = 0; d < HOST_DIM_COUNT; d++) {
		char v[32];
		csv_str(w, host_dim_text((enum host_dim)d, r->cfg->dim[d], v, sizeof(v)));
	}
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
	const double v[] = {s->min, med, s->mean, s->p90, s->p99, s->p999, s->max, s->stddev, lo, hi};
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
	f->fp = nofork_memstream(&f->buf, &f->len);
	if (!f->fp)
		cb_die(CB_EXIT_FAIL, "memory", "cannot buffer %s", name);
	csv_writer_init(&f->w, f->fp);
	csv_header(&f->w, header);
}

static void file_close(struct host_out_file *f)
{
	if (f->fp)
		fclose(f->fp);
	nofork_free(f->buf);
	f->fp = NULL;
	f->buf = NULL;
}

void host_out_init(struct host_out *o, const char *dir, const struct host_floor *floor,
		   bool write_floor, uint64_t seed)
{
	memset(o, 0, sizeof(*o));
	if (!rows_header[NCONFIG + 2])
		for (int m = 0, k = NCONFIG + 2; m < HOST_M_COUNT; m++)
			if (host_metrics[m].row != HOST_ROW_NONE)
				rows_header[k++] = host_metrics[m].name;
	o->dir = cb_xstrdup(dir);
	o->floor = floor && floor->measured ? floor : NULL;
	o->write_floor = write_floor;
	o->seed = seed;
	o->copied_by = "";
	file_open(&o->rows, "host.csv", rows_header);
	file_open(&o->summary, "host-summary.csv", summary_header);
	file_open(&o->floors, "host-floor.csv", floor_header);
	file_open(&o->writes, "host-writes.csv", writes_header);
	if (o->floor)
		put_floor(&o->floors.w, o->floor);
	struct utsname u;
	snprintf(o->kernel, sizeof(o->kernel), "%s", uname(&u) == 0 ? u.release : "");
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

/* What a configuration's writes copied, as the summary's last columns
 * give it: the median over its accounted samples. */
struct copied {
	double bytes, amplification;
};

static struct copied copied_of(const struct host_result *r)
{
	struct copied c = {median_of(r, HOST_M_COPIED), NAN};
	double written = (double)r->cfg->dirty_pages * 4096;
	if (written > 0)
		c.amplification = c.bytes / written;
	return c;
}

/* One host-summary.csv row: the statistics of x[0..n) (round[i] the
 * round of x[i]: a metric's samples, their normalized form, or the first
 * writes) under the name `metric`. */
static void put_summary_row(struct csv_writer *w, const struct host_out *o,
			    const struct host_result *r, const char *metric, const double *x,
			    const int *round, size_t n, double floor, double huge, double pte)
{
	struct stats_summary s;
	struct stats_rounds rd;
	stats_summarize(x, n, &s);
	if (s.n == 0)
		return; /* not measured for this primitive */
	stats_rounds_summarize(x, round, n, &rd);
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
	struct copied c = copied_of(r);
	put_whole(w, c.bytes);
	csv_double(w, c.amplification);
	csv_str(w, isnan(c.bytes) ? "" : o->copied_by);
	csv_str(w, o->kernel);
	if (r->cfg->dim[HOST_DIM_PATTERN] == HOST_PATTERN_RANDOM && r->cfg->dirty_pages) {
		char name[160];
		host_config_name(r->pt, r->cfg, name, sizeof(name));
		csv_u64(w, host_pattern_seed(o->seed, name));
	} else {
		csv_str(w, "");
	}
	csv_end_row(w);
}

static void put_summary(struct csv_writer *w, const struct host_out *o, const struct host_result *r)
{
	double huge = median_of(r, HOST_M_HUGE), pte = median_of(r, HOST_M_PTE);
	for (int m = 0; m < HOST_M_COUNT; m++)
		if (host_metrics[m].summary)
			put_summary_row(w, o, r, host_metrics[m].name, r->v[m], r->round, r->n,
					host_out_floor_ns(o->floor, r, (enum host_metric)m), huge, pte);
	/* Every first write, from the histograms of host-writes.csv. */
	double *wx;
	int *wr;
	size_t wn;
	host_result_write_values(r, &wx, &wr, &wn);
	if (wn)
		put_summary_row(w, o, r, HOST_WRITE_METRIC, wx, wr, wn, NAN, huge, pte);
	free(wx);
	free(wr);
	/* The normalized forms, from each sample and the probe beside it. */
	double *x = cb_xmalloc(r->n * sizeof(*x));
	for (int m = 0; m < HOST_M_COUNT; m++) {
		const char *name = norm_metric_name(host_metrics[m].name);
		if (!host_metrics[m].summary || !name)
			continue;
		for (size_t i = 0; i < r->n; i++)
			x[i] = norm_value(host_metrics[m].name, r->v[m][i], r->v[HOST_M_PROBE_CPU][i],
					  r->v[HOST_M_PROBE_MEM][i]);
		put_summary_row(w, o, r, name, x, r->round, r->n, NAN, huge, pte);
	}
	free(x);
}

/* host-writes.csv from every configuration's histograms, round by round. */
static void put_writes(struct host_out *o, const struct host_result *results, size_t n)
{
	file_close(&o->writes);
	file_open(&o->writes, "host-writes.csv", writes_header);
	struct csv_writer *w = &o->writes.w;
	for (size_t i = 0; i < n; i++) {
		const struct host_result *r = &results[i];
		for (size_t k = 0; k < r->nwrites; k++) {
			const struct loghist *h = &r->writes[k].h;
			for (int b = 0; b < LOGHIST_BUCKETS; b++) {
				if (!h->count[b])
					continue;
				put_config(w, r);
				csv_i64(w, r->writes[k].round);
				csv_double(w, loghist_lo(b));
				csv_double(w, loghist_hi(b));
				csv_u64(w, h->count[b]);
				csv_end_row(w);
			}
		}
	}
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
	nofork_free(c->text);
	c->text = NULL;
	c->len = 0;
	FILE *fp = nofork_memstream(&c->text, &c->len);
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
	put_writes(o, results, n);
	/* The summary first: a kill between the renames then leaves a
	 * summary that describes at least every block in host.csv (and
	 * host-writes.csv, whose every row is a finished block's). */
	if (file_write(o->dir, &o->summary, e) < 0 || file_write(o->dir, &o->writes, e) < 0 ||
	    file_write(o->dir, &o->rows, e) < 0 ||
	    (o->write_floor && file_write(o->dir, &o->floors, e) < 0))
		return -1;
	return 0;
}

void host_out_free(struct host_out *o)
{
	for (size_t i = 0; i < o->ncache; i++)
		nofork_free(o->cache[i].text);
	free(o->cache);
	file_close(&o->rows);
	file_close(&o->summary);
	file_close(&o->floors);
	file_close(&o->writes);
	free(o->dir);
	memset(o, 0, sizeof(*o));
}
