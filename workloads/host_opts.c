#include "host_opts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_page.h"
#include "host_pattern.h"
#include "host_prim.h"
#include "host_rounds.h"

/* The default matrix is what `make bench` runs: 0 to 4 GiB in every page
 * mode (the classic sweep), then one slice per question the classic sweep
 * cannot answer: what a parent's writes cost while its child lives (per
 * write, and in memory), how fork scales with the parent's threads and
 * with its mappings.  --quick keeps every page mode that can run but
 * shrinks sizes, dirty counts and sampling to well under a minute.  512
 * dirty pages are exactly one 2 MiB huge page.  Six rounds are the fewest
 * whose interval reaches 95% (stats.h).
 *
 * A slice after the first names only what differs from the slice before
 * it (NULL: the same); the first slice's NULLs are every primitive, every
 * page mode and each dimension's default.  With any matrix option given,
 * only the first slice runs, changed by the options. */
struct host_slice_spec {
	const char *prims, *sizes, *pages, *dirty;
	const char *dims[HOST_DIM_COUNT];
	uint64_t min_writes; /* its own, not the slice before's */
};

#define DIMS(w, p, t, v) {[HOST_DIM_WRITER] = w, [HOST_DIM_PATTERN] = p, [HOST_DIM_THREADS] = t, [HOST_DIM_VMAS] = v}

/* First writes a configuration of an explicit matrix times at least
 * (--min-writes): enough for a p99.9 to be more than the largest value. */
#define HOST_MIN_WRITES 2000

static const struct host_slice_spec full_slices[] = {
	{NULL, "0,1M,16M,256M,1G,4G", NULL, "0,1,512", DIMS(NULL, NULL, NULL, NULL), 0},
	/* the snapshot: who writes, where, per write and in memory */
	{"fork", "64M", "4k,thp,hugetlb2m", "16,512", DIMS("child,parent", "dense,sparse,random", NULL, NULL), 5000},
	/* fork's write-protection with the parent's other threads running */
	{NULL, "0,16M,256M,1G", "4k,thp", "0", DIMS("child", "dense", "1,2", NULL), 0},
	{NULL, "64M", "4k", "512", DIMS("parent", NULL, "2", NULL), 5000},
	/* fork's cost per mapping */
	{NULL, NULL, NULL, "0", DIMS("child", NULL, "1", "1,16,256,4096"), 0},
	{NULL, NULL, "thp,hugetlb2m", NULL, DIMS(NULL, NULL, NULL, "1,8,32"), 0},
};

static const struct host_slice_spec quick_slices[] = {
	{NULL, "0,1M,64M,256M,1G", NULL, "0,512", DIMS(NULL, NULL, NULL, NULL), 0},
	{"fork", "64M", "4k,thp,hugetlb2m", "16", DIMS("child,parent", "dense,sparse,random", NULL, NULL), 1000},
	{NULL, "0,64M", "4k", "0", DIMS("child", "dense", "1,2", NULL), 0},
	{NULL, "64M", NULL, NULL, DIMS(NULL, NULL, "1", "1,64,1024"), 0},
	{NULL, NULL, "thp", NULL, DIMS(NULL, NULL, NULL, "1,32"), 0},
};
#undef DIMS

static const struct host_defaults {
	const struct host_slice_spec *slices;
	size_t nslices;
	unsigned rounds;
	size_t min_reps, max_reps, warmup;
	double max_time_s, block_ms;
} defaults[2] = {
	{full_slices, CB_ARRAY_SIZE(full_slices), 6, 12, 2000, 1, 3, 10},
	/* 12: compare needs at least 9 samples per side to judge a change */
	{quick_slices, CB_ARRAY_SIZE(quick_slices), 6, 12, 200, 1, 0.25, 4},
};

enum opt_id {
	OPT_OUT, OPT_PRIMS, OPT_SIZES, OPT_PAGES, OPT_DIRTY,
	OPT_DIM, /* one per dimension: OPT_DIM + enum host_dim */
	OPT_CPUS = OPT_DIM + HOST_DIM_COUNT, OPT_ROUNDS, OPT_SEED,
	OPT_TARGET_CI, OPT_MAX_TIME, OPT_MIN_REPS, OPT_MAX_REPS, OPT_MIN_WRITES, OPT_WARMUP, OPT_QUICK,
	OPT_NO_FLOOR, OPT_RESUME, OPT_HELP, OPT_COUNT
};

