/* The merge behind cowbench-nested-merge (nested_merge.h).
 *
 * Rows already in RUN_DIR stay, except those of the same `where` (a
 * previous nested run of that kind), which the incoming rows replace.
 * Incoming `sample` and `boot` ids are renumbered past the ids that stay
 * (each IN_DIR in turn), so they remain unique across the merged files and
 * vm-stats.csv / vm-results.csv keep joining the right rows.  Columns are
 * matched by name: a column only one side has is kept, empty on the other
 * side ("not measured").  Each file is written atomically.
 *
 * Every incoming file was made by a guest: ids are checked before any
 * arithmetic, id sets are hashed, headers are bounded.  Errors unwind
 * through the one context that owns every allocation, so a refused input
 * leaks nothing (the fuzz harness runs it millions of times). */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "afile.h"
#include "csv.h"
#include "nested_merge.h"
#include "parse.h"

/* The files `cowbench vm` writes and the ids that join them. */
static const struct merge_file {
	const char *name;
	bool has_where;	 /* rows carry the `where` column */
	bool has_sample; /* rows carry `sample` */
	bool has_boot;	 /* rows carry `boot` */
	bool required;	 /* an incoming run without it is an error */
} files[] = {
	{"vm.csv", true, true, true, true},
	{"vm-stats.csv", false, true, false, false},
	{"vm-boots.csv", true, false, true, false},
	{"vm-results.csv", false, false, true, false},
};
#define NFILES CB_ARRAY_SIZE(files)

/* A set of ids, by open addressing: the ids come from guest-made files,
 * so lookups must stay O(1) however many rows a guest sends. */
struct idset {
	uint64_t *v; /* UINT64_MAX: empty slot (an id of UINT64_MAX is refused) */
	size_t n, cap;
};

static size_t idset_slot(const struct idset *s, uint64_t id)
{
	size_t i = (size_t)((id * 0x9e3779b97f4a7c15ull) >> 32) & (s->cap - 1);
	while (s->v[i] != UINT64_MAX && s->v[i] != id)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void idset_add(struct idset *s, uint64_t id)
{
	if ((s->n + 1) * 2 > s->cap) {
		struct idset old = *s;
		s->cap = old.cap ? old.cap * 2 : 64;
		s->v = cb_xmalloc(s->cap * sizeof(*s->v));
		memset(s->v, 0xff, s->cap * sizeof(*s->v));
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i] != UINT64_MAX)
				s->v[idset_slot(s, old.v[i])] = old.v[i];
		free(old.v);
	}
	size_t i = idset_slot(s, id);
	if (s->v[i] == UINT64_MAX) {
		s->v[i] = id;
		s->n++;
	}
}

static bool idset_has(const struct idset *s, uint64_t id)
{
	return s->cap && s->v[idset_slot(s, id)] == id;
}

/* The merged output of one file: a header and rows of owned strings. */
struct out_table {
	char **cols;
	size_t ncols;
	char ***rows;
	size_t nrows, cap;
};

static size_t out_col(struct out_table *o, const char *name)
{
	for (size_t i = 0; i < o->ncols; i++)
		if (!strcmp(o->cols[i], name))
			return i;
	o->cols = cb_xrealloc(o->cols, (o->ncols + 1) * sizeof(*o->cols));
	o->cols[o->ncols] = cb_xstrdup(name);
	/* Earlier rows get the new column, empty. */
	for (size_t r = 0; r < o->nrows; r++) {
		o->rows[r] = cb_xrealloc(o->rows[r], (o->ncols + 1) * sizeof(char *));
		o->rows[r][o->ncols] = cb_xstrdup("");
	}
	return o->ncols++;
}

static char **out_row(struct out_table *o)
{
	if (o->nrows == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->rows = cb_xrealloc(o->rows, o->cap * sizeof(*o->rows));
	}
	char **row = cb_xcalloc(o->ncols ? o->ncols : 1, sizeof(char *));
	for (size_t i = 0; i < o->ncols; i++)
		row[i] = cb_xstrdup("");
	o->rows[o->nrows++] = row;
	return row;
}

