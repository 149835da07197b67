#include "host_opts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_page.h"
#include "host_prim.h"
#include "host_rounds.h"

/* The default matrix is what `make bench` runs: 0 to 4 GiB in every page
 * mode, in about three minutes on a small machine.  --quick keeps every
 * page mode that can run but shrinks sizes, dirty counts and sampling to
 * well under a minute.  512 dirty pages are exactly one 2 MiB huge page.
 * Six rounds are the fewest whose interval reaches 95% (stats.h). */
static const struct host_defaults {
	const char *sizes, *dirty;
	unsigned rounds;
	size_t min_reps, max_reps, warmup;
	double max_time_s, block_ms;
} defaults[2] = {
	{"0,1M,16M,256M,1G,4G", "0,1,512", 6, 12, 2000, 1, 3, 10},
	/* 12: compare needs at least 9 samples per side to judge a change */
	{"0,1M,64M,256M,1G", "0,512", 6, 12, 200, 1, 0.25, 4},
};

enum opt_id {
	OPT_OUT, OPT_PRIMS, OPT_SIZES, OPT_PAGES, OPT_DIRTY, OPT_CPUS, OPT_ROUNDS, OPT_SEED,
	OPT_TARGET_CI, OPT_MAX_TIME, OPT_MIN_REPS, OPT_MAX_REPS, OPT_WARMUP, OPT_QUICK,
	OPT_NO_FLOOR, OPT_RESUME, OPT_HELP, OPT_COUNT
};

static const struct opt {
	const char *name;
	bool arg;
	const char *help;
	const char *const *names; /* the names it takes, listed after help */
} opts[OPT_COUNT] = {
	[OPT_OUT] = {"--out", true, "DIR: results directory (required)"},
	[OPT_PRIMS] = {"--primitives", true, "LIST:", host_prim_names},
	[OPT_SIZES] = {"--sizes", true, "LIST: parent memory, e.g. 0,1M,16M,256M,1G,4G"},
	[OPT_PAGES] = {"--pages", true, "LIST:", host_page_names},
	[OPT_DIRTY] = {"--dirty", true, "LIST: 4 KiB pages the child writes: counts or percentages (0,1,512,10%)"},
	[OPT_CPUS] = {"--cpus", true, "LIST|none: CPUs to pin to (default: one CPU; children inherit)"},
	[OPT_ROUNDS] = {"--rounds", true, "N: rounds at most; each visits every configuration once, in a fresh random order"},
	[OPT_SEED] = {"--seed", true, "S: seed of the rounds' order, 0 to 4294967295 (default: a fresh one, recorded)"},
	[OPT_TARGET_CI] = {"--target-ci", true, "FRACTION: width of the median's 95% interval over rounds, relative (default 0.02 or 2%)"},
	[OPT_MAX_TIME] = {"--max-time", true, "SECONDS: sampling time cap per configuration, over all rounds"},
	[OPT_MIN_REPS] = {"--min-reps", true, "N: samples per configuration at least, spread over the rounds"},
	[OPT_MAX_REPS] = {"--max-reps", true, "N: samples per configuration at most"},
	[OPT_WARMUP] = {"--warmup", true, "N: unrecorded runs before each block (a configuration's visit in a round)"},
	[OPT_QUICK] = {"--quick", false, "the small matrix (well under a minute)"},
	[OPT_NO_FLOOR] = {"--no-floor", false, "do not measure the copy floor"},
	[OPT_RESUME] = {"--resume", false, "continue the interrupted run in --out, with its options and seed"},
	[OPT_HELP] = {"--help", false, "this text"},
};

void host_opts_usage(FILE *f)
{
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
	char t[2][128];
	for (int q = 0; q < 2; q++)
		snprintf(t[q], sizeof(t[q]),
			 "--sizes %s --dirty %s --rounds %u --min-reps %zu --max-time %g",
			 defaults[q].sizes, defaults[q].dirty, defaults[q].rounds,
			 defaults[q].min_reps, defaults[q].max_time_s);
	fprintf(f, "\ndefaults:   %s\n--quick:    %s\n", t[0], t[1]);
}

static int find_opt(const char *arg, const char **value)
{
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
	case OPT_PRIMS:
		free(o->prims);
		return parse_name_list(v, host_prim_names, "primitive", &o->prims, &o->nprims, e);
	case OPT_SIZES:
		free(o->sizes);
		if (parse_size_list(v, &o->sizes, &o->nsizes, e) < 0)
			return -1;
		return check_sizes(o->sizes, o->nsizes, e);
	case OPT_PAGES:
		free(o->pages);
		return parse_name_list(v, host_page_names, "page mode", &o->pages, &o->npages, e);
	case OPT_DIRTY:
		free(o->dirty);
		return parse_dirty_list(v, &o->dirty, &o->ndirty, e);
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
	/* Defaults first, then what was given, so an option's position never
	 * matters ("--min-reps 3 --quick" keeps 3). */
	char all_prims[256], all_pages[256];
	format_names(host_prim_names, ",", all_prims, sizeof(all_prims));
	format_names(host_page_names, ",", all_pages, sizeof(all_pages));
	const char *fallback[OPT_COUNT] = {
		[OPT_PRIMS] = all_prims, [OPT_SIZES] = d->sizes, [OPT_PAGES] = all_pages,
		[OPT_DIRTY] = d->dirty,
	};
	for (int id = 0; id < OPT_COUNT; id++) {
		const char *v = given[id] ? values[id] : fallback[id];
		if (!v || !opts[id].arg)
			continue;
		snprintf(what, what_len, "%s", opts[id].name);
		if (set_opt(o, id, v, e) < 0)
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

void host_opts_free(struct host_opts *o)
{
	free(o->prims);
	free(o->sizes);
	free(o->pages);
	free(o->dirty);
	free(o->cpus);
	memset(o, 0, sizeof(*o));
}