static const struct opt {
	const char *name;
	bool arg;
	const char *help;
	const char *const *names; /* the names it takes, listed after help */
} opts_fixed[OPT_COUNT] = {
	[OPT_OUT] = {"--out", true, "DIR: results directory (required)"},
	[OPT_PRIMS] = {"--primitives", true, "LIST:", host_prim_names},
	[OPT_SIZES] = {"--sizes", true, "LIST: parent memory, e.g. 0,1M,16M,256M,1G,4G"},
	[OPT_PAGES] = {"--pages", true, "LIST:", host_page_names},
	[OPT_DIRTY] = {"--dirty", true, "LIST: 4 KiB pages written: counts or percentages (0,1,512,10%)"},
	/* OPT_DIM ... from host_dims[] (host_dim.h), filled in by opts_init() */
	[OPT_CPUS] = {"--cpus", true, "LIST|none: CPUs to pin to (default: one CPU; children inherit)"},
	[OPT_ROUNDS] = {"--rounds", true, "N: rounds at most; each visits every configuration once, in a fresh random order"},
	[OPT_SEED] = {"--seed", true, "S: seed of the rounds' order, 0 to 4294967295 (default: a fresh one, recorded)"},
	[OPT_TARGET_CI] = {"--target-ci", true, "FRACTION: width of the median's 95% interval over rounds, relative (default 0.02 or 2%)"},
	[OPT_MAX_TIME] = {"--max-time", true, "SECONDS: sampling time cap per configuration, over all rounds"},
	[OPT_MIN_REPS] = {"--min-reps", true, "N: samples per configuration at least, spread over the rounds"},
	[OPT_MAX_REPS] = {"--max-reps", true, "N: samples per configuration at most"},
	[OPT_MIN_WRITES] = {"--min-writes", true, "N: first writes a configuration that writes times at least, "
			    "within --max-time (default 2000; the preset's slices say their own)"},
	[OPT_WARMUP] = {"--warmup", true, "N: unrecorded runs before each block (a configuration's visit in a round)"},
	[OPT_QUICK] = {"--quick", false, "the small matrix (well under a minute)"},
	[OPT_NO_FLOOR] = {"--no-floor", false, "do not measure the copy floor"},
	[OPT_RESUME] = {"--resume", false, "continue the interrupted run in --out, with its options and seed"},
	[OPT_HELP] = {"--help", false, "this text"},
};

static struct opt opts[OPT_COUNT];

/* The fixed options, and one per dimension from its table. */
static void opts_init(void)
{
	if (opts[OPT_OUT].name)
		return;
	memcpy(opts, opts_fixed, sizeof(opts));
	for (int d = 0; d < HOST_DIM_COUNT; d++)
		opts[OPT_DIM + d] = (struct opt){host_dim_options[d], true, host_dims[d].help,
						 host_dims[d].names};
}

static void put_slice(FILE *f, const struct host_slice_spec *sp)
{
	const char *fields[] = {sp->prims, sp->sizes, sp->pages, sp->dirty};
	const char *names[] = {"--primitives", "--sizes", "--pages", "--dirty"};
	bool any = false;
	for (size_t i = 0; i < CB_ARRAY_SIZE(fields); i++)
		if (fields[i]) {
			fprintf(f, "%s%s %s", any ? " " : "", names[i], fields[i]);
			any = true;
		}
	for (int d = 0; d < HOST_DIM_COUNT; d++)
		if (sp->dims[d]) {
			fprintf(f, "%s%s %s", any ? " " : "", host_dim_options[d], sp->dims[d]);
			any = true;
		}
}

