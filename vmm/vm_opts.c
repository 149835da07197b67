#include "vm_opts.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "vm_boot.h"

#define KERNEL_MAX_BYTES (256u << 20)

/* "a,b,c" from a NULL-terminated name table. */
static void put_names(FILE *f, const char *const *names, const char *sep)
{
	for (size_t i = 0; names[i]; i++)
		fprintf(f, "%s%s", i ? sep : "", names[i]);
}

static void usage(FILE *f)
{
	fputs("usage: cowbench vm [options]\n"
	      "Boots our guest kernel under our KVM VMM once per configuration and records\n"
	      "guest COW counts and VM exits per benchmark phase (vm.csv, vm-stats.csv,\n"
	      "vm-boots.csv, vm-results.csv in --out).\n\n"
	      "  --primitives LIST   ",
	      f);
	put_names(f, vm_prim_names, ",");
	fputs("\n  --sizes LIST        guest benchmark region sizes (multiples of 4K): 256K,4M\n", f);
	for (int d = 0; d < VM_DIM_COUNT; d++) {
		char opt[32];
		snprintf(opt, sizeof(opt), "--%s LIST", vm_dims[d].option);
		fprintf(f, "  %-19s %s\n", opt, vm_dims[d].help);
	}
	fputs("  --dirty LIST        4 KiB pages the child writes: count or percent (16,50%)\n"
	      "  --reps N            samples per primitive per boot\n"
	      "  --ram SIZE          guest RAM (default: 64M + region * (2 + reps * primitives))\n"
	      "  --timeout SECONDS   watchdog per boot (default: 60 s + 2 ms per region page pass)\n"
	      "  --kernel FILE       guest ELF (default: $COWBENCH_GUEST, or\n"
	      "                      ../guest/cowbench-guest next to the cowbench binary)\n"
	      "  --out DIR           result directory (default: .)\n"
	      "  --resume            continue the sweep in --out: skip the boots finished\n"
	      "                      there, run the rest; with no matrix options, the ones\n"
	      "                      it was started with (vm-plan.json); with them, they\n"
	      "                      must describe the same plan\n"
	      "  --quick             the small matrix\n"
	      "  --where LABEL       host, nested-tcg, nested-kvm (a label for the rows)\n"
	      "  --guest-args STR    appended to the guest command line\n"
	      "  --verbose           print the guest console as 'guest: ...'\n"
	      "  --pv-cpuid          show the guest KVM's paravirtual CPUID leaves (0x40000000)\n"
	      "  --and               start another slice of the matrix: the slice before it,\n"
	      "                      changed by the --sizes, --dirty and dimension options\n"
	      "                      that follow (the boots are the union of the slices)\n"
	      "  --list NAME         print the values NAME takes, one per line, and exit; NAME:\n"
	      "                      primitives, phases, where",
	      f);
	for (int d = 0; d < VM_DIM_COUNT; d++)
		fprintf(f, ", %s", vm_dims[d].option);
	fputs("\n", f);
}

/* `--list NAME`: what scripts ask instead of keeping their own copies. */
static const struct {
	const char *name;
	const char *const *names;
} lists[] = {
	{"primitives", vm_prim_names},
	{"phases", vm_phase_names},
	{"where", vm_where_names},
};

static _Noreturn void list_names(const char *what)
{
	const char *const *names = NULL;
	int d = vm_dim_find(what);
	if (d >= 0)
		names = vm_dims[d].names;
	for (size_t i = 0; !names && i < CB_ARRAY_SIZE(lists); i++)
		if (!strcmp(lists[i].name, what))
			names = lists[i].names;
	if (!names)
		cb_die(CB_EXIT_USAGE, "--list", "unknown list '%s' (try 'cowbench vm --help')", what);
	put_names(stdout, names, "\n");
	putchar('\n');
	exit(0);
}

