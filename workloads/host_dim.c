#include "host_dim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_pattern.h"
#include "parse.h"

/* More mappings than this would come near vm.max_map_count (65530 by
 * default) with what the process maps besides. */
#define HOST_VMAS_MAX 32768
/* Threads beyond the CPUs allowed are refused when the run starts
 * (host_sys.h); this bounds the parse. */
#define HOST_THREADS_MAX 4096

#define OPT_(E, col, opt, def) [HOST_DIM_##E] = "--" #opt,
#define COL_(E, col, opt, def) [HOST_DIM_##E] = #col,
#define DEF_(E, col, opt, def) [HOST_DIM_##E] = def,
const char *const host_dim_options[HOST_DIM_COUNT] = {HOST_DIMS(OPT_)};
const char *const host_dim_columns[HOST_DIM_COUNT] = {HOST_DIMS(COL_)};
const char *const host_dim_defaults[HOST_DIM_COUNT] = {HOST_DIMS(DEF_)};
#undef OPT_
#undef COL_
#undef DEF_

const struct host_dim_desc host_dims[HOST_DIM_COUNT] = {
	[HOST_DIM_WRITER] = {"LIST: who writes the dirty pages while the other process lives:",
			     "writer", host_writer_names, 0},
	[HOST_DIM_PATTERN] = {"LIST: where the writes land (sparse: one per 2 MiB; random: seeded):",
			      "pattern", host_pattern_names, 0},
	[HOST_DIM_THREADS] = {"LIST: the parent's threads; N-1 extra ones read the region on "
			      "other CPUs (1..the CPUs allowed)",
			      "thread count", NULL, HOST_THREADS_MAX},
	[HOST_DIM_VMAS] = {"LIST: mappings the region is split into, of equal size",
			   "mapping count", NULL, HOST_VMAS_MAX},
};

int host_dim_parse(enum host_dim d, const char *s, uint64_t **vals, size_t *n, cb_error *e)
{
	const struct host_dim_desc *x = &host_dims[d];
	if (x->names) {
		int *idx;
		if (parse_name_list(s, x->names, x->kind, &idx, n, e) < 0)
			return -1;
		*vals = cb_xcalloc(*n, sizeof(**vals));
		for (size_t i = 0; i < *n; i++)
			(*vals)[i] = (uint64_t)idx[i];
		free(idx);
		return 0;
	}
	char **items;
	if (parse_list(s, &items, n, e) < 0)
		return -1;
	uint64_t *v = cb_xcalloc(*n, sizeof(*v));
	for (size_t i = 0; i < *n; i++) {
		cb_error why;
		if (parse_u64(items[i], &v[i], &why) < 0 || v[i] == 0 || v[i] > x->max) {
			cb_error_set(e, "'%s' is not a %s from 1 to %llu", items[i], x->kind,
				     (unsigned long long)x->max);
			goto fail;
		}
		for (size_t j = 0; j < i; j++) {
			if (v[j] == v[i]) {
				cb_error_set(e, "%s %s is listed twice", x->kind, items[i]);
				goto fail;
			}
		}
	}
	parse_list_free(items);
	*vals = v;
	return 0;
fail:
	free(v);
	parse_list_free(items);
	return -1;
}

const char *host_dim_text(enum host_dim d, uint64_t v, char *buf, size_t len)
{
	if (host_dims[d].names)
		snprintf(buf, len, "%s", host_dims[d].names[v]);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

int64_t host_dim_value(enum host_dim d, const char *text)
{
	const struct host_dim_desc *x = &host_dims[d];
	if (x->names) {
		for (int i = 0; x->names[i]; i++)
			if (!strcmp(x->names[i], text))
				return i;
		return -1;
	}
	char *end;
	double v = strtod(text, &end);
	if (end == text || *end || !(v >= 1 && v <= (double)x->max) || v != (double)(uint64_t)v)
		return -1;
	return (int64_t)v;
}

uint64_t host_dim_default(enum host_dim d)
{
	return (uint64_t)host_dim_value(d, host_dim_defaults[d]);
}