static void out_free(struct out_table *o)
{
	for (size_t r = 0; r < o->nrows; r++) {
		for (size_t c = 0; c < o->ncols; c++)
			free(o->rows[r][c]);
		free(o->rows[r]);
	}
	for (size_t c = 0; c < o->ncols; c++)
		free(o->cols[c]);
	free(o->rows);
	free(o->cols);
}

/* Everything one merge owns, so an error can free it all. */
struct merge {
	jmp_buf jb;
	int status;
	cb_error *e;
	struct csv_table *old[NFILES], *in[NFILES];
	struct out_table out[NFILES];
	struct idset drop_samples, drop_boots;
	size_t *map;
	char *path;
};
static struct merge *M; /* the merge in progress (one at a time) */

__attribute__((format(printf, 2, 3), noreturn))
static void fail(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(M->e->msg, sizeof(M->e->msg), fmt, ap);
	va_end(ap);
	M->status = status;
	longjmp(M->jb, 1);
}

/* A path owned by the merge until the next one. */
static const char *merge_path(const char *dir, const char *name)
{
	free(M->path);
	M->path = cb_path_join(dir, name);
	return M->path;
}

/* Guest-made files: a header beyond this many columns, or naming one twice,
 * is refused (out_col's cost grows with the columns). */
#define MAX_COLS 512u

/* a + b, or a one-line error: renumbered ids must not wrap. */
static uint64_t add_id(uint64_t a, uint64_t b, const char *dir, const char *file)
{
	uint64_t r;
	if (__builtin_add_overflow(a, b, &r) || r == UINT64_MAX)
		fail(1, "%s/%s: ids too large to renumber", dir, file);
	return r;
}

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Loads into *slot (owned by the merge), NULL when absent and optional. */
static void load(struct csv_table **slot, const char *dir, const char *name, bool required)
{
	const char *path = merge_path(dir, name);
	*slot = NULL;
	if (file_exists(path)) {
		cb_error e;
		struct csv_table *t = *slot = csv_read(path, &e);
		if (!t)
			fail(1, "%s", e.msg);
		if (t->ncols > MAX_COLS)
			fail(1, "%s: %zu columns (at most %u)", path, t->ncols, MAX_COLS);
		for (size_t i = 0; i < t->ncols; i++)
			for (size_t j = 0; j < i; j++)
				if (!strcmp(t->header[i], t->header[j]))
					fail(1, "%s: column '%.64s' appears twice", path,
					       t->header[i]);
	} else if (required) {
		fail(1, "%s: no such file", path);
	}
}

/* The id in column col of a row; an id that is not a number (or is
 * UINT64_MAX, which no renumbering can move) is an error, since renumbering
 * would silently break the joins. */
static uint64_t row_id(const struct csv_table *t, size_t row, int col, const char *dir,
		       const char *file, const char *what)
{
	uint64_t v;
	cb_error e;
	if (parse_u64(csv_get(t, row, col), &v, &e) < 0 || v == UINT64_MAX)
		fail(1, "%s/%s: row %zu: %s '%s' is not an id", dir, file, row + 2, what,
		       csv_get(t, row, col));
	return v;
}

/* Columns a file's rows must have, by its role. */
static void cols_of(const struct csv_table *t, const struct merge_file *f, const char *dir,
		    int *where, int *sample, int *boot)
{
	*where = f->has_where ? csv_col(t, "where") : -1;
	*sample = f->has_sample ? csv_col(t, "sample") : -1;
	*boot = f->has_boot ? csv_col(t, "boot") : -1;
	if ((f->has_where && *where < 0) || (f->has_sample && *sample < 0))
		fail(1, "%s/%s: no %s column", dir, f->name,
		       *where < 0 && f->has_where ? "where" : "sample");
	/* vm.csv without `boot` is an older layout: fine, nothing to join. */
	if (*boot < 0 && f->has_boot && strcmp(f->name, "vm.csv") != 0)
		fail(1, "%s/%s: no boot column", dir, f->name);
}

