#include "refs.h"

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "csv.h"

static const char *const ref_cols[] = {"source", "year", "machine", "kernel", "primitive",
				       "page_mode", "mem_bytes", "metric", "value_ns", "note",
				       NULL};

bool refs_metric_is_create(const char *metric)
{
	return !strcmp(metric, "create") || !strcmp(metric, "create_mean");
}

const char *refs_page_mode(const char *ref_mode)
{
	static const struct {
		const char *ref, *run;
	} map[] = {{"4k", "4k"}, {"huge2m", "thp"}, {"thp", "thp"},
		   {"hugetlb2m", "hugetlb2m"}, {"hugetlb1g", "hugetlb1g"}};
	for (size_t i = 0; i < CB_ARRAY_SIZE(map); i++)
		if (!strcmp(map[i].ref, ref_mode))
			return map[i].run;
	return NULL;
}

/* "Zhao, Gong, Fonseca: On-demand-fork (EuroSys 2021)" -> the authors:
 * the title is in the summary's table; the plot needs who and where. */
static void make_label(struct ref_point *p)
{
	size_t n = strcspn(p->source, ":");
	snprintf(p->label, sizeof(p->label), "%.*s, %s", (int)n, p->source, p->machine);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_table(struct refs *r, const char *path, const char *name, cb_error *e)
{
	struct csv_table *t = csv_read(path, e);
	if (!t)
		return -1;
	r->tables = cb_xrealloc(r->tables, (r->ntables + 1) * sizeof(*r->tables));
	r->tables[r->ntables++] = t;
	int col[CB_ARRAY_SIZE(ref_cols)];
	for (size_t i = 0; ref_cols[i]; i++) {
		col[i] = csv_col(t, ref_cols[i]);
		if (col[i] < 0) {
			cb_error_set(e, "%s: header has no column '%s' (see %s/README.md)", name,
				     ref_cols[i], r->dir);
			return -1;
		}
	}
	r->p = cb_xrealloc(r->p, (r->n + t->nrows) * sizeof(*r->p));
	for (size_t row = 0; row < t->nrows; row++) {
		struct ref_point *p = &r->p[r->n];
		memset(p, 0, sizeof(*p));
		const char **s[] = {&p->source, &p->year, &p->machine, &p->kernel,
				    &p->primitive, &p->page_mode, NULL, &p->metric,
				    NULL, &p->note};
		for (size_t i = 0; ref_cols[i]; i++)
			if (s[i])
				*s[i] = csv_get(t, row, col[i]);
		const char *mem = csv_get(t, row, col[6]), *val = csv_get(t, row, col[8]);
		p->mem_bytes = csv_get_double(t, row, col[6]);
		p->value_ns = csv_get_double(t, row, col[8]);
		if ((*mem && isnan(p->mem_bytes)) || isnan(p->value_ns) || !*p->source ||
		    !*p->primitive || !*p->metric) {
			cb_error_set(e, "%s: row %zu: needs source, primitive, metric and a numeric "
				     "value_ns (mem_bytes numeric or empty); got value_ns '%s', "
				     "mem_bytes '%s'", name, row + 1, val, mem);
			return -1;
		}
		make_label(p);
		r->n++;
	}
	return 0;
}

int refs_load(const char *dir, struct refs *out, cb_error *e)
{
	memset(out, 0, sizeof(*out));
	out->dir = cb_xstrdup(dir);
	DIR *d = opendir(dir);
	if (!d) {
		cb_error_errno(e, "%s", dir);
		free(out->dir);
		out->dir = NULL;
		return -1;
	}
	char **names = NULL;
	size_t n = 0;
	for (struct dirent *de; (de = readdir(d));) {
		size_t l = strlen(de->d_name);
		if (l > 4 && !strcmp(de->d_name + l - 4, ".csv")) {
			names = cb_xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = cb_xstrdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char *path = cb_path_join(dir, names[i]);
		if (rc == 0)
			rc = load_table(out, path, names[i], e);
		free(path);
		free(names[i]);
	}
	free(names);
	if (rc < 0)
		refs_free(out);
	return rc;
}

void refs_free(struct refs *r)
{
	for (size_t i = 0; i < r->ntables; i++)
		csv_free(r->tables[i]);
	free(r->tables);
	free(r->p);
	free(r->dir);
	memset(r, 0, sizeof(*r));
}

static char *ref_dir_under(const char *top)
{
	char *a = cb_path_join(top, "analysis/reference");
	struct stat st;
	if (stat(a, &st) == 0 && S_ISDIR(st.st_mode))
		return a;
	free(a);
	return NULL;
}

char *refs_default_dir(void)
{
	const char *src = getenv("COWBENCH_SRC");
	if (src && *src)
		return ref_dir_under(src);
	/* The binary sits in <src>/<build>/cli/cowbench for every build
	 * directory the Makefile and the docs use. */
	char exe[PATH_MAX];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (l > 0) {
		exe[l] = '\0';
		for (int up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');
			if (!slash || slash == exe)
				break;
			*slash = '\0';
			char *d = ref_dir_under(exe);
			if (d)
				return d;
		}
	}
#ifdef COWBENCH_SOURCE_DIR
	return ref_dir_under(COWBENCH_SOURCE_DIR);
#else
	return NULL;
#endif
}
