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

/* The configuration a row names, or -1. */
static long find_config(const struct host_matrix *m, int prim, int mode, double bytes,
			double dirty)
{
	for (size_t p = 0; p < m->npoints; p++) {
		const struct host_point *pt = &m->points[p];
		if ((int)pt->mode != mode || (double)pt->bytes != bytes)
			continue;
		for (size_t c = pt->first; c < pt->first + pt->count; c++)
			if (m->configs[c].prim == prim && (double)m->configs[c].dirty_pages == dirty)
				return (long)c;
	}
	return -1;
}

struct cols {
	int prim, mode, bytes, dirty, rep, round, m[HOST_M_COUNT];
};

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
	for (int m = 0; m < HOST_M_COUNT; m++) {
		c->m[m] = -1;
		if (host_metrics[m].row != HOST_ROW_NONE && (c->m[m] = need(t, host_metrics[m].name, e)) < 0)
			return -1;
	}
	return 0;
}

static int load_row(const struct csv_table *t, size_t row, const struct cols *c,
		    const struct host_matrix *m, unsigned rounds, struct host_result *results,
		    cb_error *e)
{
	cb_error why;
	int prim = parse_name(csv_get(t, row, c->prim), host_prim_names, "primitive", &why);
	int mode = parse_name(csv_get(t, row, c->mode), host_page_names, "page mode", &why);
	long cfg = prim < 0 || mode < 0 ? -1
					: find_config(m, prim, mode, csv_get_double(t, row, c->bytes),
						      csv_get_double(t, row, c->dirty));
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
		.total_ns = (uint64_t)v[HOST_M_TOTAL],
		.child_start_ns = v[HOST_M_CHILD_START],
		.cow_ns = v[HOST_M_COW],
		.cow_faults = v[HOST_M_COW_FAULTS],
		.minflt = v[HOST_M_MINFLT],
	};
	host_result_push(r, &s, (int)round, v[HOST_M_PTE], v[HOST_M_HUGE], (int)v[HOST_M_CPU]);
	/* The sampling time is not in host.csv; the samples' own times
	 * stand for it (the time cap then errs on the long side). */
	r->elapsed_ns += (uint64_t)v[HOST_M_TOTAL];
	return 0;
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
					   "host-run.json"};
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
