/* cowbench host: check everything that can be checked before measuring
 * (options, memory, the exec helper, --out, CPUs), so bad input costs
 * nothing and leaves nothing behind; then floor, then the sweep. */
#include <stdio.h>
#include <stdlib.h>

#include "afile.h"
#include "env.h"
#include "host_floor.h"
#include "host_matrix.h"
#include "host_opts.h"
#include "host_page.h"
#include "host_prim.h"
#include "host_sweep.h"
#include "host_sys.h"
#include "workloads.h"

/* The most memory one point holds at once: its region, what fork
 * children copy (whole huge pages under hugetlb), and 4 KiB page tables. */
static uint64_t point_need(const struct host_point *pt)
{
	unsigned long pool_kib = mem_kinds[pt->mode].pool_kib;
	if (pool_kib)
		return host_page_pool_pages(pt->mode, pt->bytes, pt->cow_dirty_max) * pool_kib * 1024;
	return pt->bytes + pt->cow_dirty_max * 4096 + pt->bytes / 512;
}

static void check_memory(const struct host_matrix *m)
{
	uint64_t margin, avail = host_sys_mem_available(&margin);
	if (avail == 0)
		return; /* no /proc/meminfo: nothing to check against */
	uint64_t room = avail > margin ? avail - margin : 0;
	for (size_t i = 0; i < m->npoints; i++) {
		const struct host_point *pt = &m->points[i];
		uint64_t need = point_need(pt);
		if (pt->skip[0] || need <= room)
			continue;
		char sz[32], nd[32], rm[32], av[32], mg[32];
		cb_die(CB_EXIT_USAGE, "--sizes",
		       "%s in %s needs about %s with its children's copies, but only %s is "
		       "available (MemAvailable %s minus a %s margin)",
		       format_size(pt->bytes, sz, sizeof(sz)), host_page_names[pt->mode],
		       format_size((need + (1 << 20) - 1) >> 20 << 20, nd, sizeof(nd)),
		       format_size(room >> 20 << 20, rm, sizeof(rm)),
		       format_size(avail >> 20 << 20, av, sizeof(av)),
		       format_size(margin >> 20 << 20, mg, sizeof(mg)));
	}
}

static bool needs_helper(const struct host_opts *o)
{
	for (size_t i = 0; i < o->nprims; i++)
		if (host_prims[o->prims[i]].execs)
			return true;
	return false;
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
	struct host_matrix m;
	host_matrix_build(&(struct host_matrix_in){o.prims, o.nprims, o.sizes, o.nsizes, o.pages,
						    o.npages, o.dirty, o.ndirty},
			  &m);
	if (m.nconfigs == 0)
		cb_die(CB_EXIT_USAGE, "--sizes", "nothing to measure: %s",
		       m.npoints ? m.points[0].skip : "no size given");
	check_memory(&m);
	char *helper = NULL;
	if (needs_helper(&o) && !(helper = host_sys_find_helper(&e)))
		cb_die_err(CB_EXIT_USAGE, "exec helper", &e);
	int cpu = host_sys_pin(o.cpus, o.ncpus, o.unpinned, &e);
	if (cpu == -3)
		cb_die_err(CB_EXIT_USAGE, "--cpus", &e);
	if (cb_make_out_dir(o.out, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--out", &e);
	/* A run folder describes itself, whichever subcommand made it. */
	if (env_write_meta(o.out, true, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "--out", &e);
	host_sweep_signals();

	struct host_floor floor = {0};
	if (o.floor) {
		struct host_adapt fa = o.adapt;
		if (fa.max_time_ns > 1000000000ull)
			fa.max_time_ns = 1000000000ull; /* three metrics: keep it short */
		if (!getenv("COWBENCH_QUIET"))
			fprintf(stderr, "cowbench: host: measuring the copy floor\n");
		if (host_floor_measure(&floor, &fa, &e) < 0)
			cb_die_err(CB_EXIT_FAIL, "floor", &e);
	}
	struct host_out out;
	host_out_init(&out, o.out, &floor);
	if (host_out_write(&out, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "--out", &e);
	int status = host_sweep_run(&o, &m, helper, cpu, &out);
	host_out_free(&out);
	host_matrix_free(&m);
	host_opts_free(&o);
	free(helper);
	return status;
}
