#include "run.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "afile.h"
#include "cb_counters.h"
#include "cb_kvm_stats.h"
#include "cb_vm_dims.h"
#include "host_dims.h"
#include "host_kevents.h"
#include "parse.h"

/* A column's role: KEY (a configuration name, never empty), STR, NUM
 * (empty = not measured), BOOL (true/false).  OPT columns may be absent
 * from the header; when present they are checked all the same. */
enum col_type { COL_KEY, COL_STR, COL_NUM, COL_BOOL };

struct col_spec {
	const char *name;
	enum col_type type;
	bool optional;
};

#define KEY(n) {n, COL_KEY, false}
#define STR(n) {n, COL_STR, false}
#define NUM(n) {n, COL_NUM, false}
#define BOOL(n) {n, COL_BOOL, false}
#define OPT_NUM(n) {n, COL_NUM, true}
#define OPT_BOOL(n) {n, COL_BOOL, true}
#define OPT_STR(n) {n, COL_STR, true}
#define OPT_KEY(n) {n, COL_KEY, true}
#define END {NULL, COL_STR, false}

/* The host sweep's dimensions (common/host_dims.h): run_load gives files
 * written before them their defaults (add_old_host_dims); a table checked
 * on its own may lack them. */
#define HOST_DIM_KEY(E, column, option, def) OPT_KEY(#column),
#define HOST_CONFIG_COLS KEY("primitive"), KEY("page_mode"), NUM("mem_bytes"), \
	NUM("dirty_pages"), HOST_DIMS(HOST_DIM_KEY)
#define HOST_KEV_COL(E, column, perf, unused) OPT_NUM(#column),

static const struct col_spec host_cols[] = {
	HOST_CONFIG_COLS NUM("rep"), OPT_NUM("round"), NUM("create_ns"),
	NUM("child_start_ns"), NUM("total_ns"), NUM("cow_ns"),
	OPT_NUM("cow_faults"), OPT_NUM("minflt"), OPT_NUM("pte_bytes"),
	OPT_NUM("huge_fraction"), OPT_NUM("cpu"),
	/* randomized interleaved rounds and the machine-state probe: runs
	 * made before them have neither */
	OPT_NUM("round"), OPT_NUM("probe_cpu_ns"), OPT_NUM("probe_mem_ns"),
	/* what a live child costs (issue 10) */
	OPT_NUM("verified_pages"), OPT_NUM("copied_bytes"), OPT_NUM("pool_copied_bytes"),
	OPT_NUM("tlb_shootdowns"), OPT_NUM("thp_split_pmd"), HOST_KEVENTS(HOST_KEV_COL, ) END,
};

static const struct col_spec host_summary_cols[] = {
	HOST_CONFIG_COLS KEY("metric"), NUM("n"), NUM("median"),
	NUM("ci_lo"), NUM("ci_hi"), BOOL("converged"),
	OPT_NUM("min"), OPT_NUM("mean"), OPT_NUM("p90"),
	OPT_NUM("p99"), OPT_NUM("max"), OPT_NUM("stddev"),
	OPT_NUM("ci_rel_width"), OPT_NUM("huge_fraction"),
	OPT_NUM("pte_bytes"), OPT_NUM("floor_ns"),
	OPT_NUM("ratio_to_floor"), OPT_NUM("rounds"), OPT_NUM("seed"),
	OPT_BOOL("rounds_agree"), OPT_NUM("agree_p"), OPT_NUM("rounds_spread"),
	OPT_NUM("p999"), OPT_NUM("copied_bytes"), OPT_NUM("amplification"), OPT_STR("copied_by"),
	OPT_STR("kernel"), OPT_NUM("pattern_seed"), END,
};

static const struct col_spec host_writes_cols[] = {
	HOST_CONFIG_COLS NUM("round"), NUM("bucket_lo_ns"), NUM("bucket_hi_ns"), NUM("count"), END,
};

static const struct col_spec host_floor_cols[] = {
	KEY("metric"), NUM("n"), NUM("median"),
	OPT_NUM("ci_lo"), OPT_NUM("ci_hi"), OPT_NUM("min"),
	OPT_NUM("mean"), OPT_NUM("p90"), OPT_NUM("p99"),
	OPT_NUM("max"), OPT_NUM("stddev"), END,
};

