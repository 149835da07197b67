#include "host_resume.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "csv.h"
#include "host_prim.h"
#include "parse.h"

struct cols {
	int prim, mode, bytes, dirty, dim[HOST_DIM_COUNT], rep, round, m[HOST_M_COUNT];
};

/* The configuration row `row` of t names, or -1.  A dimension's column
 * absent (a file written before it) means its default. */
static long find_config(const struct host_matrix *m, const struct csv_table *t, size_t row,
			const struct cols *c)
{
	cb_error why;
	int prim = parse_name(csv_get(t, row, c->prim), host_prim_names, "primitive", &why);
	int mode = parse_name(csv_get(t, row, c->mode), host_page_names, "page mode", &why);
	double bytes = csv_get_double(t, row, c->bytes), dirty = csv_get_double(t, row, c->dirty);
	int64_t dim[HOST_DIM_COUNT];
	for (int d = 0; d < HOST_DIM_COUNT; d++) {
		const char *v = c->dim[d] < 0 ? host_dim_defaults[d] : csv_get(t, row, c->dim[d]);
		if ((dim[d] = host_dim_value((enum host_dim)d, v)) < 0)
			return -1;
	}
	if (prim < 0 || mode < 0)
		return -1;
	for (size_t p = 0; p < m->npoints; p++) {
		const struct host_point *pt = &m->points[p];
		if ((int)pt->mode != mode || (double)pt->bytes != bytes)
			continue;
		for (size_t k = pt->first; k < pt->first + pt->count; k++) {
			const struct host_config *cf = &m->configs[k];
			bool same = cf->prim == prim && (double)cf->dirty_pages == dirty;
			for (int d = 0; same && d < HOST_DIM_COUNT; d++)
				same = cf->dim[d] == (uint64_t)dim[d];
			if (same)
				return (long)k;
		}
	}
	return -1;
}

/* Columns this version writes that an interrupted run of an earlier one
 * did not: read as not measured. */
static bool added_later(enum host_metric m)
{
	return m >= HOST_M_VERIFIED;
}

static int need(const struct csv_table *t, const char *name, cb_error *e)
{
	int c = csv_col(t, name);
	if (c < 0)
		cb_error_set(e, "host.csv: no column '%s' (not a run this version can resume)", name);
	return c;
}

static int find_cols(const struct csv_table *t, struct cols *c, cb_error *e)
{
	if ((c->prim = need(t, "primitive", e)) < 0 || (c->mode = need(t, "page_mode", e)) < 0 ||
	    (c->bytes = need(t, "mem_bytes", e)) < 0 || (c->dirty = need(t, "dirty_pages", e)) < 0 ||
	    (c->rep = need(t, "rep", e)) < 0 || (c->round = need(t, "round", e)) < 0)
		return -1;
	for (int d = 0; d < HOST_DIM_COUNT; d++)
		c->dim[d] = csv_col(t, host_dim_columns[d]);
	for (int m = 0; m < HOST_M_COUNT; m++) {
		c->m[m] = -1;
		if (host_metrics[m].row == HOST_ROW_NONE)
			continue;
		if (added_later((enum host_metric)m))
			c->m[m] = csv_col(t, host_metrics[m].name);
		else if ((c->m[m] = need(t, host_metrics[m].name, e)) < 0)
			return -1;
	}
	return 0;
}

static int load_row(const struct csv_table *t, size_t row, const struct cols *c,
		    const struct host_matrix *m, unsigned rounds, struct host_result *results,
		    cb_error *e)
{
	long cfg = find_config(m, t, row, c);
	if (cfg < 0) {
		cb_error_set(e, "host.csv: row %zu: configuration %s %s %s dirty %s is not in this "
			     "run's matrix", row + 1, csv_get(t, row, c->prim), csv_get(t, row, c->mode),
			     csv_get(t, row, c->bytes), csv_get(t, row, c->dirty));
		return -1;
	}
	struct host_result *r = &results[cfg];
	double round = csv_get_double(t, row, c->round), rep = csv_get_double(t, row, c->rep);
	if (!(round >= 1 && round <= rounds && round == floor(round))) {
		cb_error_set(e, "host.csv: row %zu: round '%s' is not between 1 and %u", row + 1,
			     csv_get(t, row, c->round), rounds);
		return -1;
	}
	if (rep != (double)r->n || (r->n && round < r->round[r->n - 1])) {
		cb_error_set(e, "host.csv: row %zu: rep %s round %s out of order for its "
			     "configuration", row + 1, csv_get(t, row, c->rep), csv_get(t, row, c->round));
		return -1;
	}
	double v[HOST_M_COUNT];
	for (int k = 0; k < HOST_M_COUNT; k++)
		v[k] = c->m[k] < 0 ? NAN : csv_get_double(t, row, c->m[k]);
	struct host_sample s = {
		.probe = {v[HOST_M_PROBE_CPU], v[HOST_M_PROBE_MEM]},
		.create_ns = (uint64_t)v[HOST_M_CREATE],
		.total_ns = v[HOST_M_TOTAL],
		.child_start_ns = v[HOST_M_CHILD_START],
		.cow_ns = v[HOST_M_COW],
		.cow_faults = v[HOST_M_COW_FAULTS],
		.minflt = v[HOST_M_MINFLT],
		.verified_pages = v[HOST_M_VERIFIED],
		.copied_bytes = v[HOST_M_COPIED],
		.pool_copied_bytes = v[HOST_M_POOL_COPIED],
		.kev.tlb_shootdowns = v[HOST_M_SHOOTDOWNS],
		.kev.thp_split_pmd = v[HOST_M_THP_SPLIT],
	};
#define KEV_LOAD_(E, col, perf, unused) s.kev.v[HOST_KEV_##E] = v[HOST_M_K_##E];
	HOST_KEVENTS(KEV_LOAD_, )
#undef KEV_LOAD_
	host_result_push(r, &s, (int)round, v[HOST_M_PTE], v[HOST_M_HUGE], (int)v[HOST_M_CPU]);
	/* The sampling time is not in host.csv; the samples' own times
	 * stand for it (the time cap then errs on the long side). */
	r->elapsed_ns += isnan(v[HOST_M_TOTAL]) ? (uint64_t)v[HOST_M_CREATE] : (uint64_t)v[HOST_M_TOTAL];
	return 0;
}