/* Where each column of t goes in o (columns o lacks are added): M->map. */
static const size_t *col_map(struct out_table *o, const struct csv_table *t)
{
	free(M->map);
	M->map = cb_xcalloc(t->ncols ? t->ncols : 1, sizeof(*M->map));
	for (size_t c = 0; c < t->ncols; c++)
		M->map[c] = out_col(o, t->header[c]);
	return M->map;
}

/* Appends row r of t to o through map, with sample/boot ids shifted. */
static void append_row(struct out_table *o, const size_t *map, const struct csv_table *t, size_t r,
		       int sample, uint64_t sample_add, int boot, uint64_t boot_add, const char *dir,
		       const char *file)
{
	char **row = out_row(o);
	for (size_t c = 0; c < t->ncols; c++) {
		char buf[32];
		const char *v = t->rows[r][c];
		if ((int)c == sample && sample_add) {
			snprintf(buf, sizeof(buf), "%" PRIu64,
				 add_id(row_id(t, r, sample, dir, file, "sample"), sample_add, dir, file));
			v = buf;
		} else if ((int)c == boot && boot_add) {
			snprintf(buf, sizeof(buf), "%" PRIu64,
				 add_id(row_id(t, r, boot, dir, file, "boot"), boot_add, dir, file));
			v = buf;
		}
		free(row[map[c]]);
		row[map[c]] = cb_xstrdup(v);
	}
}

static void write_out(const char *dir, const char *name, const struct out_table *o)
{
	const char *path = merge_path(dir, name);
	struct afile af;
	cb_error e;
	if (afile_open(&af, path, &e) < 0)
		fail(1, "%s", e.msg);
	struct csv_writer w;
	csv_writer_init(&w, af.fp);
	for (size_t c = 0; c < o->ncols; c++)
		csv_str(&w, o->cols[c]);
	csv_end_row(&w);
	for (size_t r = 0; r < o->nrows; r++) {
		for (size_t c = 0; c < o->ncols; c++)
			csv_str(&w, o->rows[r][c]);
		csv_end_row(&w);
	}
	if (afile_commit(&af, &e) < 0)
		fail(1, "%s", e.msg);
}

static void merge_free(struct merge *m)
{
	for (size_t f = 0; f < NFILES; f++) {
		csv_free(m->old[f]);
		csv_free(m->in[f]);
		out_free(&m->out[f]);
	}
	free(m->drop_samples.v);
	free(m->drop_boots.v);
	free(m->map);
	free(m->path);
}

