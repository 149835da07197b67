/* Configurations: the rows of a result table that share the values of a
 * list of key columns (host: primitive, page_mode, mem_bytes, dirty_pages).
 * Report groups samples to summarise them; compare matches groups of two
 * runs by their key string. */
#ifndef COWBENCH_GROUP_H
#define COWBENCH_GROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "csv.h"

#define GROUP_MAX_KEYS 12

struct group {
	char *key;     /* normalised key values joined by GROUP_SEP */
	size_t *rows;  /* row indices into the table, in file order */
	size_t nrows, cap;
};

#define GROUP_SEP '\x1f'

struct grouping {
	const struct csv_table *t;
	const char *const *keys; /* NULL-terminated column names */
	int cols[GROUP_MAX_KEYS];
	size_t nkeys;
	struct group *g;
	size_t n, cap;
	size_t *slots; /* open-addressing hash: group index + 1, 0 = empty */
	size_t nslots;
};

typedef bool (*group_filter)(const struct csv_table *t, size_t row, void *arg);

/* Groups the rows that pass `filter` (NULL: all rows).  Key columns absent
 * from the table group as empty values.  Groups come out sorted (see
 * group_cmp_values). */
void grouping_build(struct grouping *gr, const struct csv_table *t, const char *const *keys,
		    group_filter filter, void *arg);
void grouping_free(struct grouping *gr);
const struct group *grouping_find(const struct grouping *gr, const char *key);
/* The key string a row of the grouping's table has (malloc'ed), whether or
 * not the row passed the filter: how rows are matched to other groupings
 * of the same table. */
char *grouping_row_key(const struct grouping *gr, size_t row);

/* The k-th key value of a group. */
const char *group_value(const struct grouping *gr, const struct group *g, size_t k);
/* Values of a numeric column over the group's rows, NaNs dropped;
 * returns how many were written to out (sized g->nrows). */
size_t group_column(const struct grouping *gr, const struct group *g, const char *col,
		    double *out);

/* Normalises one key field: numbers in one canonical spelling (so "4096"
 * and "4096.0" match), other text unchanged.  Writes into buf. */
const char *group_norm_field(const char *s, char *buf, size_t len);

/* Orders two values of the key column `col`: numbers numerically, known
 * names (primitives, page modes, phases...) in their documented order,
 * other text alphabetically. */
int group_cmp_values(const char *col, const char *a, const char *b);

#endif
