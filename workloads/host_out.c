#include "host_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "host_prim.h"
#include "stats.h"

static const char *const rows_header[] = {
	"primitive", "page_mode", "mem_bytes", "dirty_pages", "rep", "create_ns",
	"child_start_ns", "total_ns", "cow_ns", "cow_faults", "minflt", "pte_bytes",
	"huge_fraction", "cpu", NULL,
};

static const char *const summary_header[] = {
	"primitive", "page_mode", "mem_bytes", "dirty_pages", "metric", "n", "min", "median",
	"mean", "p90", "p99", "max", "stddev", "ci_lo", "ci_hi", "ci_rel_width", "converged",
	"stop", "huge_fraction", "pte_bytes", "floor_ns", "ratio_to_floor", NULL,
};

static const char *const floor_header[] = {
	"metric", "n", "min", "median", "mean", "p90", "p99", "max", "stddev", "ci_lo", "ci_hi",
	"ci_rel_width", "converged", "stop", "buf_bytes", NULL,
};

/* host.csv columns after `rep`, in order: whole numbers except the
 * fraction. */
static const struct {
	enum host_metric m;
	bool fraction;
} row_metrics[] = {
	{HOST_M_CREATE, false}, {HOST_M_CHILD_START, false}, {HOST_M_TOTAL, false},
	{HOST_M_COW, false},	{HOST_M_COW_FAULTS, false},  {HOST_M_MINFLT, false},
	{HOST_M_PTE, false},	{HOST_M_HUGE, true},	     {HOST_M_CPU, false},
};

/* host-summary.csv metrics, in order. */
static const enum host_metric summary_metrics[] = {
	HOST_M_CREATE, HOST_M_CHILD_START, HOST_M_TOTAL,  HOST_M_COW,
	HOST_M_COW_PER_PAGE, HOST_M_COW_FAULTS, HOST_M_MINFLT,
};

void host_out_init(struct host_out *o, const char *dir, const struct host_floor *floor)
{
	memset(o, 0, sizeof(*o));
	o->dir = cb_xstrdup(dir);
	o->floor = floor && floor->measured ? floor : NULL;
	o->rows_fp = open_memstream(&o->rows, &o->rows_len);
	o->summary_fp = open_memstream(&o->summary, &o->summary_len);
	if (!o->rows_fp || !o->summary_fp)
		cb_die(CB_EXIT_FAIL, "memory", "cannot buffer result rows");
	csv_writer_init(&o->rows_w, o->rows_fp);
	csv_writer_init(&o->summary_w, o->summary_fp);
	csv_header(&o->rows_w, rows_header);
	csv_header(&o->summary_w, summary_header);
}

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

static void put_stats(struct csv_writer *w, const struct stats_summary *s)
{
	csv_u64(w, s->n);
	const double v[] = {s->min, s->median, s->mean, s->p90, s->p99, s->max, s->stddev,
			    s->ci_lo, s->ci_hi};
	for (size_t i = 0; i < CB_ARRAY_SIZE(v); i++)
		csv_double(w, v[i]);
	csv_double(w, s->n ? stats_ci_rel_width(s) : NAN);
}

void host_out_add(struct host_out *o, const struct host_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		put_config(&o->rows_w, r);
		csv_u64(&o->rows_w, i);
		for (size_t k = 0; k < CB_ARRAY_SIZE(row_metrics); k++) {
			double v = r->v[row_metrics[k].m][i];
			if (row_metrics[k].m == HOST_M_PTE && v < 0)
				v = NAN;
			if (row_metrics[k].fraction)
				csv_double(&o->rows_w, v);
			else
				put_whole(&o->rows_w, v);
		}
		csv_end_row(&o->rows_w);
	}
	double huge = median_of(r, HOST_M_HUGE), pte = median_of(r, HOST_M_PTE);
	for (size_t k = 0; k < CB_ARRAY_SIZE(summary_metrics); k++) {
		enum host_metric m = summary_metrics[k];
		struct stats_summary s;
		stats_summarize(r->v[m], r->n, &s);
		if (s.n == 0)
			continue; /* not measured for this primitive */
		put_config(&o->summary_w, r);
		csv_str(&o->summary_w, host_metric_names[m]);
		put_stats(&o->summary_w, &s);
		csv_bool(&o->summary_w, r->stop == HOST_STOP_CI);
		csv_str(&o->summary_w, host_stop_names[r->stop]);
		csv_double(&o->summary_w, huge);
		put_whole(&o->summary_w, pte < 0 ? NAN : pte);
		double floor = host_out_floor_ns(o->floor, r, m);
		csv_double(&o->summary_w, floor);
		csv_double(&o->summary_w, floor > 0 ? s.median / floor : NAN);
		csv_end_row(&o->summary_w);
	}
	o->configs++;
}

static int write_buffer(const char *dir, const char *name, FILE *fp, char **buf, size_t *len,
			cb_error *e)
{
	fflush(fp);
	char *path = cb_path_join(dir, name);
	int rc = afile_write_all(path, *buf, *len, e);
	free(path);
	return rc;
}

static void floor_text(const struct host_floor *f, char **buf, size_t *len)
{
	FILE *fp = open_memstream(buf, len);
	if (!fp)
		cb_die(CB_EXIT_FAIL, "memory", "cannot buffer host-floor.csv");
	struct csv_writer w;
	csv_writer_init(&w, fp);
	csv_header(&w, floor_header);
	for (int m = 0; f && m < HOST_FLOOR_COUNT; m++) {
		csv_str(&w, host_floor_names[m]);
		put_stats(&w, &f->s[m]);
		csv_bool(&w, f->stop[m] == HOST_STOP_CI);
		csv_str(&w, host_stop_names[f->stop[m]]);
		csv_u64(&w, f->buf_bytes);
		csv_end_row(&w);
	}
	fclose(fp);
}

int host_out_write(struct host_out *o, cb_error *e)
{
	if (write_buffer(o->dir, "host.csv", o->rows_fp, &o->rows, &o->rows_len, e) < 0 ||
	    write_buffer(o->dir, "host-summary.csv", o->summary_fp, &o->summary, &o->summary_len,
			 e) < 0)
		return -1;
	char *text;
	size_t len;
	floor_text(o->floor, &text, &len);
	char *path = cb_path_join(o->dir, "host-floor.csv");
	int rc = afile_write_all(path, text, len, e);
	free(path);
	free(text);
	return rc;
}

void host_out_free(struct host_out *o)
{
	if (o->rows_fp)
		fclose(o->rows_fp);
	if (o->summary_fp)
		fclose(o->summary_fp);
	free(o->rows);
	free(o->summary);
	free(o->dir);
	memset(o, 0, sizeof(*o));
}