static void merge_run(const char *where, const char *run_dir, char *const *in_dirs, size_t nin,
		      size_t *added_out)
{
	struct csv_table **old = M->old, **in = M->in;
	struct out_table *out = M->out;
	struct idset *drop_samples = &M->drop_samples, *drop_boots = &M->drop_boots;
	for (size_t f = 0; f < NFILES; f++)
		load(&old[f], run_dir, files[f].name, false);

	/* What the incoming rows replace: every row of this `where`, and the
	 * rows of the tidy files that join them. */
	for (size_t f = 0; f < NFILES; f++) {
		const struct csv_table *t = old[f];
		if (!t || !files[f].has_where)
			continue;
		int cw, cs, cbt;
		cols_of(t, &files[f], run_dir, &cw, &cs, &cbt);
		for (size_t r = 0; r < t->nrows; r++) {
			if (strcmp(csv_get(t, r, cw), where) != 0)
				continue;
			if (cs >= 0)
				idset_add(drop_samples, row_id(t, r, cs, run_dir, files[f].name, "sample"));
			if (cbt >= 0)
				idset_add(drop_boots, row_id(t, r, cbt, run_dir, files[f].name, "boot"));
		}
	}

	/* Keep the rest; the next free ids start past everything kept. */
	uint64_t next_sample = 0, next_boot = 0;
	for (size_t f = 0; f < NFILES; f++) {
		const struct csv_table *t = old[f];
		if (!t)
			continue;
		const size_t *map = col_map(&out[f], t);
		int cw, cs, cbt;
		cols_of(t, &files[f], run_dir, &cw, &cs, &cbt);
		for (size_t r = 0; r < t->nrows; r++) {
			if (cw >= 0 && !strcmp(csv_get(t, r, cw), where))
				continue;
			uint64_t s = 0, b = 0;
			if (cs >= 0) {
				s = row_id(t, r, cs, run_dir, files[f].name, "sample");
				if (idset_has(drop_samples, s))
					continue;
			}
			if (cbt >= 0) {
				b = row_id(t, r, cbt, run_dir, files[f].name, "boot");
				if (idset_has(drop_boots, b))
					continue;
			}
			if (cs >= 0 && s + 1 > next_sample) /* row_id refused UINT64_MAX */
				next_sample = s + 1;
			if (cbt >= 0 && b + 1 > next_boot)
				next_boot = b + 1;
			append_row(&out[f], map, t, r, -1, 0, -1, 0, run_dir, files[f].name);
		}
	}

	size_t added = 0;
	for (size_t d = 0; d < nin; d++) {
		uint64_t max_sample = 0, max_boot = 0;
		bool any_sample = false, any_boot = false;
		for (size_t f = 0; f < NFILES; f++) {
			load(&in[f], in_dirs[d], files[f].name, files[f].required);
			const struct csv_table *t = in[f];
			if (!t)
				continue;
			int cw, cs, cbt;
			cols_of(t, &files[f], in_dirs[d], &cw, &cs, &cbt);
			for (size_t r = 0; r < t->nrows; r++) {
				if (cw >= 0 && strcmp(csv_get(t, r, cw), where) != 0)
					fail(2, "%s/%s: row %zu is where=%s, expected where=%s",
					       in_dirs[d], files[f].name, r + 2, csv_get(t, r, cw), where);
				if (cs >= 0) {
					uint64_t s = row_id(t, r, cs, in_dirs[d], files[f].name, "sample");
					max_sample = s > max_sample ? s : max_sample;
					any_sample = true;
				}
				if (cbt >= 0) {
					uint64_t b = row_id(t, r, cbt, in_dirs[d], files[f].name, "boot");
					max_boot = b > max_boot ? b : max_boot;
					any_boot = true;
				}
			}
		}
		for (size_t f = 0; f < NFILES; f++) {
			const struct csv_table *t = in[f];
			if (!t)
				continue;
			int cw, cs, cbt;
			cols_of(t, &files[f], in_dirs[d], &cw, &cs, &cbt);
			/* Even an empty incoming file brings its header. */
			const size_t *map = col_map(&out[f], t);
			for (size_t r = 0; r < t->nrows; r++)
				append_row(&out[f], map, t, r, cs, next_sample, cbt, next_boot,
					   in_dirs[d], files[f].name);
			if (f == 0)
				added += t->nrows;
		}
		if (any_sample)
			next_sample = add_id(next_sample, max_sample + 1, in_dirs[d], "vm.csv");
		if (any_boot)
			next_boot = add_id(next_boot, max_boot + 1, in_dirs[d], "vm-boots.csv");
		for (size_t f = 0; f < NFILES; f++) {
			csv_free(in[f]);
			in[f] = NULL;
		}
	}

	/* vm.csv last: a reader that sees the new rows finds their stats. */
	for (size_t k = NFILES; k-- > 0;) {
		if (out[k].ncols)
			write_out(run_dir, files[k].name, &out[k]);
	}
	*added_out = added;
}

int nested_merge(const char *where, const char *run_dir, char *const *in_dirs, size_t nin,
		 size_t *added, cb_error *e)
{
	/* On the heap: a local changed between setjmp and longjmp would be
	 * indeterminate afterwards. */
	struct merge *const m = cb_xcalloc(1, sizeof(*m));
	m->e = e;
	M = m;
	*added = 0;
	if (setjmp(m->jb) == 0)
		merge_run(where, run_dir, in_dirs, nin, added);
	merge_free(m);
	int status = m->status;
	free(m);
	M = NULL;
	return status;
}