static bool has_round(const struct host_result *r, int round)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->round[i] == round)
			return true;
	return false;
}

/* host-writes.csv: the first writes of the blocks host.csv has (a kill
 * between the two renames can leave one more, taken again). */
static int load_writes(const char *dir, const struct host_matrix *m, struct host_result *results,
		       cb_error *e)
{
	char *path = cb_path_join(dir, "host-writes.csv");
	bool there = access(path, F_OK) == 0;
	struct csv_table *t = there ? csv_read(path, e) : NULL;
	free(path);
	if (!there)
		return 0; /* a run from before it: no write was timed */
	if (!t)
		return -1;
	struct cols c;
	memset(&c, -1, sizeof(c));
	int round = -1, lo = -1, count = -1;
	if ((c.prim = need(t, "primitive", e)) < 0 || (c.mode = need(t, "page_mode", e)) < 0 ||
	    (c.bytes = need(t, "mem_bytes", e)) < 0 || (c.dirty = need(t, "dirty_pages", e)) < 0 ||
	    (round = need(t, "round", e)) < 0 || (lo = need(t, "bucket_lo_ns", e)) < 0 ||
	    (count = need(t, "count", e)) < 0) {
		csv_free(t);
		return -1;
	}
	for (int d = 0; d < HOST_DIM_COUNT; d++)
		c.dim[d] = csv_col(t, host_dim_columns[d]);
	int rc = 0;
	for (size_t row = 0; rc == 0 && row < t->nrows; row++) {
		long cfg = find_config(m, t, row, &c);
		int b = loghist_bucket_of_lo(csv_get_double(t, row, lo));
		double rd = csv_get_double(t, row, round), n = csv_get_double(t, row, count);
		if (cfg < 0 || b < 0 || !(n >= 0 && n == floor(n)) || rd != floor(rd)) {
			cb_error_set(e, "host-writes.csv: row %zu: not a bucket of a configuration of "
				     "this run's matrix", row + 1);
			rc = -1;
			break;
		}
		if (!has_round(&results[cfg], (int)rd))
			continue;
		struct loghist h;
		memset(&h, 0, sizeof(h));
		loghist_add_count(&h, b, (uint64_t)n);
		host_result_add_writes(&results[cfg], (int)rd, &h);
	}
	csv_free(t);
	return rc;
}

int host_resume_load(const char *dir, const struct host_matrix *m, unsigned rounds,
		     struct host_result *results, cb_error *e)
{
	char *path = cb_path_join(dir, "host.csv");
	struct csv_table *t = csv_read(path, e);
	free(path);
	if (!t)
		return -1;
	struct cols c;
	int rc = find_cols(t, &c, e);
	for (size_t row = 0; rc == 0 && row < t->nrows; row++)
		rc = load_row(t, row, &c, m, rounds, results, e);
	csv_free(t);
	/* Samples come in round order per configuration: count the rounds. */
	for (size_t i = 0; rc == 0 && i < m->nconfigs; i++)
		for (size_t k = 0; k < results[i].n; k++)
			results[i].rounds_done += !k || results[i].round[k] != results[i].round[k - 1];
	if (rc == 0)
		rc = load_writes(dir, m, results, e);
	return rc;
}

int host_resume_floor(const char *dir, struct host_floor *f, cb_error *e)
{
	memset(f, 0, sizeof(*f));
	char *path = cb_path_join(dir, "host-floor.csv");
	struct csv_table *t = csv_read(path, e);
	free(path);
	if (!t)
		return -1;
	/* Only the medians: the summary's floor_ns needs nothing else, and
	 * host-floor.csv itself is left as the interrupted sweep wrote it. */
	int metric = csv_col(t, "metric"), median = csv_col(t, "median");
	for (size_t row = 0; row < t->nrows && metric >= 0 && median >= 0; row++) {
		for (int k = 0; k < HOST_FLOOR_COUNT; k++) {
			if (strcmp(csv_get(t, row, metric), host_floor_names[k]))
				continue;
			f->s[k].median = csv_get_double(t, row, median);
			f->s[k].n = 1;
			f->measured = true;
		}
	}
	csv_free(t);
	return 0;
}

void host_resume_clean(const char *dir)
{
	static const char *const ours[] = {"host.csv", "host-summary.csv", "host-floor.csv",
					   "host-writes.csv", "host-run.json"};
	DIR *d = opendir(dir);
	for (struct dirent *de; d && (de = readdir(d));) {
		for (size_t i = 0; i < CB_ARRAY_SIZE(ours); i++) {
			size_t n = strlen(ours[i]);
			if (strncmp(de->d_name, ours[i], n) || strncmp(de->d_name + n, ".tmp.", 5))
				continue;
			char *path = cb_path_join(dir, de->d_name);
			unlink(path);
			free(path);
		}
	}
	if (d)
		closedir(d);
}
