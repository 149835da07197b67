/* CSV in the RFC 4180 dialect: comma separated, fields quoted only when they
 * hold a comma, quote or newline, one header row.  The writer emits numbers
 * exactly (integers in full, doubles with %.9g); the reader loads a whole
 * table and finds columns by name, so adding a column never breaks a reader. */
#ifndef COWBENCH_CSV_H
#define COWBENCH_CSV_H

#include <stdio.h>

#include "cb.h"

struct csv_writer {
	FILE *fp;
	size_t field; /* fields written on the current row */
};

void csv_writer_init(struct csv_writer *w, FILE *fp);
void csv_str(struct csv_writer *w, const char *s);
void csv_u64(struct csv_writer *w, uint64_t v);
void csv_i64(struct csv_writer *w, int64_t v);
/* NaN is written as an empty field: "not measured", never a fake zero. */
void csv_double(struct csv_writer *w, double v);
void csv_bool(struct csv_writer *w, bool v);
void csv_end_row(struct csv_writer *w);
/* Writes a header from a NULL-terminated list of names. */
void csv_header(struct csv_writer *w, const char *const *names);

struct csv_table {
	size_t ncols, nrows;
	char **header;	/* ncols names */
	char ***rows;	/* nrows arrays of ncols fields */
};

/* Loads a CSV file.  A row with more or fewer fields than the header is an
 * error (a torn last row among them). */
struct csv_table *csv_read(const char *path, cb_error *e);
struct csv_table *csv_parse(const char *text, size_t len, const char *name, cb_error *e);
void csv_free(struct csv_table *t);
/* Column index by name, or -1. */
int csv_col(const struct csv_table *t, const char *name);
const char *csv_get(const struct csv_table *t, size_t row, int col);
/* Numeric field; NaN when empty, missing or not a number. */
double csv_get_double(const struct csv_table *t, size_t row, int col);

#endif