void host_opts_usage(FILE *f)
{
	opts_init();
	fputs("usage: cowbench host --out DIR [options]\n\n"
	      "Times process creation (fork, vfork, clone(CLONE_VM), posix_spawn, fork+exec,\n"
	      "vfork+exec) across parent memory sizes and page modes, with the copy-on-write\n"
	      "faults that follow a fork, and writes host.csv, host-summary.csv and\n"
	      "host-floor.csv to DIR.\n\noptions:\n", f);
	for (int i = 0; i < OPT_COUNT; i++) {
		char names[256] = "";
		if (opts[i].names)
			format_names(opts[i].names, ",", names, sizeof(names));
		fprintf(f, "  %-14s %s%s%s\n", opts[i].name, opts[i].help, *names ? " " : "", names);
	}
	for (int q = 0; q < 2; q++) {
		const struct host_defaults *d = &defaults[q];
		fprintf(f, "\n%s --rounds %u --min-reps %zu --max-time %g, the union of:\n",
			q ? "--quick:" : "defaults:", d->rounds, d->min_reps, d->max_time_s);
		for (size_t k = 0; k < d->nslices; k++) {
			fputs(k ? "  and " : "      ", f);
			put_slice(f, &d->slices[k]);
			fputc('\n', f);
		}
	}
	fputs("\nWith any of --primitives, --sizes, --pages, --dirty or a dimension given, only\n"
	      "the first slice runs, changed by them (a slice after it names what differs).\n", f);
}

static int find_opt(const char *arg, const char **value)
{
	opts_init();
	*value = NULL;
	if (!strcmp(arg, "-h"))
		return OPT_HELP;
	for (int i = 0; i < OPT_COUNT; i++) {
		size_t n = strlen(opts[i].name);
		if (strncmp(arg, opts[i].name, n) != 0)
			continue;
		if (arg[n] == '\0')
			return i;
		if (arg[n] == '=' && opts[i].arg) {
			*value = arg + n + 1;
			return i;
		}
	}
	return -1;
}

