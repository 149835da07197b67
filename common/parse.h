/* Parsers for command-line values: sizes, comma lists, names from tables. */
#ifndef COWBENCH_PARSE_H
#define COWBENCH_PARSE_H

#include "cb.h"

/* "0", "4096", "64K", "1M", "1.5G", "4GiB", "2T": binary units.  Rejects
 * negatives, garbage, overflow. */
int parse_size(const char *s, uint64_t *out, cb_error *e);
/* Formats bytes as the shortest exact binary unit ("4K", "1G", "1536M"). */
const char *format_size(uint64_t bytes, char *buf, size_t len);

int parse_u64(const char *s, uint64_t *out, cb_error *e);
int parse_double(const char *s, double *out, cb_error *e);
/* A numeric field of a CSV file we or a guest wrote: all of s is a
 * number, not NaN; "inf" is one (ci_rel_width of a zero median), an
 * overflow is not, an underflow is (the nearest double: a subnormal p-value
 * such as 7.04e-312, or 0).  The value goes to *v when v is not NULL. */
bool parse_number_field(const char *s, double *v);
/* "0.05" or "5%" as the fraction 0.05; *percent says which spelling was
 * used.  Only the syntax is checked: callers own their ranges. */
int parse_ratio(const char *s, double *out, bool *percent, cb_error *e);

/* Splits a comma list.  Empty lists and empty elements are errors: "1M,,2M"
 * is a typo, not two sizes.  Returns a NULL-terminated array owned by the
 * caller (free with parse_list_free). */
int parse_list(const char *s, char ***items, size_t *n, cb_error *e);
void parse_list_free(char **items);

int parse_size_list(const char *s, uint64_t **sizes, size_t *n, cb_error *e);

/* Joins a NULL-terminated name table with sep ("fork,vfork"); truncated
 * to fit buf. */
const char *format_names(const char *const *names, const char *sep, char *buf, size_t len);
/* Looks a name up in a NULL-terminated table; on failure the error lists
 * the known names. */
int parse_name(const char *s, const char *const *names, const char *kind, cb_error *e);
/* A comma list of names from a table, as indices in the order given.
 * Duplicates are rejected. */
int parse_name_list(const char *s, const char *const *names, const char *kind,
		    int **idx, size_t *n, cb_error *e);

/* "--dirty 16" (pages) or "--dirty 50%" (of the parent's pages). */
struct dirty_spec {
	bool percent;
	double value; /* pages, or percent 0..100 */
};
int parse_dirty(const char *s, struct dirty_spec *out, cb_error *e);
int parse_dirty_list(const char *s, struct dirty_spec **out, size_t *n, cb_error *e);
/* Resolves a dirty spec against a region of `pages` pages (clamped). */
uint64_t dirty_pages(const struct dirty_spec *d, uint64_t pages);
const char *format_dirty(const struct dirty_spec *d, char *buf, size_t len);

#endif