void vm_opts_parse(int argc, char **argv, struct vm_opts *o)
{
	enum { O_PRIMS = 256, O_SIZES, O_DIRTY, O_REPS, O_RAM, O_TIMEOUT, O_KERNEL, O_OUT,
	       O_QUICK, O_WHERE, O_GARGS, O_VERBOSE, O_PVCPUID, O_LIST, O_AND, O_RESUME, O_DIM };
	static const struct option fixed[] = {
		{"primitives", required_argument, NULL, O_PRIMS},
		{"sizes", required_argument, NULL, O_SIZES},
		{"dirty", required_argument, NULL, O_DIRTY},
		{"reps", required_argument, NULL, O_REPS},
		{"ram", required_argument, NULL, O_RAM},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"kernel", required_argument, NULL, O_KERNEL},
		{"out", required_argument, NULL, O_OUT},
		{"quick", no_argument, NULL, O_QUICK},
		{"where", required_argument, NULL, O_WHERE},
		{"guest-args", required_argument, NULL, O_GARGS},
		{"verbose", no_argument, NULL, O_VERBOSE},
		{"pv-cpuid", no_argument, NULL, O_PVCPUID},
		{"list", required_argument, NULL, O_LIST},
		{"and", no_argument, NULL, O_AND},
		{"resume", no_argument, NULL, O_RESUME},
		{"help", no_argument, NULL, 'h'},
	};
	/* The fixed options, then one per dimension (vm_dims.h). */
	struct option opts[CB_ARRAY_SIZE(fixed) + VM_DIM_COUNT + 1];
	memcpy(opts, fixed, sizeof(fixed));
	for (int d = 0; d < VM_DIM_COUNT; d++)
		opts[CB_ARRAY_SIZE(fixed) + d] =
			(struct option){vm_dims[d].option, required_argument, NULL, O_DIM + d};
	opts[CB_ARRAY_SIZE(opts) - 1] = (struct option){0};
	/* What the command line sets, per slice (prims in set[0]: run-wide). */
	struct vm_matrix_spec set[VM_SLICES_MAX] = {{0}};
	size_t nset = 1;
	bool quick = false;
	int c;
	optind = 0; /* not 1: glibc then also forgets a "-xy" an earlier parse left half-read */
	opterr = 0; /* one line of our own instead of getopt's message + usage */
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		/* What the plan depends on (vm_plan.h): everything but where the
		 * files go, the watchdog, the console and which kernel file (the
		 * plan has the kernel's hash). */
		o->plan_given |= c != O_OUT && c != O_RESUME && c != O_TIMEOUT && c != O_VERBOSE &&
				 c != O_KERNEL;
		if (c >= O_DIM && c < O_DIM + VM_DIM_COUNT) {
			set[nset - 1].dims[c - O_DIM] = optarg;
			continue;
		}
		switch (c) {
		case O_PRIMS: set[0].prims = optarg; break;
		case O_SIZES: set[nset - 1].sizes = optarg; break;
		case O_DIRTY: set[nset - 1].dirty = optarg; break;
		case O_AND:
			if (nset == VM_SLICES_MAX)
				cb_die(CB_EXIT_USAGE, "--and", "at most %d slices", VM_SLICES_MAX);
			nset++;
			break;
		case O_REPS: o->reps = optarg; break;
		case O_RAM: o->ram = optarg; break;
		case O_TIMEOUT: o->timeout = optarg; break;
		case O_KERNEL: o->kernel = optarg; break;
		case O_OUT: o->out = optarg; break;
		case O_QUICK: quick = true; break;
		case O_WHERE: o->where = optarg; break;
		case O_GARGS: o->guest_args = optarg; break;
		case O_VERBOSE: o->verbose = true; break;
		case O_PVCPUID: o->pv_cpuid = true; break;
		case O_RESUME: o->resume = true; break;
		case O_LIST: list_names(optarg);
		case 'h': usage(stdout); exit(0);
		case ':':
			cb_die(CB_EXIT_USAGE, "vm", "option '%s' needs a value", argv[optind - 1]);
		default:
			cb_die(CB_EXIT_USAGE, "vm", "unknown option '%s' (try 'cowbench vm --help')",
			       argv[optind - 1]);
		}
	}
	if (optind < argc)
		cb_die(CB_EXIT_USAGE, "vm", "unexpected argument '%s'", argv[optind]);
	/* Explicit options override the chosen matrix, in any order.  The
	 * preset's extra slices belong to it as it stands: with any sweep
	 * option (sizes, dirty, a dimension) only its first slice is run,
	 * changed by them; with --and, the command line's slices follow it. */
	const struct vm_matrix_preset *p = quick ? &vm_matrix_quick : &vm_matrix_default;
	bool sweep = nset > 1 || set[0].sizes || set[0].dirty;
	for (int d = 0; d < VM_DIM_COUNT; d++)
		sweep |= set[0].dims[d] != NULL;
	o->nspecs = sweep ? nset : p->n;
	for (size_t k = 0; k < o->nspecs; k++) {
		struct vm_matrix_spec base = k == 0 ? p->slices[0] : o->specs[k - 1];
		o->specs[k] = vm_spec_apply(base, sweep ? &set[k] : &p->slices[k]);
	}
	/* prims and reps are run-wide */
	if (set[0].prims)
		for (size_t k = 0; k < o->nspecs; k++)
			o->specs[k].prims = set[0].prims;
}