/* The guest counters and KVM statistic columns come from their lists
 * (common/cb_counters.h, common/cb_kvm_stats.h). */
#define COUNTER_COL(name, required) {#name, COL_NUM, !(required)},
#define KVM_COL_SPEC(name, required) {#name, COL_NUM, !(required)},
#define KVM_COL(name, in_vm_csv, required) CB_KVM_IF_VM(in_vm_csv, KVM_COL_SPEC, name, required)
#define DIM_COL(E, column, schema, old_value) schema(#column),
static const struct col_spec vm_cols[] = {
	KEY("where"), KEY("mmu"), BOOL("timing_valid"),
	KEY("primitive"), CB_VM_DIMS(DIM_COL) NUM("region_bytes"),
	NUM("dirty_pages"), NUM("rep"), KEY("sample"), KEY("phase"),
	NUM("cycles"), NUM("ns"), OPT_NUM("tsc_khz"),
	CB_COUNTERS(COUNTER_COL)
	CB_KVM_STATS(KVM_COL)
	OPT_NUM("hc_exits"), OPT_NUM("round"), OPT_NUM("boot"), END,
};
#undef COUNTER_COL
#undef KVM_COL
#undef KVM_COL_SPEC

static const struct col_spec vm_stats_cols[] = {
	KEY("sample"), KEY("phase"), KEY("source"),
	KEY("stat"), NUM("delta"), END,
};

static const struct col_spec vm_boots_cols[] = {
	KEY("boot"), KEY("status"), STR("reason"), END,
};

/* qemu-crosscheck.csv: the columns the report reads. */
static const struct col_spec xcheck_cols[] = {
	KEY("source"), KEY("run"), KEY("scope"), STR("mmu"),
	NUM("startup_ns"), NUM("cow_copies"), NUM("exits_net"),
	NUM("pf_taken"), NUM("pf_guest"), NUM("invlpg"), END,
};

/* In the order a benchmark name spells them (compare) and tables sort by;
 * the sweep's named dimensions from common/cb_vm_dims.h. */
#define DIM_KEY(E, column, schema, old_value) #column,
#define VM_CONFIG_KEYS "where", "mmu", "primitive", CB_VM_DIMS(DIM_KEY) "region_bytes", "dirty_pages"
const char *const run_host_keys[] = {"primitive", "page_mode", "mem_bytes", "dirty_pages",
				     HOST_DIMS(HOST_DIM_COLUMN) NULL};

const char *run_host_dim_default(const char *column)
{
#define HOST_DIM_DEF(E, col, option, def) if (!strcmp(column, #col)) return def;
	HOST_DIMS(HOST_DIM_DEF)
#undef HOST_DIM_DEF
	return NULL;
}
const char *const run_vm_keys[] = {VM_CONFIG_KEYS, NULL};
const char *const run_vm_phase_keys[] = {VM_CONFIG_KEYS, "phase", NULL};

static const struct file_spec {
	const char *file;
	const struct col_spec *cols;
	size_t off;  /* where struct run keeps it */
	enum { DIMS_NONE, DIMS_VM, DIMS_HOST } dims; /* whose sweep dimensions it carries */
} files[] = {
	{"host.csv", host_cols, offsetof(struct run, host), DIMS_HOST},
	{"host-summary.csv", host_summary_cols, offsetof(struct run, host_summary), DIMS_HOST},
	{"host-floor.csv", host_floor_cols, offsetof(struct run, host_floor), DIMS_NONE},
	{"host-writes.csv", host_writes_cols, offsetof(struct run, host_writes), DIMS_HOST},
	{"vm.csv", vm_cols, offsetof(struct run, vm), DIMS_VM},
	{"vm-stats.csv", vm_stats_cols, offsetof(struct run, vm_stats), DIMS_NONE},
	{"vm-boots.csv", vm_boots_cols, offsetof(struct run, vm_boots), DIMS_VM},
	{"qemu-crosscheck.csv", xcheck_cols, offsetof(struct run, xcheck), DIMS_NONE},
};

const char *run_file_name(size_t i)
{
	return i < CB_ARRAY_SIZE(files) ? files[i].file : NULL;
}

static struct csv_table **slot(struct run *r, const struct file_spec *f)
{
	return (struct csv_table **)((char *)r + f->off);
}

