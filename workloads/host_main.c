/* cowbench host: check everything that can be checked before measuring
 * (options, memory, the exec helper, --out, CPUs), so bad input costs
 * nothing and leaves nothing behind; then floor, then the sweep. */
#include <stdio.h>
#include <stdlib.h>

#include "afile.h"
#include "env.h"
#include "host_floor.h"
#include "host_kev.h"
#include "host_matrix.h"
#include "host_opts.h"
#include "host_page.h"
#include "host_prim.h"
#include "host_resume.h"
#include "host_rounds.h"
#include "host_runfile.h"
#include "host_sweep.h"
#include "probe.h"
#include "host_sys.h"
#include "workloads.h"

/* The sweep holds each hugepage pool at its largest point's size until it
 * ends (host_region.h), so at any moment it may hold every pool and one
 * point's region besides.  Returns the memory left for regions once the
 * pools are held: what host_region.c may keep populated between rounds
 * (regions kept plus the largest one not kept) must fit in it. */
static uint64_t check_memory(const struct host_matrix *m)
{
	uint64_t margin, avail = host_sys_mem_available(&margin);
	if (avail == 0)
		return 0; /* no /proc/meminfo: nothing to check against, keep nothing */
	uint64_t room = avail > margin ? avail - margin : 0;
	uint64_t pools[HOST_PAGE_COUNT] = {0}, held = 0;
	for (size_t i = 0; i < m->npoints; i++) {
		const struct host_point *pt = &m->points[i];
		if (!pt->skip[0] && mem_kinds[pt->mode].pool_kib && host_point_need(pt) > pools[pt->mode])
			pools[pt->mode] = host_point_need(pt);
	}
	for (int k = 0; k < HOST_PAGE_COUNT; k++)
		held += pools[k];
	for (size_t i = 0; i < m->npoints; i++) {
		const struct host_point *pt = &m->points[i];
		uint64_t need = (mem_kinds[pt->mode].pool_kib ? 0 : host_point_need(pt)) + held;
		if (pt->skip[0] || need <= room)
			continue;
		char sz[32], nd[32], rm[32], av[32], mg[32];
		cb_die(CB_EXIT_USAGE, "--sizes",
		       "%s in %s needs about %s with its children's copies and the hugepage pools "
		       "the sweep holds, but only %s is available (MemAvailable %s minus a %s margin)",
		       format_size(pt->bytes, sz, sizeof(sz)), host_page_names[pt->mode],
		       format_size((need + (1 << 20) - 1) >> 20 << 20, nd, sizeof(nd)),
		       format_size(room >> 20 << 20, rm, sizeof(rm)),
		       format_size(avail >> 20 << 20, av, sizeof(av)),
		       format_size(margin >> 20 << 20, mg, sizeof(mg)));
	}
	return room > held ? room - held : 0;
}

/* The CPUs the reading threads of --threads may use: the ones allowed,
 * less the measuring thread's when it is pinned to one. */
static size_t touch_cpus(const int *allowed, size_t n, int pinned, int **out)
{
	*out = cb_xcalloc(n ? n : 1, sizeof(**out));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (allowed[i] != pinned)
			(*out)[k++] = allowed[i];
	return k;
}

/* --resume: the options come from the run folder; returns the argv to
 * parse instead (owned by rf), with the recorded seed. */
static char **resume_argv(const char *dir, struct host_runfile *rf, int *argc)
{
	cb_error e;
	if (host_runfile_read(rf, dir, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--resume", &e);
	char **argv = cb_xcalloc(rf->nargs + 6, sizeof(*argv));
	int n = 0;
	argv[n++] = "host";
	for (size_t i = 0; i < rf->nargs; i++)
		argv[n++] = rf->args[i];
	static char seed[24];
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)rf->seed);
	argv[n++] = "--seed";
	argv[n++] = seed;
	argv[n++] = "--out";
	argv[n++] = (char *)dir;
	*argc = n;
	return argv;
}

