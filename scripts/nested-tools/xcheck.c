/* cowbench-xcheck: what scripts/qemu-crosscheck computes, so the script
 * keeps only the QEMU and QMP control.
 *
 *   cowbench-xcheck plan [cowbench vm options]
 *       Checks the options as `cowbench vm` does (exit 2 and one line on
 *       bad input), requires them to name one configuration and --ram, and
 *       prints three lines: "dirty <guest command line>", "base <the same
 *       with dirty=0>", "ram_mib <guest RAM in MiB>".
 *   cowbench-xcheck write --runs DIR --out DIR --qemu-cpu CPU [--no-cowbench]
 *                         -- [cowbench vm options]
 *       Reads the runs in DIR (qemu-dirty, qemu-base, and unless
 *       --no-cowbench cowbench-dirty, cowbench-base: see xcheck.h) and
 *       writes qemu-crosscheck.csv and qemu-crosscheck-stats.csv into --out
 *       (results/README.md), each atomically.
 *   cowbench-xcheck columns
 *       Prints qemu-crosscheck.csv's header (tests hold results/README.md
 *       to it).
 *
 * The columns come from the lists they describe: the sweep dimensions
 * (vmm/vm_dims.h), the guest counters (common/cb_counters.h) and the KVM
 * statistics (common/cb_kvm_stats.h).  Exit status: 0 ok, 1 a run failed
 * or a file is malformed, 2 bad input. */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "cb_counters.h"
#include "cb_kvm_stats.h"
#include "kvminfo.h"
#include "vm_cmdline.h"
#include "vm_opts.h"
#include "xcheck.h"

static const char me[] = "qemu-crosscheck";

/* The one configuration the options name. */
struct plan {
	struct vm_opts o;
	struct vm_sweep w;
	struct vm_config cfg;
	char prims[64];
};

static void plan_parse(int argc, char **argv, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	vm_opts_parse(argc, argv, &p->o);
	vm_sweep_parse(&p->o, &p->w);
	struct vm_config *cfgs;
	size_t n = vm_sweep_configs(&p->w, &cfgs);
	if (n != 1)
		cb_die(CB_EXIT_USAGE, me, "the options name %zu configurations; the cross-check "
		       "runs one", n);
	p->cfg = cfgs[0];
	free(cfgs);
	if (p->cfg.skip[0])
		cb_die(CB_EXIT_USAGE, me, "%s", p->cfg.skip);
	if (!p->w.ram)
		cb_die(CB_EXIT_USAGE, me, "--ram is required (QEMU and cowbench vm get the same)");
	vm_prim_list(p->w.prims, p->w.nprims, p->prims, sizeof(p->prims));
}

