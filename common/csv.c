#include "csv.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void csv_writer_init(struct csv_writer *w, FILE *fp)
{
	w->fp = fp;
	w->field = 0;
}

static void sep(struct csv_writer *w)
{
	if (w->field++)
		fputc(',', w->fp);
}

void csv_str(struct csv_writer *w, const char *s)
{
	sep(w);
	if (!s)
		return;
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, w->fp);
		return;
	}
	fputc('"', w->fp);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', w->fp);
		fputc(*p, w->fp);
	}
	fputc('"', w->fp);
}

void csv_u64(struct csv_writer *w, uint64_t v)
{
	sep(w);
	fprintf(w->fp, "%" PRIu64, v);
}

void csv_i64(struct csv_writer *w, int64_t v)
{
	sep(w);
	fprintf(w->fp, "%" PRId64, v);
}

void csv_double(struct csv_writer *w, double v)
{
	sep(w);
	if (isnan(v))
		return;
	if (v == floor(v) && fabs(v) < 1e15)
		fprintf(w->fp, "%.0f", v);
	else
		fprintf(w->fp, "%.9g", v);
}

void csv_bool(struct csv_writer *w, bool v)
{
	csv_str(w, v ? "true" : "false");
}

void csv_end_row(struct csv_writer *w)
{
	fputc('\n', w->fp);
	w->field = 0;
}

void csv_header(struct csv_writer *w, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		csv_str(w, names[i]);
	csv_end_row(w);
}

/* --- reader --- */

struct rowbuf {
	char **f;
	size_t n, cap;
};

static void push_field(struct rowbuf *r, const char *s, size_t len)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->f = cb_xrealloc(r->f, r->cap * sizeof(*r->f));
	}
	char *p = cb_xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	r->f[r->n++] = p;
}

static void free_fields(char **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

void csv_free(struct csv_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows; i++)
		free_fields(t->rows[i], t->ncols);
	free(t->rows);
	free_fields(t->header, t->ncols);
	free(t);
}

struct csv_table *csv_parse(const char *text, size_t len, const char *name, cb_error *e)
{
	struct csv_table *t = cb_xcalloc(1, sizeof(*t));
	size_t rows_cap = 0, line = 1;
	size_t i = 0;
	char *field = cb_xmalloc(len + 1);
	while (i < len) {
		struct rowbuf r = {0};
		size_t row_line = line;
		for (;;) {
			size_t fl = 0;
			if (i < len && text[i] == '"') {
				i++;
				for (;;) {
					if (i >= len) {
						cb_error_set(e, "%s:%zu: unterminated quoted field", name,
							     row_line);
						goto fail_row;
					}
					if (text[i] == '"') {
						if (i + 1 < len && text[i + 1] == '"') {
							field[fl++] = '"';
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (text[i] == '\n')
						line++;
					field[fl++] = text[i++];
				}
			} else {
				while (i < len && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
					field[fl++] = text[i++];
			}
			push_field(&r, field, fl);
			if (i < len && text[i] == ',') {
				i++;
				continue;
			}
			if (i < len && text[i] == '\r')
				i++;
			if (i < len && text[i] == '\n') {
				i++;
				line++;
			} else if (i < len) {
				cb_error_set(e, "%s:%zu: stray character after a quoted field", name,
					     row_line);
				goto fail_row;
			}
			break;
		}
		if (r.n == 1 && r.f[0][0] == '\0') { /* blank line */
			free_fields(r.f, r.n);
			continue;
		}
		if (!t->header) {
			t->header = r.f;
			t->ncols = r.n;
			continue;
		}
		/* A row of another width is not a row of this table: a short one
		 * is what a write cut off by a crash leaves (afile.h: readers
		 * must reject it), a long one is a broken writer. */
		if (r.n != t->ncols) {
			cb_error_set(e, "%s:%zu: %zu fields, but the header has %zu%s", name, row_line,
				     r.n, t->ncols,
				     r.n < t->ncols && i >= len && text[len - 1] != '\n'
					     ? " (a torn last row: the file was cut off mid-write)"
					     : "");
			goto fail_row;
		}
		if (t->nrows == rows_cap) {
			rows_cap = rows_cap ? rows_cap * 2 : 64;
			t->rows = cb_xrealloc(t->rows, rows_cap * sizeof(*t->rows));
		}
		t->rows[t->nrows++] = r.f;
		continue;
fail_row:
		free_fields(r.f, r.n);
		free(field);
		csv_free(t);
		return NULL;
	}
	free(field);
	if (!t->header) {
		cb_error_set(e, "%s: empty file (no header)", name);
		csv_free(t);
		return NULL;
	}
	return t;
}

struct csv_table *csv_read(const char *path, cb_error *e)
{
	void *data;
	size_t len;
	if (cb_read_file(path, &data, &len, e) < 0)
		return NULL;
	struct csv_table *t = csv_parse(data, len, path, e);
	free(data);
	return t;
}

int csv_col(const struct csv_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->header[i], name) == 0)
			return (int)i;
	return -1;
}

const char *csv_get(const struct csv_table *t, size_t row, int col)
{
	if (col < 0 || (size_t)col >= t->ncols || row >= t->nrows)
		return "";
	return t->rows[row][col];
}

double csv_get_double(const struct csv_table *t, size_t row, int col)
{
	const char *s = csv_get(t, row, col);
	if (!*s)
		return NAN;
	char *end;
	double v = strtod(s, &end);
	return *end ? NAN : v;
}
