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

static void put_floor(struct csv_writer *w, const struct host_floor *f)
{
	for (int m = 0; m < HOST_FLOOR_COUNT; m++) {
		csv_str(w, host_floor_names[m]);
		put_stats(w, &f->s[m]);
		csv_bool(w, f->stop[m] == HOST_STOP_CI);
		csv_str(w, host_stop_names[f->stop[m]]);
		csv_u64(w, f->buf_bytes);
		csv_end_row(w);
	}
}

static void file_open(struct host_out_file *f, const char *name, const char *const *header)
{
	f->name = name;
	f->fp = open_memstream(&f->buf, &f->len);
	if (!f->fp)
		cb_die(CB_EXIT_FAIL, "memory", "cannot buffer %s", name);
	csv_writer_init(&f->w, f->fp);
	csv_header(&f->w, header);
}

void host_out_init(struct host_out *o, const char *dir, const struct host_floor *floor)
{
	memset(o, 0, sizeof(*o));
	o->dir = cb_xstrdup(dir);
	o->floor = floor && floor->measured ? floor : NULL;
	file_open(&o->rows, "host.csv", rows_header);
	file_open(&o->summary, "host-summary.csv", summary_header);
	file_open(&o->floors, "host-floor.csv", floor_header);
	if (o->floor)
		put_floor(&o->floors.w, o->floor);
}

void host_out_add(struct host_out *o, const struct host_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		put_config(&o->rows.w, r);
		csv_u64(&o->rows.w, i);
		for (size_t k = 0; k < CB_ARRAY_SIZE(row_metrics); k++) {
			double v = r->v[row_metrics[k].m][i];
			if (row_metrics[k].fraction)
				csv_double(&o->rows.w, v);
			else
				put_whole(&o->rows.w, v);
		}
		csv_end_row(&o->rows.w);
	}
	double huge = median_of(r, HOST_M_HUGE), pte = median_of(r, HOST_M_PTE);
	for (size_t k = 0; k < CB_ARRAY_SIZE(summary_metrics); k++) {
		enum host_metric m = summary_metrics[k];
		struct stats_summary s;
		stats_summarize(r->v[m], r->n, &s);
		if (s.n == 0)
			continue; /* not measured for this primitive */
		put_config(&o->summary.w, r);
		csv_str(&o->summary.w, host_metric_names[m]);
		put_stats(&o->summary.w, &s);
		csv_bool(&o->summary.w, r->stop == HOST_STOP_CI);
		csv_str(&o->summary.w, host_stop_names[r->stop]);
		csv_double(&o->summary.w, huge);
		put_whole(&o->summary.w, pte);
		double floor = host_out_floor_ns(o->floor, r, m);
		csv_double(&o->summary.w, floor);
		csv_double(&o->summary.w, floor > 0 ? s.median / floor : NAN);
		csv_end_row(&o->summary.w);
	}
	o->configs++;
}

static int file_write(const char *dir, struct host_out_file *f, cb_error *e)
{
	fflush(f->fp);
	char *path = cb_path_join(dir, f->name);
	int rc = afile_write_all(path, f->buf, f->len, e);
	free(path);
	return rc;
}

int host_out_write(struct host_out *o, cb_error *e)
{
	if (file_write(o->dir, &o->rows, e) < 0 || file_write(o->dir, &o->summary, e) < 0 ||
	    file_write(o->dir, &o->floors, e) < 0)
		return -1;
	return 0;
}

static void file_close(struct host_out_file *f)
{
	if (f->fp)
		fclose(f->fp);
	free(f->buf);
}

void host_out_free(struct host_out *o)
{
	file_close(&o->rows);
	file_close(&o->summary);
	file_close(&o->floors);
	free(o->dir);
	memset(o, 0, sizeof(*o));
}