static void print_cmdline(const struct plan *p, const char *run, uint64_t dirty)
{
	struct vm_config c = p->cfg;
	c.dirty_pages = dirty;
	char buf[CB_BOOT_CMDLINE_MAX + 1];
	cb_error e;
	/* tdp false: QEMU's RAM is lazy (prefault no), nothing to warm. */
	if (vm_cmdline_build(&c, p->w.prims, p->w.nprims, p->w.reps, false, p->o.guest_args, buf,
			     sizeof(buf), &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--guest-args", &e);
	printf("%s %s\n", run, buf);
}

/* --- the CSV --- */

struct row_in {
	const char *source, *run, *scope;
	const struct meas *m, *base; /* base: the dirty=0 run, for run=diff */
};

struct out {
	const struct plan *p;
	const char *kernel, *mmu, *qemu_cpu;
};

/* Columns after the configuration: the counters, then every KVM statistic. */
static const char *const tail_cols[] = {
#define COUNTER(name, required) #name,
	CB_COUNTERS(COUNTER)
#undef COUNTER
#define KVM(name, in_vm_csv, required) #name,
	CB_KVM_STATS(KVM)
#undef KVM
	"transport_exits", "exits_net",
};

static void header(struct csv_writer *w)
{
	static const char *const lead[] = {"source", "run", "scope", "kernel", "mmu", "qemu_cpu",
					   "primitives", "region_bytes", "dirty_pages", "reps"};
	static const char *const mid[] = {"ram_bytes", "guest_status", "phase_records",
					  "startup_ns", "wall_ns"};
	for (size_t i = 0; i < CB_ARRAY_SIZE(lead); i++)
		csv_str(w, lead[i]);
	for (int d = 0; d < VM_DIM_COUNT; d++)
		csv_str(w, vm_dim_columns[d]);
	for (size_t i = 0; i < CB_ARRAY_SIZE(mid); i++)
		csv_str(w, mid[i]);
	for (size_t i = 0; i < CB_ARRAY_SIZE(tail_cols); i++)
		csv_str(w, tail_cols[i]);
	csv_end_row(w);
}

/* A measured column: the value, or for diff rows its change from base;
 * empty when either side lacks it. */
static void value(struct csv_writer *w, const struct row_in *r, const char *col)
{
	int64_t v, b;
	if (!meas_get(r->m, col, &v) || (r->base && !meas_get(r->base, col, &b)))
		csv_str(w, "");
	else
		csv_i64(w, r->base ? v - b : v);
}

static void row(struct csv_writer *w, const struct out *o, const struct row_in *r)
{
	const struct plan *p = o->p;
	bool diff = r->base != NULL, qemu = !strcmp(r->source, "qemu");
	csv_str(w, r->source);
	csv_str(w, r->run);
	csv_str(w, r->scope);
	csv_str(w, o->kernel);
	csv_str(w, r->m->mmu[0] ? r->m->mmu : o->mmu);
	csv_str(w, qemu ? o->qemu_cpu : "");
	csv_str(w, p->prims);
	csv_u64(w, p->cfg.region_bytes);
	csv_u64(w, strcmp(r->run, "base") ? p->cfg.dirty_pages : 0);
	csv_u64(w, p->w.reps);
	for (int d = 0; d < VM_DIM_COUNT; d++)
		csv_str(w, vm_dim_value(&p->cfg, (enum vm_dim)d));
	csv_u64(w, p->w.ram);
	static const char *const once[] = {"guest_status", "phase_records", "startup_ns", "wall_ns"};
	for (size_t i = 0; i < CB_ARRAY_SIZE(once); i++) {
		/* Statuses and times do not subtract; record counts do. */
		if (diff && i != 1)
			csv_str(w, "");
		else
			value(w, r, once[i]);
	}
	for (size_t i = 0; i < CB_ARRAY_SIZE(tail_cols); i++)
		value(w, r, tail_cols[i]);
	csv_end_row(w);
}

static double ms(const struct meas *m, const char *col)
{
	int64_t v = 0;
	meas_get(m, col, &v);
	return (double)v / 1e6;
}

static int64_t get(const struct meas *m, const char *col)
{
	int64_t v = 0;
	meas_get(m, col, &v);
	return v;
}

static int cmd_write(int argc, char **argv)
{
	const char *runs = NULL, *outdir = NULL, *qemu_cpu = "";
	bool with_cowbench = true;
	int i = 1;
	for (; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--no-cowbench"))
			with_cowbench = false;
		else if (i + 1 < argc && !strcmp(argv[i], "--runs"))
			runs = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--out"))
			outdir = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--qemu-cpu"))
			qemu_cpu = argv[++i];
		else
			cb_die(CB_EXIT_USAGE, me, "write: unexpected argument '%s'", argv[i]);
	}
	if (!runs || !outdir || i == argc)
		cb_die(CB_EXIT_USAGE, me, "usage: cowbench-xcheck write --runs DIR --out DIR "
		       "--qemu-cpu CPU [--no-cowbench] -- [cowbench vm options]");
	struct plan p;
	plan_parse(argc - i, argv + i, &p);
	struct kvm_info ki;
	kvm_info_probe("", &ki);
	char kbuf[4096];
	snprintf(kbuf, sizeof(kbuf), "%s", p.o.kernel ? p.o.kernel : "");
	struct out o = {&p, basename(kbuf), kvm_mmu_name(ki.mmu), qemu_cpu};

	cb_error e;
	char *csv_path = cb_path_join(outdir, "qemu-crosscheck.csv");
	char *stats_path = cb_path_join(outdir, "qemu-crosscheck-stats.csv");
	struct afile fs, fc;
	if (afile_open(&fs, stats_path, &e) < 0 || afile_open(&fc, csv_path, &e) < 0)
		cb_die(1, me, "%s", e.msg);
	struct csv_writer ws, wc;
	csv_writer_init(&ws, fs.fp);
	static const char *const stats_cols[] = {"source", "run", "target", "stat", "value", NULL};
	csv_header(&ws, stats_cols);

	/* [0] dirty, [1] base; the cowbench ones per scope: phases, dirty. */
	struct meas q[2] = {{0}}, c[2][2] = {{{0}}};
	static const char *const run_names[2] = {"dirty", "base"};
	for (int k = 0; k < 2; k++) {
		char sub[32];
		snprintf(sub, sizeof(sub), "qemu-%s", run_names[k]);
		char *d = cb_path_join(runs, sub);
		xcheck_read_qemu(d, run_names[k], &q[k], &ws);
		fprintf(stderr, "cowbench: %s: qemu %s: %lld phase records, exits=%lld, startup %.1f ms\n",
			me, run_names[k], (long long)get(&q[k], "phase_records"),
			(long long)get(&q[k], "exits"), ms(&q[k], "startup_ns"));
		free(d);
	}
	for (int k = 0; with_cowbench && k < 2; k++) {
		char sub[32];
		snprintf(sub, sizeof(sub), "cowbench-%s", run_names[k]);
		char *d = cb_path_join(runs, sub);
		xcheck_read_cowbench(d, run_names[k], NULL, &q[0], &c[k][0], &ws);
		xcheck_read_cowbench(d, run_names[k], "dirty", &q[0], &c[k][1], NULL);
		fprintf(stderr, "cowbench: %s: cowbench %s: %lld phase records, startup %.1f ms\n", me,
			run_names[k], (long long)get(&c[k][0], "phase_records"),
			ms(&c[k][0], "startup_ns"));
		free(d);
	}

	csv_writer_init(&wc, fc.fp);
	header(&wc);
	row(&wc, &o, &(struct row_in){"qemu", "dirty", "run", &q[0], NULL});
	row(&wc, &o, &(struct row_in){"qemu", "base", "run", &q[1], NULL});
	row(&wc, &o, &(struct row_in){"qemu", "diff", "run", &q[0], &q[1]});
	static const char *const scopes[2] = {"phases", "dirty"};
	for (int s = 0; with_cowbench && s < 2; s++) {
		row(&wc, &o, &(struct row_in){"cowbench", "dirty", scopes[s], &c[0][s], NULL});
		row(&wc, &o, &(struct row_in){"cowbench", "base", scopes[s], &c[1][s], NULL});
		row(&wc, &o, &(struct row_in){"cowbench", "diff", scopes[s], &c[0][s], &c[1][s]});
	}
	if (afile_commit(&fs, &e) < 0 || afile_commit(&fc, &e) < 0)
		cb_die(1, me, "%s", e.msg);
	char cb_net[32] = "";
	if (with_cowbench)
		snprintf(cb_net, sizeof(cb_net), "%lld",
			 (long long)(get(&c[0][0], "exits_net") - get(&c[1][0], "exits_net")));
	fprintf(stderr, "cowbench: %s: dirty - base: exits_net %lld under QEMU, %s under cowbench vm; "
		"wrote %s\n", me, (long long)(get(&q[0], "exits_net") - get(&q[1], "exits_net")),
		cb_net, csv_path);
	for (int k = 0; k < 2; k++) {
		meas_free(&q[k]);
		meas_free(&c[k][0]);
		meas_free(&c[k][1]);
	}
	free(csv_path);
	free(stats_path);
	vm_sweep_free(&p.w);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "plan")) {
		struct plan p;
		plan_parse(argc - 1, argv + 1, &p);
		print_cmdline(&p, "dirty", p.cfg.dirty_pages);
		print_cmdline(&p, "base", 0);
		printf("ram_mib %llu\n", (unsigned long long)(p.w.ram >> 20));
		vm_sweep_free(&p.w);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "write"))
		return cmd_write(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "columns")) {
		struct csv_writer w;
		csv_writer_init(&w, stdout);
		header(&w);
		return 0;
	}
	cb_die(CB_EXIT_USAGE, me, "usage: cowbench-xcheck plan|write|columns ... (see "
	       "scripts/nested-tools/xcheck.c)");
}