int host_main(int argc, char **argv)
{
	struct host_opts o;
	char what[64];
	cb_error e;
	if (host_opts_parse(argc, argv, &o, what, sizeof(what), &e) < 0)
		cb_die_err(CB_EXIT_USAGE, what, &e);
	if (o.help) {
		host_opts_usage(stdout);
		host_opts_free(&o);
		return 0;
	}
	struct host_runfile old = {0};
	char **run_argv = argv;
	int run_argc = argc;
	bool resume = o.resume;
	char *dir = NULL; /* --resume: the folder, which run_argv points into */
	if (resume) {
		dir = cb_xstrdup(o.out);
		host_opts_free(&o);
		run_argv = resume_argv(dir, &old, &run_argc);
		if (host_opts_parse(run_argc, run_argv, &o, what, sizeof(what), &e) < 0)
			cb_die(CB_EXIT_USAGE, "--resume", "the recorded options no longer parse: %s: %s",
			       what, e.msg);
	}
	/* Each extra thread needs a CPU besides the measuring thread's: with
	 * one CPU pinned for measuring, one fewer than allowed (unpinned or
	 * pinned to several, the measuring thread shares them). */
	int *allowed;
	size_t nallowed = host_sys_cpus_allowed(o.cpus, o.ncpus, &allowed);
	if (host_opts_check(&o, nallowed, what, sizeof(what), &e) < 0)
		cb_die_err(CB_EXIT_USAGE, what, &e);
	struct host_matrix m;
	host_matrix_build_slices(o.slices, o.nslices, nallowed ? nallowed : 1, &m);
	if (m.nconfigs == 0)
		cb_die(CB_EXIT_USAGE, "--sizes", "nothing to measure: %s",
		       m.npoints ? m.points[0].skip : "no size given");
	uint64_t region_room = check_memory(&m);
	char *helper = NULL;
	if (host_opts_execs(&o) && !(helper = host_sys_find_helper(&e)))
		cb_die_err(CB_EXIT_USAGE, "exec helper", &e);
	/* Every sample needs the probe beside it: a clock that cannot time
	 * it is a machine this cannot run on, found before anything is made. */
	struct probe_reading pr;
	if (probe_take(&pr, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "probe", &e);
	int cpu = host_sys_pin(o.cpus, o.ncpus, o.unpinned, &e);
	if (cpu == -3)
		cb_die_err(CB_EXIT_USAGE, "--cpus", &e);
	int *tcpus;
	size_t ntcpus = touch_cpus(allowed, nallowed, cpu, &tcpus);
	struct host_result *results = cb_xcalloc(m.nconfigs, sizeof(*results));
	for (size_t i = 0; i < m.npoints; i++)
		for (size_t c = m.points[i].first; c < m.points[i].first + m.points[i].count; c++)
			host_result_init(&results[c], &m.points[i], &m.configs[c]);
	struct host_floor floor = {0};
	if (resume && (host_resume_load(o.out, &m, o.adapt.rounds, results, &e) < 0 ||
		       host_resume_floor(o.out, &floor, &e) < 0))
		cb_die_err(CB_EXIT_USAGE, "--resume", &e);
	if (cb_make_out_dir(o.out, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--out", &e);
	if (resume)
		host_resume_clean(o.out);
	/* A run folder describes itself, whichever subcommand made it. */
	if (env_write_meta(o.out, true, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "--out", &e);
	uint64_t seed = o.seed_given ? o.seed : host_rounds_fresh_seed();
	struct host_runfile rf;
	host_runfile_init(&rf, run_argc, run_argv, seed, o.adapt.rounds, resume);
	if (host_runfile_write(&rf, o.out, false, 0, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "--out", &e);
	host_sweep_signals();

	if (o.floor && !resume) {
		struct host_adapt fa = o.adapt;
		if (fa.max_time_ns > 1000000000ull)
			fa.max_time_ns = 1000000000ull; /* three metrics: keep it short */
		if (!getenv("COWBENCH_QUIET"))
			fprintf(stderr, "cowbench: host: measuring the copy floor\n");
		if (host_floor_measure(&floor, &fa, &e) < 0)
			cb_die_err(CB_EXIT_FAIL, "floor", &e);
	}
	struct host_out out;
	host_out_init(&out, o.out, &floor, !resume, seed);
	for (size_t c = 0; c < m.nconfigs; c++)
		if (results[c].n)
			host_out_add_block(&out, &results[c], 0);
	if (host_out_write(&out, results, m.nconfigs, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "--out", &e);
	char trace_note[256];
	host_kev_setup(trace_note, sizeof(trace_note));
	rf.trace_note = trace_note;
	int status = host_sweep_run(&(struct host_sweep_in){&o, &m, seed, helper, cpu, tcpus, ntcpus,
							    results, &out, region_room, &rf});
	host_kev_teardown();
	if (host_runfile_write(&rf, o.out, true, status, &e) < 0 && status == 0) {
		cb_warn("--out", "%s", e.msg);
		status = CB_EXIT_FAIL;
	}
	host_runfile_free(&rf);
	for (size_t c = 0; c < m.nconfigs; c++)
		host_result_free(&results[c]);
	free(results);
	host_out_free(&out);
	host_matrix_free(&m);
	host_opts_free(&o);
	if (resume)
		free(run_argv);
	free(dir);
	host_runfile_free(&old);
	free(helper);
	free(allowed);
	free(tcpus);
	return status;
}
