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

static void usage(FILE *f)
{
	fputs("usage: cowbench vm [options]\n"
	      "Boots our guest kernel under our KVM VMM once per configuration and records\n"
	      "guest COW counts and VM exits per benchmark phase (vm.csv, vm-stats.csv,\n"
	      "vm-boots.csv, vm-results.csv in --out).\n\n"
	      "  --primitives LIST   fork,vfork,clone_vm,spawn\n"
	      "  --sizes LIST        guest benchmark region sizes (multiples of 4K): 256K,4M\n"
	      "  --guest-pages LIST  guest page size of the region: 4k,2m\n"
	      "  --cow-policy LIST   2 MiB COW: copy (whole page), split (then copy 4 KiB)\n"
	      "  --backing LIST      guest RAM on the host: anon4k,thp,hugetlb2m,hugetlb1g\n"
	      "  --prefault LIST     no,yes: populate guest RAM before boot\n"
	      "  --dirty LIST        4 KiB pages the child writes: count or percent (16,50%)\n"
	      "  --reps N            samples per primitive per boot\n"
	      "  --ram SIZE          guest RAM (default: 64M + region * (2 + reps * primitives))\n"
	      "  --timeout SECONDS   watchdog per boot (default: 60 s + 2 ms per region page pass)\n"
	      "  --kernel FILE       guest ELF (default: $COWBENCH_GUEST, or\n"
	      "                      ../guest/cowbench-guest next to the cowbench binary)\n"
	      "  --out DIR           result directory (default: .)\n"
	      "  --quick             the small matrix\n"
	      "  --where LABEL       host, nested-tcg, nested-kvm (a label for the rows)\n"
	      "  --guest-args STR    appended to the guest command line\n"
	      "  --verbose           print the guest console as 'guest: ...'\n"
	      "  --pv-cpuid          show the guest KVM's paravirtual CPUID leaves (0x40000000)\n",
	      f);
}

void vm_opts_parse(int argc, char **argv, struct vm_opts *o)
{
	enum { O_PRIMS = 256, O_SIZES, O_GPAGES, O_POLICY, O_BACKING, O_PREFAULT, O_DIRTY,
	       O_REPS, O_RAM, O_TIMEOUT, O_KERNEL, O_OUT, O_QUICK, O_WHERE, O_GARGS, O_VERBOSE, O_PVCPUID };
	static const struct option opts[] = {
		{"primitives", required_argument, NULL, O_PRIMS},
		{"sizes", required_argument, NULL, O_SIZES},
		{"guest-pages", required_argument, NULL, O_GPAGES},
		{"cow-policy", required_argument, NULL, O_POLICY},
		{"backing", required_argument, NULL, O_BACKING},
		{"prefault", required_argument, NULL, O_PREFAULT},
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
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct vm_matrix_spec set = {0};
	bool quick = false;
	int c;
	optind = 0; /* not 1: glibc then also forgets a "-xy" an earlier parse left half-read */
	opterr = 0; /* one line of our own instead of getopt's message + usage */
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case O_PRIMS: set.prims = optarg; break;
		case O_SIZES: set.sizes = optarg; break;
		case O_GPAGES: set.guest_pages = optarg; break;
		case O_POLICY: set.cow_policy = optarg; break;
		case O_BACKING: set.backing = optarg; break;
		case O_PREFAULT: set.prefault = optarg; break;
		case O_DIRTY: set.dirty = optarg; break;
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
	/* Explicit options override the chosen matrix, in any order. */
	o->spec = quick ? vm_matrix_quick : vm_matrix_default;
#define TAKE(f) if (set.f) o->spec.f = set.f
	TAKE(prims);
	TAKE(sizes);
	TAKE(guest_pages);
	TAKE(cow_policy);
	TAKE(backing);
	TAKE(prefault);
	TAKE(dirty);
#undef TAKE
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
	names_or_die("--primitives", o->spec.prims, vm_prim_names, "primitive", &w->prims,
		     &w->nprims);
	names_or_die("--guest-pages", o->spec.guest_pages, vm_gpage_names, "guest page",
		     &w->gpages, &w->ngpages);
	names_or_die("--cow-policy", o->spec.cow_policy, vm_policy_names, "COW policy",
		     &w->policies, &w->npolicies);
	names_or_die("--backing", o->spec.backing, vm_backing_names, "backing", &w->backings,
		     &w->nbackings);
	names_or_die("--prefault", o->spec.prefault, vm_prefault_names, "prefault value",
		     &w->prefaults, &w->nprefaults);
	if (parse_size_list(o->spec.sizes, &w->sizes, &w->nsizes, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--sizes", &e);
	for (size_t i = 0; i < w->nsizes; i++) {
		if (w->sizes[i] % 4096 || w->sizes[i] > VM_RAM_MAX / 4)
			cb_die(CB_EXIT_USAGE, "--sizes", "%" PRIu64 " bytes: a region must be a "
			       "multiple of 4K and at most 16G", w->sizes[i]);
	}
	if (parse_dirty_list(o->spec.dirty, &w->dirty, &w->ndirty, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--dirty", &e);
	w->reps = o->spec.reps;
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
	free(w->gpages);
	free(w->policies);
	free(w->backings);
	free(w->prefaults);
	free(w->sizes);
	free(w->dirty);
	memset(w, 0, sizeof(*w));
}
