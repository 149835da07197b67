/* The host sweep's extra dimensions (common/host_dims.h) as `cowbench host`
 * spells them: one table row each, so the option parser, --help, the
 * matrix, the CSV key columns and --resume's matching are loops over it.
 * A value is a uint64_t: an index into `names` for a named dimension
 * (writer, pattern), the number itself for a count (threads, vmas). */
#ifndef COWBENCH_HOST_DIM_H
#define COWBENCH_HOST_DIM_H

#include "cb.h"
#include "host_dims.h"

struct host_dim_desc {
	const char *help;	  /* --help text after the option */
	const char *kind;	  /* "writer": in error messages */
	const char *const *names; /* a named dimension's values; NULL: a count */
	uint64_t max;		  /* a count's largest value (from 1) */
};

extern const struct host_dim_desc host_dims[HOST_DIM_COUNT];
/* From common/host_dims.h: "--writer", "writer", and the default as the
 * CSV writes it ("child"). */
extern const char *const host_dim_options[HOST_DIM_COUNT];
extern const char *const host_dim_columns[HOST_DIM_COUNT];
extern const char *const host_dim_defaults[HOST_DIM_COUNT];

/* Parses a comma list of values of d (names, or counts 1..max, each once). */
int host_dim_parse(enum host_dim d, const char *s, uint64_t **vals, size_t *n, cb_error *e);
/* A value as CSV and labels write it: the name, or the number. */
const char *host_dim_text(enum host_dim d, uint64_t v, char *buf, size_t len);
/* The value a CSV field names, or -1 when it names none. */
int64_t host_dim_value(enum host_dim d, const char *text);
/* The default value of d. */
uint64_t host_dim_default(enum host_dim d);

#endif