bool run_true(const char *field)
{
	return field && strcmp(field, "true") == 0;
}

static int check_field(const struct csv_table *t, const char *file, size_t row,
		       const struct col_spec *c, int col, cb_error *e)
{
	const char *v = csv_get(t, row, col);
	/* Row numbers count data rows from 1, as a spreadsheet shows them
	 * under the header: line = row + 1 when no field spans lines. */
	switch (c->type) {
	case COL_KEY:
		if (!*v) {
			cb_error_set(e, "%s: row %zu: column %s is empty", file, row + 1, c->name);
			return -1;
		}
		break;
	case COL_NUM:
		/* a number, or +-inf (a relative CI width over a zero median is
		 * one); "nan" is not a measurement: not measured is an empty field */
		if (*v && !parse_number_field(v, NULL)) {
			cb_error_set(e, "%s: row %zu: column %s: '%s' is not a number", file,
				     row + 1, c->name, v);
			return -1;
		}
		break;
	case COL_BOOL:
		if (*v && strcmp(v, "true") && strcmp(v, "false")) {
			cb_error_set(e, "%s: row %zu: column %s: '%s' is not true or false", file,
				     row + 1, c->name, v);
			return -1;
		}
		break;
	case COL_STR:
		break;
	}
	return 0;
}

int run_check_table(const struct csv_table *t, const char *file, cb_error *e)
{
	const struct col_spec *cols = NULL;
	for (size_t i = 0; i < CB_ARRAY_SIZE(files); i++)
		if (!strcmp(files[i].file, file))
			cols = files[i].cols;
	if (!cols)
		return 0;
	for (const struct col_spec *c = cols; c->name; c++) {
		int col = csv_col(t, c->name);
		if (col < 0) {
			if (c->optional)
				continue;
			cb_error_set(e, "%s: header has no column '%s' (see results/README.md)", file,
				     c->name);
			return -1;
		}
		for (size_t r = 0; r < t->nrows; r++)
			if (check_field(t, file, r, c, col, e) < 0)
				return -1;
	}
	return 0;
}

/* A column a file was written without, holding `value` on every row; or,
 * when the column exists, `value` where it is empty (rows merged in from a
 * file without it, as scripts/nested merges). */
static void add_column(struct csv_table *t, const char *name, const char *value)
{
	int c = csv_col(t, name);
	if (c >= 0) {
		for (size_t r = 0; r < t->nrows; r++)
			if (!*t->rows[r][c]) {
				free(t->rows[r][c]);
				t->rows[r][c] = cb_xstrdup(value);
			}
		return;
	}
	t->header = cb_xrealloc(t->header, (t->ncols + 1) * sizeof(*t->header));
	t->header[t->ncols] = cb_xstrdup(name);
	for (size_t r = 0; r < t->nrows; r++) {
		t->rows[r] = cb_xrealloc(t->rows[r], (t->ncols + 1) * sizeof(*t->rows[r]));
		t->rows[r][t->ncols] = cb_xstrdup(value);
	}
	t->ncols++;
}

/* A sweep dimension added after a file was written: its rows ran with the
 * value the dimension names for them (cb_vm_dims.h), so old and new runs
 * group and compare alike. */
