/* Option parsing: defaults, --quick, precedence, and which option an
 * error names. */
#include "check.h"
#include "host_opts.h"
#include "host_page.h"
#include "host_pattern.h"
#include "host_prim.h"

static int parse(struct host_opts *o, char *what, cb_error *e, int argc, char **argv)
{
	return host_opts_parse(argc, argv, o, what, 64, e);
}

#define ARGS(...) (sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)), (char *[]){__VA_ARGS__}

int main(void)
{
	struct host_opts o;
	char what[64];
	cb_error e;
	CHECK(parse(&o, what, &e, ARGS("host", "--out", "d")) == 0);
	CHECK_STR(o.out, "d");
	CHECK_EQ_U64(o.slices[0].nprims, HOST_PRIM_COUNT);
	CHECK_EQ_U64(o.slices[0].npages, 4);
	CHECK(o.slices[0].nsizes == 6 && o.slices[0].sizes[5] == 4ull << 30);
	/* the default is the classic sweep and a slice of each dimension */
	CHECK(!o.matrix_given && o.nslices > 1);
	for (int d = 0; d < HOST_DIM_COUNT; d++) {
		bool varied = false;
		for (size_t k = 0; k < o.nslices; k++)
			varied |= o.slices[k].ndims[d] > 1;
		CHECK(varied);
	}
	CHECK(o.slices[0].ndims[HOST_DIM_WRITER] == 0); /* the classic sweep: the defaults */
	CHECK(o.floor && !o.quick && !o.ncpus && !o.unpinned);
	CHECK_NEAR(o.adapt.target_ci, 0.02, 0);
	uint64_t full_max_time = o.adapt.max_time_ns;
	host_opts_free(&o);

	/* --quick shrinks, but an explicit option wins wherever it stands */
	CHECK(parse(&o, what, &e, ARGS("host", "--min-reps", "3", "--quick", "--out=d")) == 0);
	CHECK(o.quick);
	CHECK_EQ_U64(o.adapt.min_reps, 3);
	CHECK(o.slices[0].nsizes < 6);
	host_opts_free(&o);
	CHECK(parse(&o, what, &e, ARGS("host", "--quick", "--out", "d")) == 0);
	CHECK(o.adapt.max_time_ns < full_max_time);
	CHECK(o.adapt.min_reps >= 9); /* what compare needs to judge a change */
	host_opts_free(&o);

	CHECK(parse(&o, what, &e, ARGS("host", "--out", "d", "--target-ci", "5%", "--cpus", "1,0",
				       "--dirty", "0,10%", "--no-floor", "--max-time", "0.5")) == 0);
	CHECK_NEAR(o.adapt.target_ci, 0.05, 1e-12);
	CHECK(o.ncpus == 2 && o.cpus[0] == 1 && o.cpus[1] == 0);
	CHECK(o.slices[0].ndirty == 2 && o.slices[0].dirty[1].percent);
	CHECK(o.matrix_given && o.nslices == 1); /* a matrix option: the first slice alone */
	CHECK(!o.floor);
	CHECK_EQ_U64(o.adapt.max_time_ns, 500000000);
	host_opts_free(&o);
	CHECK(parse(&o, what, &e, ARGS("host", "--out", "d", "--cpus", "none")) == 0);
	CHECK(o.unpinned);
	host_opts_free(&o);

	/* a lone --max-reps below the default minimum lowers it */
	CHECK(parse(&o, what, &e, ARGS("host", "--out", "d", "--max-reps", "2")) == 0);
	CHECK(o.adapt.min_reps == 2 && o.adapt.max_reps == 2);
	host_opts_free(&o);

	/* --help and the default come from the one list: every name in order */
	char *help = NULL;
	size_t help_len = 0;
	FILE *hf = open_memstream(&help, &help_len);
	host_opts_usage(hf);
	fclose(hf);
	char all[256];
	format_names(host_prim_names, ",", all, sizeof(all));
	CHECK(strstr(help, all) != NULL);
	free(help);
	CHECK_STR(host_prim_names[HOST_PRIM_COUNT - 1], host_prims[HOST_PRIM_COUNT - 1].name);
	CHECK(host_prim_names[HOST_PRIM_COUNT] == NULL);
	/* every table row is complete and is what its own name parses to */
	for (int i = 0; i < HOST_PRIM_COUNT; i++) {
		const char *name = host_prims[i].name;
		CHECK(name && host_prims[i].create);
		char *argv[] = {"host", "--out", "d", "--primitives", (char *)(name ? name : "")};
		CHECK(parse(&o, what, &e, 5, argv) == 0 && o.slices[0].nprims == 1 &&
		      o.slices[0].prims[0] == i);
		host_opts_free(&o);
	}
	for (int i = 0; i < HOST_PAGE_COUNT; i++) {
		char *argv[] = {"host", "--out", "d", "--pages", (char *)host_page_names[i]};
		CHECK(parse(&o, what, &e, 5, argv) == 0 && o.slices[0].npages == 1 &&
		      o.slices[0].pages[0] == i);
		host_opts_free(&o);
	}

	/* the dimensions: lists of names or counts */
	CHECK(parse(&o, what, &e, ARGS("host", "--out", "d", "--writer", "parent", "--pattern",
				       "sparse,random", "--threads", "1,2", "--vmas", "4", "--sizes",
				       "0,64M")) == 0);
	CHECK(o.slices[0].ndims[HOST_DIM_WRITER] == 1 &&
	      o.slices[0].dims[HOST_DIM_WRITER][0] == HOST_WRITER_PARENT);
	CHECK(o.slices[0].ndims[HOST_DIM_PATTERN] == 2 &&
	      o.slices[0].dims[HOST_DIM_PATTERN][1] == HOST_PATTERN_RANDOM);
	CHECK(o.slices[0].dims[HOST_DIM_THREADS][1] == 2 && o.slices[0].dims[HOST_DIM_VMAS][0] == 4);
	CHECK(o.nslices == 1);
	/* what the options alone cannot tell: CPUs, sparse on small regions */
	CHECK(host_opts_check(&o, 2, what, 64, &e) == 0);
	CHECK(host_opts_check(&o, 1, what, 64, &e) < 0);
	CHECK_STR(what, "--threads");
	CHECK(host_opts_check(&o, 1, what, 64, &e) < 0);
	host_opts_free(&o);
	CHECK(parse(&o, what, &e, ARGS("host", "--out", "d", "--pattern", "sparse", "--sizes",
				       "0,1M")) == 0);
	CHECK(host_opts_check(&o, 2, what, 64, &e) < 0);
	CHECK_STR(what, "--pattern");
	host_opts_free(&o);
	CHECK(parse(&o, what, &e, ARGS("host", "--out", "d", "--vmas", "3", "--sizes", "64M",
				       "--pages", "4k")) == 0);
	CHECK(host_opts_check(&o, 2, what, 64, &e) < 0);
	CHECK_STR(what, "--vmas");
	host_opts_free(&o);
	/* the preset's slices skip what this machine cannot run: no error */
	CHECK(parse(&o, what, &e, ARGS("host", "--out", "d")) == 0);
	CHECK(host_opts_check(&o, 1, what, 64, &e) == 0);
	host_opts_free(&o);

	const struct {
		int argc;
		char **argv;
		const char *what;
	} bad[] = {
		{ARGS("host", "--out", "d", "--writer", "both"), "--writer"},
		{ARGS("host", "--out", "d", "--pattern", "striped"), "--pattern"},
		{ARGS("host", "--out", "d", "--threads", "0"), "--threads"},
		{ARGS("host", "--out", "d", "--vmas", "0"), "--vmas"},
		{ARGS("host", "--out", "d", "--vmas", "1,1"), "--vmas"},
		{ARGS("host", "--out", "d", "--sizes", "banana"), "--sizes"},
		{ARGS("host", "--out", "d", "--sizes", "1M,1M"), "--sizes"},
		{ARGS("host", "--out", "d", "--sizes", "4097"), "--sizes"},
		{ARGS("host", "--out", "d", "--pages", "8k"), "--pages"},
		{ARGS("host", "--out", "d", "--primitives", "spoon"), "--primitives"},
		{ARGS("host", "--out", "d", "--dirty", "101%"), "--dirty"},
		{ARGS("host", "--out", "d", "--cpus", "0,0"), "--cpus"},
		{ARGS("host", "--out", "d", "--target-ci", "2"), "--target-ci"},
		{ARGS("host", "--out", "d", "--max-time", "-1"), "--max-time"},
		{ARGS("host", "--out", "d", "--min-reps", "0"), "--min-reps"},
		{ARGS("host", "--out", "d", "--min-reps", "9", "--max-reps", "3"), "--min-reps"},
		{ARGS("host", "--out", "d", "--warmup", "x"), "--warmup"},
		{ARGS("host", "--out", "d", "--sizes"), "--sizes"},
		{ARGS("host", "--sizes", "--out", "d"), "--sizes"},
		{ARGS("host", "--out", "d", "--frob"), "--frob"},
		{ARGS("host", "--quick=1", "--out", "d"), "--quick=1"},
		{ARGS("host", "--sizes", "1M"), "--out"},
	};
	for (size_t i = 0; i < CB_ARRAY_SIZE(bad); i++) {
		e.msg[0] = '\0';
		CHECK(parse(&o, what, &e, bad[i].argc, bad[i].argv) < 0);
		CHECK_STR(what, bad[i].what);
		CHECK(e.msg[0] != '\0');
		host_opts_free(&o);
	}
	return check_done();
}
