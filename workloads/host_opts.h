/* `cowbench host` options. */
#ifndef COWBENCH_HOST_OPTS_H
#define COWBENCH_HOST_OPTS_H

#include <stdio.h>

#include "cb.h"
#include "host_adapt.h"
#include "parse.h"

struct host_opts {
	const char *out;
	int *prims;
	size_t nprims;
	uint64_t *sizes;
	size_t nsizes;
	int *pages;
	size_t npages;
	struct dirty_spec *dirty;
	size_t ndirty;
	int *cpus; /* NULL: the default single CPU */
	size_t ncpus;
	bool unpinned; /* --cpus none */
	struct host_adapt adapt;
	size_t warmup;
	uint64_t seed;	 /* of the rounds' order */
	bool seed_given; /* false: host_main draws a fresh one */
	bool quick, floor, resume, help;
};

/* Parses argv (argv[0] is "host").  On bad input returns -1 with `what`
 * naming the option and e saying why. */
int host_opts_parse(int argc, char **argv, struct host_opts *o, char *what, size_t what_len,
		    cb_error *e);
void host_opts_usage(FILE *f);
void host_opts_free(struct host_opts *o);

#endif
