/* `cowbench host` options. */
#ifndef COWBENCH_HOST_OPTS_H
#define COWBENCH_HOST_OPTS_H

#include <stdio.h>

#include "cb.h"
#include "host_adapt.h"
#include "host_matrix.h"
#include "parse.h"

/* The default and --quick matrices are a few slices, each a cross
 * product (host_matrix.h): the classic sweep and a small slice of each
 * dimension beyond it. */
#define HOST_SLICES_MAX 8

struct host_opts {
	const char *out;
	/* The matrix: slices[0] holds the primitive, size, page and dirty
	 * lists (all owned); with any matrix option given it is the only one. */
	struct host_matrix_in slices[HOST_SLICES_MAX];
	size_t nslices;
	/* A matrix option (--primitives, --sizes, --pages, --dirty or a
	 * dimension) was given: what it asks for must run or is bad input;
	 * the preset's slices skip what this machine cannot run. */
	bool matrix_given;
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

/* Whether any slice measures an exec'd primitive (the helper is needed). */
bool host_opts_execs(const struct host_opts *o);

/* What cannot be known from the options alone, checked before anything is
 * written: the threads asked for against the CPUs this process may use
 * (cpus_allowed), and sparse writes against the sizes.  -1 with what and
 * e set. */
int host_opts_check(const struct host_opts *o, size_t cpus_allowed, char *what, size_t what_len,
		    cb_error *e);

#endif