static int parse_count(const char *s, size_t *out, cb_error *e)
{
	uint64_t v;
	if (parse_u64(s, &v, e) < 0)
		return -1;
	if (v == 0 || v > 1000000) {
		cb_error_set(e, "'%s' is not between 1 and 1000000", s);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

static int parse_cpus(const char *s, struct host_opts *o, cb_error *e)
{
	if (!strcmp(s, "none")) {
		o->unpinned = true;
		return 0;
	}
	char **items;
	size_t n;
	if (parse_list(s, &items, &n, e) < 0)
		return -1;
	o->cpus = cb_xcalloc(n, sizeof(*o->cpus));
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		if (parse_u64(items[i], &v, e) < 0 || v > 4095) {
			cb_error_set(e, "'%s' is not a CPU number (example: 0,1 or none)", items[i]);
			parse_list_free(items);
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (o->cpus[j] == (int)v) {
				cb_error_set(e, "CPU %s is listed twice", items[i]);
				parse_list_free(items);
				return -1;
			}
		}
		o->cpus[i] = (int)v;
	}
	o->ncpus = n;
	parse_list_free(items);
	return 0;
}

static int parse_fraction(const char *s, double *out, cb_error *e)
{
	double v;
	bool pct;
	if (parse_ratio(s, &v, &pct, e) < 0 || !(v > 0 && v < 1)) {
		cb_error_set(e, "'%s' is not a fraction between 0 and 1 (examples: 0.02, 2%%)", s);
		return -1;
	}
	*out = v;
	return 0;
}

/* Whole 4 KiB pages, each size once. */
static int check_sizes(const uint64_t *v, size_t n, cb_error *e)
{
	for (size_t i = 0; i < n; i++) {
		char buf[32];
		if (v[i] % 4096) {
			cb_error_set(e, "'%s' is not a multiple of 4 KiB",
				     format_size(v[i], buf, sizeof(buf)));
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (v[j] == v[i]) {
				cb_error_set(e, "size %s is listed twice",
					     format_size(v[i], buf, sizeof(buf)));
				return -1;
			}
		}
	}
	return 0;
}

static int set_opt(struct host_opts *o, int id, const char *v, cb_error *e)
{
	double secs;
	switch (id) {
	case OPT_OUT:
		if (!*v) {
			cb_error_set(e, "empty directory name");
			return -1;
		}
		o->out = v;
		return 0;
	case OPT_CPUS:
		free(o->cpus);
		o->cpus = NULL;
		o->unpinned = false;
		return parse_cpus(v, o, e);
	case OPT_TARGET_CI:
		return parse_fraction(v, &o->adapt.target_ci, e);
	case OPT_MAX_TIME:
		if (parse_double(v, &secs, e) < 0 || !(secs > 0 && secs <= 86400)) {
			cb_error_set(e, "'%s' is not a number of seconds between 0 and 86400", v);
			return -1;
		}
		o->adapt.max_time_ns = (uint64_t)(secs * 1e9);
		return 0;
	case OPT_ROUNDS: {
		size_t r;
		if (parse_count(v, &r, e) < 0 || r > 1000) {
			cb_error_set(e, "'%s' is not a number of rounds between 1 and 1000", v);
			return -1;
		}
		o->adapt.rounds = (unsigned)r;
		return 0;
	}
	case OPT_SEED:
		if (parse_u64(v, &o->seed, e) < 0 || o->seed > HOST_SEED_MAX) {
			cb_error_set(e, "'%s' is not a seed between 0 and %llu", v,
				     (unsigned long long)HOST_SEED_MAX);
			return -1;
		}
		o->seed_given = true;
		return 0;
	case OPT_MIN_REPS:
		return parse_count(v, &o->adapt.min_reps, e);
	case OPT_MAX_REPS:
		return parse_count(v, &o->adapt.max_reps, e);
	case OPT_WARMUP: {
		uint64_t w;
		if (parse_u64(v, &w, e) < 0 || w > 1000) {
			cb_error_set(e, "'%s' is not between 0 and 1000", v);
			return -1;
		}
		o->warmup = (size_t)w;
		return 0;
	}
	default:
		return 0;
	}
}

/* One field of a slice from its option's text. */
static int set_slice(struct host_matrix_in *in, int id, const char *v, cb_error *e)
{
	switch (id) {
	case OPT_PRIMS: {
		int *p;
		free((void *)in->prims);
		in->prims = NULL;
		if (parse_name_list(v, host_prim_names, "primitive", &p, &in->nprims, e) < 0)
			return -1;
		in->prims = p;
		return 0;
	}
	case OPT_SIZES: {
		uint64_t *z;
		free((void *)in->sizes);
		in->sizes = NULL;
		if (parse_size_list(v, &z, &in->nsizes, e) < 0)
			return -1;
		in->sizes = z;
		return check_sizes(z, in->nsizes, e);
	}
	case OPT_PAGES: {
		int *p;
		free((void *)in->pages);
		in->pages = NULL;
		if (parse_name_list(v, host_page_names, "page mode", &p, &in->npages, e) < 0)
			return -1;
		in->pages = p;
		return 0;
	}
	case OPT_DIRTY: {
		struct dirty_spec *d;
		free((void *)in->dirty);
		in->dirty = NULL;
		if (parse_dirty_list(v, &d, &in->ndirty, e) < 0)
			return -1;
		in->dirty = d;
		return 0;
	}
	default: {
		int dim = id - OPT_DIM;
		uint64_t *vals;
		free((void *)in->dims[dim]);
		in->dims[dim] = NULL;
		if (host_dim_parse((enum host_dim)dim, v, &vals, &in->ndims[dim], e) < 0)
			return -1;
		in->dims[dim] = vals;
		return 0;
	}
	}
}

static bool is_matrix_opt(int id)
{
	return id == OPT_PRIMS || id == OPT_SIZES || id == OPT_PAGES || id == OPT_DIRTY ||
	       (id >= OPT_DIM && id < OPT_DIM + HOST_DIM_COUNT);
}

/* A slice spec's text for a matrix option (NULL: not set). */
static const char *spec_field(const struct host_slice_spec *sp, int id)
{
	switch (id) {
	case OPT_PRIMS: return sp->prims;
	case OPT_SIZES: return sp->sizes;
	case OPT_PAGES: return sp->pages;
	case OPT_DIRTY: return sp->dirty;
	default: return sp->dims[id - OPT_DIM];
	}
}

/* The slices: the preset's, or with matrix options its first one changed
 * by them; each field the text of the last slice that set it. */
static int build_slices(struct host_opts *o, const struct host_defaults *d, const bool *given,
			const char *const *values, char *what, size_t what_len, cb_error *e)
{
	char all_prims[256], all_pages[256];
	format_names(host_prim_names, ",", all_prims, sizeof(all_prims));
	format_names(host_page_names, ",", all_pages, sizeof(all_pages));
	o->nslices = o->matrix_given ? 1 : d->nslices;
	const char *cur[OPT_COUNT] = {[OPT_PRIMS] = all_prims, [OPT_PAGES] = all_pages};
	uint64_t min_writes = HOST_MIN_WRITES;
	if (given[OPT_MIN_WRITES]) {
		snprintf(what, what_len, "--min-writes");
		if (parse_u64(values[OPT_MIN_WRITES], &min_writes, e) < 0 || min_writes > 100000000) {
			cb_error_set(e, "'%s' is not a number of writes from 0 to 100000000",
				     values[OPT_MIN_WRITES]);
			return -1;
		}
	}
	for (size_t k = 0; k < o->nslices; k++) {
		o->slices[k].min_writes = given[OPT_MIN_WRITES] || o->matrix_given
						  ? min_writes : d->slices[k].min_writes;
		for (int id = 0; id < OPT_COUNT; id++) {
			if (!is_matrix_opt(id))
				continue;
			const char *v = spec_field(&d->slices[k], id);
			if (v)
				cur[id] = v;
			if (k == 0 && given[id])
				cur[id] = values[id];
			if (!cur[id])
				continue; /* a dimension at its default */
			snprintf(what, what_len, "%s", opts[id].name);
			if (set_slice(&o->slices[k], id, cur[id], e) < 0)
				return -1;
		}
	}
	return 0;
}

int host_opts_parse(int argc, char **argv, struct host_opts *o, char *what, size_t what_len,
		    cb_error *e)
{
	memset(o, 0, sizeof(*o));
	bool given[OPT_COUNT] = {0};
	const char *values[OPT_COUNT] = {0};
	for (int i = 1; i < argc; i++) {
		const char *v;
		int id = find_opt(argv[i], &v);
		snprintf(what, what_len, "%s", id >= 0 ? opts[id].name : argv[i]);
		if (id < 0) {
			cb_error_set(e, "unknown option (try 'cowbench host --help')");
			return -1;
		}
		if (opts[id].arg && !v) {
			const char *unused;
			/* "--sizes --out d" forgot the sizes; it does not mean
			 * sizes "--out". */
			if (i + 1 >= argc || find_opt(argv[i + 1], &unused) >= 0) {
				cb_error_set(e, "needs a value");
				return -1;
			}
			v = argv[++i];
		}
		given[id] = true;
		values[id] = v;
	}
	if (given[OPT_HELP]) {
		o->help = true;
		return 0;
	}
	/* A resumed run is the interrupted one: its options come from the
	 * run folder, never from a second, possibly different, command line. */
	o->resume = given[OPT_RESUME];
	for (int id = 0; o->resume && id < OPT_COUNT; id++) {
		if (given[id] && id != OPT_RESUME && id != OPT_OUT) {
			snprintf(what, what_len, "--resume");
			cb_error_set(e, "takes the options of the run it continues; give only --out, "
				     "not %s", opts[id].name);
			return -1;
		}
	}
	o->quick = given[OPT_QUICK];
	o->floor = !given[OPT_NO_FLOOR];
	const struct host_defaults *d = &defaults[o->quick];
	o->adapt = (struct host_adapt){d->min_reps, d->max_reps, 0.02,
				       (uint64_t)(d->max_time_s * 1e9), d->rounds,
				       (uint64_t)(d->block_ms * 1e6)};
	o->warmup = d->warmup;
	for (int id = 0; id < OPT_COUNT; id++)
		o->matrix_given |= given[id] && is_matrix_opt(id);
	if (build_slices(o, d, given, values, what, what_len, e) < 0)
		return -1;
	/* Defaults first, then what was given, so an option's position never
	 * matters ("--min-reps 3 --quick" keeps 3). */
	for (int id = 0; id < OPT_COUNT; id++) {
		if (!given[id] || !opts[id].arg || is_matrix_opt(id) || id == OPT_MIN_WRITES)
			continue;
		snprintf(what, what_len, "%s", opts[id].name);
		if (set_opt(o, id, values[id], e) < 0)
			return -1;
	}
	/* A default bound gives way to an explicit one. */
	if (o->adapt.min_reps > o->adapt.max_reps && !given[OPT_MIN_REPS])
		o->adapt.min_reps = o->adapt.max_reps;
	if (o->adapt.min_reps > o->adapt.max_reps && !given[OPT_MAX_REPS])
		o->adapt.max_reps = o->adapt.min_reps;
	if (o->adapt.min_reps > o->adapt.max_reps) {
		snprintf(what, what_len, "--min-reps");
		cb_error_set(e, "%zu is more than --max-reps %zu", o->adapt.min_reps,
			     o->adapt.max_reps);
		return -1;
	}
	if (!o->out) {
		snprintf(what, what_len, "--out");
		cb_error_set(e, "missing: say which directory gets host.csv (e.g. --out results/run)");
		return -1;
	}
	return 0;
}

bool host_opts_execs(const struct host_opts *o)
{
	for (size_t k = 0; k < o->nslices; k++)
		for (size_t i = 0; i < o->slices[k].nprims; i++)
			if (host_prims[o->slices[k].prims[i]].execs)
				return true;
	return false;
}

int host_opts_check(const struct host_opts *o, size_t cpus_allowed, char *what, size_t what_len,
		    cb_error *e)
{
	if (!o->matrix_given)
		return 0; /* the preset's slices skip what cannot run here */
	const struct host_matrix_in *in = &o->slices[0];
	for (size_t i = 0; i < in->ndims[HOST_DIM_THREADS]; i++) {
		uint64_t t = in->dims[HOST_DIM_THREADS][i];
		if (t > cpus_allowed) {
			snprintf(what, what_len, "--threads");
			cb_error_set(e, "%llu threads, but this process may run on %zu CPU%s "
				     "(each extra thread needs a CPU of its own)", (unsigned long long)t,
				     cpus_allowed, cpus_allowed == 1 ? "" : "s");
			return -1;
		}
	}
	for (size_t i = 0; i < in->ndims[HOST_DIM_PATTERN]; i++) {
		if (in->dims[HOST_DIM_PATTERN][i] != HOST_PATTERN_SPARSE)
			continue;
		for (size_t s = 0; s < in->nsizes; s++) {
			uint64_t b = in->sizes[s];
			if (b > 0 && b < HOST_SPARSE_STRIDE) {
				char sz[32];
				snprintf(what, what_len, "--pattern");
				cb_error_set(e, "sparse writes one page per 2 MiB, and the region of %s "
					     "is smaller", format_size(b, sz, sizeof(sz)));
				return -1;
			}
		}
	}
	for (size_t v = 0; v < in->ndims[HOST_DIM_VMAS]; v++) {
		for (size_t pm = 0; pm < in->npages; pm++) {
			for (size_t s = 0; s < in->nsizes; s++) {
				char why[128];
				enum host_page_mode m = (enum host_page_mode)in->pages[pm];
				/* a size the page mode cannot back is skipped anyway */
				if (in->sizes[s] % mem_kinds[m].page_bytes ||
				    !host_matrix_vmas_unfit(m, in->sizes[s], in->dims[HOST_DIM_VMAS][v],
							    why, sizeof(why)))
					continue;
				snprintf(what, what_len, "--vmas");
				cb_error_set(e, "%s (%s)", why, host_page_names[m]);
				return -1;
			}
		}
	}
	return 0;
}

void host_opts_free(struct host_opts *o)
{
	for (size_t k = 0; k < HOST_SLICES_MAX; k++) {
		struct host_matrix_in *in = &o->slices[k];
		free((void *)in->prims);
		free((void *)in->sizes);
		free((void *)in->pages);
		free((void *)in->dirty);
		for (int d = 0; d < HOST_DIM_COUNT; d++)
			free((void *)in->dims[d]);
	}
	free(o->cpus);
	memset(o, 0, sizeof(*o));
}