static void names_or_die(const char *opt, const char *s, const char *const *names,
			 const char *kind, int **idx, size_t *n)
{
	cb_error e;
	if (parse_name_list(s, names, kind, idx, n, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, opt, &e);
}

void vm_sweep_parse(const struct vm_opts *o, struct vm_sweep *w)
{
	cb_error e;
	memset(w, 0, sizeof(*w));
	names_or_die("--primitives", o->specs[0].prims, vm_prim_names, "primitive", &w->prims,
		     &w->nprims);
	w->nslices = o->nspecs;
	for (size_t k = 0; k < o->nspecs; k++) {
		const struct vm_matrix_spec *sp = &o->specs[k];
		struct vm_slice *sl = &w->slices[k];
		for (int d = 0; d < VM_DIM_COUNT; d++) {
			char opt[32];
			snprintf(opt, sizeof(opt), "--%s", vm_dims[d].option);
			names_or_die(opt, sp->dims[d], vm_dims[d].names, vm_dims[d].kind, &sl->dims[d],
				     &sl->ndims[d]);
		}
		if (parse_size_list(sp->sizes, &sl->sizes, &sl->nsizes, &e) < 0)
			cb_die_err(CB_EXIT_USAGE, "--sizes", &e);
		for (size_t i = 0; i < sl->nsizes; i++) {
			if (sl->sizes[i] % 4096 || sl->sizes[i] > VM_RAM_MAX / 4)
				cb_die(CB_EXIT_USAGE, "--sizes", "%" PRIu64 " bytes: a region must be a "
				       "multiple of 4K and at most 16G", sl->sizes[i]);
		}
		if (parse_dirty_list(sp->dirty, &sl->dirty, &sl->ndirty, &e) < 0)
			cb_die_err(CB_EXIT_USAGE, "--dirty", &e);
	}
	w->reps = o->specs[0].reps;
	if (o->reps && (parse_u64(o->reps, &w->reps, &e) < 0 || w->reps == 0 || w->reps > 1000000))
		cb_die(CB_EXIT_USAGE, "--reps", "'%s' is not a repetition count (1..1000000)", o->reps);
	if (o->ram) {
		if (parse_size(o->ram, &w->ram, &e) < 0)
			cb_die_err(CB_EXIT_USAGE, "--ram", &e);
		if (w->ram < (2u << 20) || w->ram > VM_RAM_MAX)
			cb_die(CB_EXIT_USAGE, "--ram", "%s: guest RAM must be 2M..%lluG", o->ram,
			       VM_RAM_MAX >> 30);
	}
	if (o->timeout && (parse_double(o->timeout, &w->timeout, &e) < 0 || w->timeout <= 0 ||
			   w->timeout > 7 * 86400))
		cb_die(CB_EXIT_USAGE, "--timeout", "'%s' is not a number of seconds", o->timeout);
	w->where = VM_WHERE_HOST;
	if (o->where) {
		w->where = parse_name(o->where, vm_where_names, "place", &e);
		if (w->where < 0)
			cb_die_err(CB_EXIT_USAGE, "--where", &e);
	}
}

size_t vm_sweep_configs(const struct vm_sweep *w, struct vm_config **out)
{
	struct vm_matrix_in in[VM_SLICES_MAX];
	for (size_t k = 0; k < w->nslices; k++) {
		const struct vm_slice *sl = &w->slices[k];
		in[k] = (struct vm_matrix_in){.sizes = sl->sizes, .nsizes = sl->nsizes,
					      .dirty = sl->dirty, .ndirty = sl->ndirty};
		for (int d = 0; d < VM_DIM_COUNT; d++) {
			in[k].dims[d] = sl->dims[d];
			in[k].ndims[d] = sl->ndims[d];
		}
	}
	return vm_matrix_build_slices(in, w->nslices, out);
}

char *vm_kernel_path(const char *opt)
{
	if (opt)
		return cb_xstrdup(opt);
	const char *env = getenv("COWBENCH_GUEST");
	if (env && *env)
		return cb_xstrdup(env);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return cb_xstrdup("cowbench-guest");
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	char *p = cb_path_join(exe, "../guest/cowbench-guest");
	return p;
}

void *vm_kernel_load(const char *path, size_t *len)
{
	void *data;
	cb_error e;
	int rc = cb_read_file_max(path, KERNEL_MAX_BYTES, &data, len, &e);
	if (rc == -1 && errno == ENOENT)
		cb_die(CB_EXIT_USAGE, "vm", "no guest kernel at %s (build it with make, or pass "
		       "--kernel FILE or set COWBENCH_GUEST)", path);
	if (rc < 0)
		cb_die_err(CB_EXIT_USAGE, "--kernel", &e);
	return data;
}

void vm_sweep_free(struct vm_sweep *w)
{
	free(w->prims);
	for (size_t k = 0; k < w->nslices; k++) {
		for (int d = 0; d < VM_DIM_COUNT; d++)
			free(w->slices[k].dims[d]);
		free(w->slices[k].sizes);
		free(w->slices[k].dirty);
	}
	memset(w, 0, sizeof(*w));
}