static void add_old_dims(struct csv_table *t)
{
	const char *v;
#define OLD_DIM(E, column, schema, old_value) \
	if ((v = old_value) != NULL)                   \
		add_column(t, #column, v);
	CB_VM_DIMS(OLD_DIM)
#undef OLD_DIM
}

/* The host's, which all have a default (common/host_dims.h). */
static void add_old_host_dims(struct csv_table *t)
{
#define OLD_HOST_DIM(E, column, option, def) add_column(t, #column, def);
	HOST_DIMS(OLD_HOST_DIM)
#undef OLD_HOST_DIM
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

int run_load(const char *dir, struct run *r, cb_error *e)
{
	memset(r, 0, sizeof(*r));
	struct stat st;
	if (stat(dir, &st) != 0) {
		cb_error_errno(e, "%s", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		cb_error_set(e, "%s: not a directory", dir);
		return -1;
	}
	r->dir = cb_xstrdup(dir);
	char *meta = cb_path_join(dir, "meta.json");
	if (exists(meta)) {
		json_error_t je;
		r->meta = json_load_file(meta, 0, &je);
		if (!r->meta || !json_is_object(r->meta)) {
			cb_error_set(e, "meta.json: line %d: %s", je.line,
				     r->meta ? "not a JSON object" : je.text);
			free(meta);
			run_free(r);
			return -1;
		}
	}
	free(meta);
	for (size_t i = 0; i < CB_ARRAY_SIZE(files); i++) {
		char *path = cb_path_join(dir, files[i].file);
		struct csv_table *t = NULL;
		if (exists(path)) {
			t = csv_read(path, e);
			if (t && files[i].dims == DIMS_VM)
				add_old_dims(t);
			if (t && files[i].dims == DIMS_HOST)
				add_old_host_dims(t);
			if (!t || run_check_table(t, files[i].file, e) < 0) {
				if (t) /* the schema error names the file already */
					csv_free(t);
				free(path);
				run_free(r);
				return -1;
			}
		}
		free(path);
		*slot(r, &files[i]) = t;
	}
	if (!r->host && !r->vm) {
		cb_error_set(e, "%s: no result files (neither host.csv nor vm.csv)", dir);
		run_free(r);
		return -1;
	}
	return 0;
}

bool run_is_run(const char *dir)
{
	bool yes = false;
	for (size_t i = 0; i < CB_ARRAY_SIZE(files) && !yes; i++) {
		if (strcmp(files[i].file, "host.csv") && strcmp(files[i].file, "vm.csv"))
			continue;
		char *path = cb_path_join(dir, files[i].file);
		yes = exists(path);
		free(path);
	}
	return yes;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int run_load_set(const char *dir, struct run **runs, size_t *n, cb_error *e)
{
	*runs = NULL;
	*n = 0;
	struct stat st;
	if (stat(dir, &st) != 0) {
		cb_error_errno(e, "%s", dir);
		return -1;
	}
	if (run_is_run(dir) || !S_ISDIR(st.st_mode)) {
		*runs = cb_xcalloc(1, sizeof(**runs));
		if (run_load(dir, *runs, e) < 0) {
			free(*runs);
			*runs = NULL;
			return -1;
		}
		*n = 1;
		return 0;
	}
	DIR *d = opendir(dir);
	if (!d) {
		cb_error_errno(e, "%s", dir);
		return -1;
	}
	char **names = NULL;
	size_t nn = 0;
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		char *sub = cb_path_join(dir, de->d_name);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode) && run_is_run(sub)) {
			names = cb_xrealloc(names, (nn + 1) * sizeof(*names));
			names[nn++] = sub;
		} else {
			free(sub);
		}
	}
	closedir(d);
	if (!nn) {
		cb_error_set(e, "%s: no run in it (no host.csv or vm.csv, nor subfolders holding them)",
			     dir);
		return -1;
	}
	qsort(names, nn, sizeof(*names), by_name);
	*runs = cb_xcalloc(nn, sizeof(**runs));
	int rc = 0;
	for (size_t i = 0; i < nn; i++) {
		if (rc == 0 && run_load(names[i], &(*runs)[*n], e) == 0)
			(*n)++;
		else
			rc = -1;
		free(names[i]);
	}
	free(names);
	if (rc < 0) {
		for (size_t i = 0; i < *n; i++)
			run_free(&(*runs)[i]);
		free(*runs);
		*runs = NULL;
		*n = 0;
	}
	return rc;
}

void run_free(struct run *r)
{
	free(r->dir);
	json_decref(r->meta);
	for (size_t i = 0; i < CB_ARRAY_SIZE(files); i++)
		csv_free(*slot(r, &files[i]));
	memset(r, 0, sizeof(*r));
}

json_t *run_meta_get(const json_t *meta, const char *path)
{
	if (!meta)
		return NULL;
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	json_t *j = (json_t *)meta;
	for (char *save = NULL, *tok = strtok_r(buf, ".", &save); tok && j;
	     tok = strtok_r(NULL, ".", &save))
		j = json_object_get(j, tok);
	return j;
}

const char *run_meta_str(const json_t *meta, const char *path)
{
	json_t *j = run_meta_get(meta, path);
	return json_is_string(j) ? json_string_value(j) : NULL;
}
