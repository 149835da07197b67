/* The command-line parsers: the first byte picks host, vm, report or
 * compare; the rest, cut at NUL bytes, is argv.  A parse that ends in
 * cb_die (exit 2) or --help (exit 0) is caught (FUZZ_TRY) and what it had
 * built is freed, as the process exit would. */
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "cb_abi.h"
#include "fuzz.h"
#include "host_opts.h"
#include "vm_cmdline.h"
#include "vm_opts.h"

#define MAX_ARGS 32

static void fuzz_host(int argc, char **argv)
{
	struct host_opts o;
	char what[64];
	cb_error e;
	host_opts_parse(argc, argv, &o, what, sizeof(what), &e);
	host_opts_free(&o);
}

static void fuzz_vm(int argc, char **argv)
{
	struct vm_opts o;
	struct vm_sweep w;
	memset(&o, 0, sizeof(o));
	memset(&w, 0, sizeof(w));
	if (FUZZ_TRY()) {
		vm_opts_parse(argc, argv, &o);
		vm_sweep_parse(&o, &w);
		/* The guest command line of the first configuration (every
		 * dimension's first value: not the whole matrix, whose size the
		 * input decides), with the user's --guest-args. */
		const struct vm_slice *sl = &w.slices[0];
		struct vm_config c = {.dirty_pages = 1};
		bool all = w.nslices && sl->nsizes;
		for (int d = 0; all && d < VM_DIM_COUNT; d++) {
			all = sl->ndims[d] > 0;
			if (all)
				vm_dim_set(&c, (enum vm_dim)d, sl->dims[d][0]);
		}
		if (all) {
			c.region_bytes = sl->sizes[0];
			char buf[CB_BOOT_CMDLINE_MAX + 1];
			cb_error e;
			vm_cmdline_build(&c, w.prims, w.nprims, w.reps, false, o.guest_args, buf,
					 sizeof(buf), &e);
		}
	}
	FUZZ_DONE();
	vm_sweep_free(&w);
}

static void fuzz_report(int argc, char **argv)
{
	const char *run_dir = NULL, *ref_dir = NULL;
	bool use_refs;
	if (FUZZ_TRY())
		report_parse_args(argc, argv, &run_dir, &ref_dir, &use_refs);
	FUZZ_DONE();
}

static void fuzz_compare(int argc, char **argv)
{
	struct compare_args a;
	if (FUZZ_TRY())
		compare_parse_args(argc, argv, &a);
	FUZZ_DONE();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *name;
		void (*parse)(int argc, char **argv);
	} parsers[] = {
		{"host", fuzz_host},
		{"vm", fuzz_vm},
		{"report", fuzz_report},
		{"compare", fuzz_compare},
	};
	if (size < 1)
		return 0;
	size_t k = data[0] % CB_ARRAY_SIZE(parsers);
	char *argv[MAX_ARGS + 1];
	int argc = fuzz_args(data + 1, size - 1, parsers[k].name, argv, MAX_ARGS);
	parsers[k].parse(argc, argv);
	fflush(stdout);
	fuzz_args_free(argv, argc);
	return 0;
}
