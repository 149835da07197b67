/* Writes a synthetic run folder that follows results/README.md exactly, so
 * report and compare can be tested without measuring anything.  Numbers
 * come from a simple cost model with log-normal noise from a fixed-seed
 * PRNG: the same seed gives the same files.
 *
 *   synth_run DIR [--seed N] [--no-host] [--no-vm] [--no-meta]
 *                 [--samples N] [--vm-samples N] [--noise SIGMA]
 *                 [--slow PRIM:METRIC:FACTOR] [--brand TEXT] [--kernel TEXT]
 *                 [--mmu MODE] [--tcg] [--not-converged]
 *                 [--rounds N] [--run-effect SIGMA] [--slow-state SHARE]
 *                 [--date UTC] [--commit TEXT] [--live]
 *
 * --live adds the configurations of issue 10 to the host part: fork at
 * 64M with the parent or the child writing 16 pages dense or sparse (each
 * write's latency in host-writes.csv, the copies on each round's first
 * sample), with one and two threads, and split into 1 to 256 mappings.
 * Host samples come in --rounds rounds (host.csv `round`; 0: no round
 * column, as runs before rounds existed), each with the machine-state
 * probe beside it (`probe_cpu_ns`, `probe_mem_ns`).  --run-effect draws one
 * speed factor for the whole run (log-normal, from the seed): the drift
 * between runs that the samples of one run cannot show.  --slow-state puts
 * that share of the rounds in a second machine state 1.6x slower, which the
 * probe sees too (the two-speed vCPUs of DESIGN.md).
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "cb.h"
#include "csv.h"
#include "norm.h"
#include "stats.h"

static uint64_t rng_state;

static double uniform(void)
{
	/* xorshift64*: plenty for noise, and identical on every machine */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static double normal(void)
{
	double u = uniform(), v = uniform();
	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

static struct {
	const char *dir;
	bool host, vm, meta;
	int samples, vm_samples;
	double noise;
	const char *slow_prim, *slow_metric;
	double slow_factor;
	const char *brand, *kernel, *mmu, *date, *commit;
	bool tcg, not_converged, live;
	int rounds;
	double run_effect, slow_state;
} o = {
	.host = true, .vm = true, .meta = true, .samples = 30, .vm_samples = 12, .noise = 0.02,
	.slow_factor = 1, .brand = "Synthetic(R) CPU Model 9 @ 3.00GHz", .kernel = "6.1.0-synth",
	.mmu = "pvm-shadow", .date = "2026-01-01T00:00:00Z", .commit = "synthetic", .rounds = 5,
};

/* The whole run's speed factor (--run-effect) and each round's machine
 * state (--slow-state): drawn once, before any sample. */
static double run_speed = 1;
static bool slow_round[64];

static double noisy(double v)
{
	return v * exp(o.noise * normal());
}

static double slow(const char *prim, const char *metric, double v)
{
	if (o.slow_prim && !strcmp(o.slow_prim, prim) && !strcmp(o.slow_metric, metric))
		return v * o.slow_factor;
	return v;
}

/* A time t taken at the reference speed, as the machine at `speed` (the
 * probes `speed` times slower) would show it: the machine obeys the
 * normalization's model (analysis/norm.h), so a normalized figure is the
 * same in every machine state, as it would be on a machine that fits it. */
static double at_speed(const char *metric, double t, double speed)
{
	double f = norm_value(metric, t, 1400, 1700) / norm_value(metric, t, 1400 * speed, 1700 * speed);
	return isfinite(f) ? t * f : t * speed;
}

static void write_meta(void)
{
	json_t *m = json_pack(
		"{s:{s:s,s:s,s:s}, s:s, s:s,"
		" s:{s:s,s:s,s:i,s:i,s:i,s:{s:b,s:b,s:b,s:b},s:s},"
		" s:{s:s,s:s,s:n}, s:{s:I,s:{s:s,s:s},s:{s:{s:i,s:i},s:{s:i,s:i}},s:i},"
		" s:{s:s,s:i,s:i}, s:{s:b,s:b,s:s,s:s,s:n,s:n,s:b},"
		" s:{s:s,s:s,s:s,s:s,s:s,s:s},"
		" s:{s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:s,s:s}}",
		"cowbench", "version", "0.1", "commit", o.commit, "compiler", "gcc",
		"date_utc", o.date, "hostname", "synth",
		"cpu", "vendor", "GenuineSynth", "brand", o.brand, "family", 6, "model", 85,
		"stepping", 7, "flags", "vmx", 0, "svm", 0, "pdpe1gb", 1, "hypervisor", 1,
		"hypervisor_signature", "KVMKVMKVM",
		"kernel", "release", o.kernel, "version", "#1 SMP", "mitigations",
		"memory", "total_bytes", (json_int_t)8 << 30, "thp", "enabled", "madvise", "defrag",
		"madvise", "hugepages", "2m", "total", 0, "free", 0, "1g", "total", 0, "free", 0,
		"ksm_run", 0,
		"power", "governor", "performance", "boost", 1, "smt_active", 0,
		"kvm", "dev_present", 1, "dev_usable", 1, "module", "kvm_pvm", "mmu", o.mmu, "tdp_mmu",
		"nested", "guest_timing_emulated", !strcmp(o.mmu, "pvm-shadow"),
		"perf", "cycles", "unsupported", "instructions", "unsupported", "cache-misses",
		"unsupported", "task-clock", "ok", "page-faults", "ok", "tracepoint:kvm", "unavailable",
		"fingerprint", "cpu_vendor", "GenuineSynth", "cpu_brand", o.brand, "cpu_family", 6,
		"cpu_model", 85, "cpu_stepping", 7, "logical_cpus", 2, "mem_total_gib", 8,
		"hypervisor", "KVMKVMKVM", "kvm_mmu", o.mmu);
	if (!m)
		cb_die(1, "synth", "json_pack failed");
	/* as libcpuid reports a part of family 0x19 (an AMD Zen 3: base
	 * family field 15), model 0x55 (base field 5): the composed numbers
	 * differ from the base fields in both */
	json_t *cpu = json_object_get(m, "cpu");
	json_object_set_new(cpu, "family", json_integer(15));
	json_object_set_new(cpu, "model", json_integer(5));
	json_object_set_new(cpu, "ext_family", json_integer(25));
	json_object_set_new(cpu, "ext_model", json_integer(85));
	json_object_set_new(json_object_get(m, "fingerprint"), "cpu_family", json_integer(25));
	char *path = cb_path_join(o.dir, "meta.json");
	cb_error e;
	char *text = json_dumps(m, JSON_INDENT(2));
	if (afile_write_all(path, text, strlen(text), &e) < 0)
		cb_die_err(1, "synth", &e);
	free(text);
	free(path);
	json_decref(m);
}

struct table {
	struct afile af;
	struct csv_writer w;
};

static void table_open(struct table *t, const char *name, const char *const *cols)
{
	cb_error e;
	char *path = cb_path_join(o.dir, name);
	if (afile_open(&t->af, path, &e) < 0)
		cb_die_err(1, "synth", &e);
	free(path);
	csv_writer_init(&t->w, t->af.fp);
	csv_header(&t->w, cols);
}

static void table_close(struct table *t)
{
	cb_error e;
	if (afile_commit(&t->af, &e) < 0)
		cb_die_err(1, "synth", &e);
}

/* --- host --- */

/* Without --live, host.csv as runs before the dimensions wrote it (the
 * analysis gives such rows the dimensions' defaults); with it, the
 * dimensions after the probes, and what a live child costs. */
static const char *const host_cols[] = {"primitive", "page_mode", "mem_bytes", "dirty_pages",
					"rep", "round", "create_ns", "child_start_ns", "total_ns",
					"cow_ns", "cow_faults", "minflt", "pte_bytes", "huge_fraction",
					"cpu", "probe_cpu_ns", "probe_mem_ns", NULL};
static const char *const host_live_cols[] = {"primitive", "page_mode", "mem_bytes", "dirty_pages",
					"rep", "round", "create_ns", "child_start_ns", "total_ns",
					"cow_ns", "cow_faults", "minflt", "pte_bytes", "huge_fraction",
					"cpu", "probe_cpu_ns", "probe_mem_ns", "writer", "pattern",
					"threads", "vmas", "copied_bytes", "tlb_shootdowns", NULL};
static const char *const sum_cols[] = {"primitive", "page_mode", "mem_bytes", "dirty_pages",
				       "metric", "n", "min", "median", "mean", "p90", "p99", "max",
				       "stddev", "ci_lo", "ci_hi", "ci_rel_width", "converged", "stop",
				       "huge_fraction", "pte_bytes", "floor_ns", "ratio_to_floor",
				       NULL};

static const struct prim {
	const char *name;
	double base_ns, per_4k_page_ns, per_2m_page_ns, cow_per_page_ns;
	bool execs;
} prims[] = {
	{"fork", 60000, 6, 800, 1800, false},
	{"vfork", 25000, 0, 0, 60, false},
	{"posix_spawn", 180000, 0, 0, 0, true},
};

static const struct mode {
	const char *name;
	bool huge;
} modes[] = {{"4k", false}, {"thp", true}};

static const double sizes[] = {0, 1 << 20, 64 << 20, 256 << 20, 1 << 30};
static const double dirties[] = {0, 16};

static void summary_row(struct csv_writer *w, const struct prim *p, const char *mode, double mem,
			double dirty, const char *metric, const double *x, int n, bool converged,
			double huge, double pte)
{
	struct stats_summary s;
	stats_summarize(x, (size_t)n, &s);
	if (!s.n)
		return;
	csv_str(w, p->name);
	csv_str(w, mode);
	csv_double(w, mem);
	csv_double(w, dirty);
	csv_str(w, metric);
	csv_u64(w, s.n);
	double v[] = {s.min, s.median, s.mean, s.p90, s.p99, s.max, s.stddev, s.ci_lo, s.ci_hi,
		      stats_ci_rel_width(&s)};
	for (size_t i = 0; i < CB_ARRAY_SIZE(v); i++)
		csv_double(w, v[i]);
	csv_bool(w, converged);
	csv_str(w, converged ? "ci" : "time");
	csv_double(w, huge);
	csv_double(w, pte);
	csv_double(w, NAN);
	csv_double(w, NAN);
	csv_end_row(w);
}

/* One live configuration's samples (and, with per-write latencies, its
 * host-writes.csv rows): a fork at `mem` of `mode`. */
struct live_cfg {
	const char *mode, *writer, *pattern;
	double mem, dirty, threads, vmas;
	double create_ns, write_ns, copied, shootdowns;
	double first_write_ns; /* hugetlb dense: the first write copies, the others do not */
};

static void live_rows(struct csv_writer *w, struct csv_writer *hw, const struct live_cfg *c)
{
	for (int r = 0; r < o.samples; r++) {
		int rnd = o.rounds ? r % o.rounds : 0;
		bool first = r < (o.rounds ? o.rounds : 1); /* each round's observed sample */
		double create = noisy(c->create_ns), cow = 0;
		double lat[64];
		for (int k = 0; k < (int)c->dirty; k++) {
			lat[k] = noisy(k == 0 && c->first_write_ns > 0 ? c->first_write_ns : c->write_ns);
			cow += lat[k];
		}
		csv_str(w, "fork");
		csv_str(w, c->mode);
		csv_double(w, c->mem);
		csv_double(w, c->dirty);
		csv_u64(w, (uint64_t)r);
		csv_i64(w, rnd + 1);
		csv_double(w, round(create));
		csv_double(w, round(create + 15000));
		csv_double(w, first && c->dirty ? NAN : round(create + 90000 + cow));
		csv_double(w, c->dirty ? round(cow) : NAN);
		csv_double(w, c->dirty);
		csv_double(w, 40 + c->dirty);
		csv_double(w, c->mem / 512);
		csv_double(w, strcmp(c->mode, "4k") ? 1 : 0);
		csv_i64(w, 1);
		csv_double(w, round(1400 * exp(0.005 * normal())));
		csv_double(w, round(1700 * exp(0.005 * normal())));
		csv_str(w, c->writer);
		csv_str(w, c->pattern);
		csv_double(w, c->threads);
		csv_double(w, c->vmas);
		csv_double(w, first && c->dirty ? c->copied : NAN);
		csv_double(w, c->shootdowns);
		csv_end_row(w);
		/* one sample's writes a row each: host-writes.csv allows a bucket
		 * to repeat, and its readers sum them */
		for (int k = 0; k < (int)c->dirty && hw; k++) {
			int b = (int)floor(log2(lat[k]) * 8);
			csv_str(hw, "fork");
			csv_str(hw, c->mode);
			csv_double(hw, c->mem);
			csv_double(hw, c->dirty);
			csv_str(hw, c->writer);
			csv_str(hw, c->pattern);
			csv_double(hw, c->threads);
			csv_double(hw, c->vmas);
			csv_i64(hw, rnd + 1);
			csv_double(hw, exp2(b / 8.0));
			csv_double(hw, exp2((b + 1) / 8.0));
			csv_u64(hw, 1);
			csv_end_row(hw);
		}
	}
}

static void write_live(struct csv_writer *w)
{
	static const char *const writes_cols[] = {"primitive", "page_mode", "mem_bytes", "dirty_pages",
						  "writer", "pattern", "threads", "vmas", "round",
						  "bucket_lo_ns", "bucket_hi_ns", "count", NULL};
	struct table hw;
	table_open(&hw, "host-writes.csv", writes_cols);
	const double mem = 64 << 20, dirty = 16;
	static const char *const wr[] = {"child", "parent"}, *const pat[] = {"dense", "sparse"};
	for (int m = 0; m < 3; m++) {
		const char *mode = (const char *[]){"4k", "thp", "hugetlb2m"}[m];
		double create = m ? 60000 + 32 * 800 : 60000 + 16384 * 6;
		for (int a = 0; a < 2; a++)
			for (int b = 0; b < 2; b++) {
				bool sparse = b == 1;
				struct live_cfg c = {mode, wr[a], pat[b], mem, dirty, 1, 1, create,
						     m == 0 ? 3000 : m == 1 ? (sparse ? 16000 : 3000) : 300000,
						     m == 2 ? (sparse ? dirty * (2 << 20) : 2 << 20) : dirty * 4096,
						     0, 0};
				if (m == 2 && !sparse) {
					c.first_write_ns = 300000;
					c.write_ns = 40;
				}
				live_rows(w, &hw.w, &c);
			}
	}
	static const double tsizes[] = {16 << 20, 64 << 20, 256 << 20};
	for (int z = 0; z < 3; z++)
		for (int t = 1; t <= 2; t++) {
			double base = 60000 + tsizes[z] / 4096 * 6;
			struct live_cfg c = {"4k", "child", "dense", tsizes[z], 0, t, 1,
					     t == 1 ? base : base * 1.25, 0, NAN, t == 1 ? 0 : 3, 0};
			live_rows(w, NULL, &c);
		}
	/* the parent writing beside a reader on the other CPU: every COW
	 * fault a shootdown, each write 8x slower than alone */
	{
		struct live_cfg c = {"4k", "parent", "dense", mem, dirty, 2, 1,
				     60000 + 16384 * 6, 24000, dirty * 4096, dirty + 10, 0};
		live_rows(w, &hw.w, &c);
	}
	static const double vm[] = {16, 256};
	for (int v = 0; v < 2; v++) {
		struct live_cfg c = {"4k", "child", "dense", 64 << 20, 0, 1, vm[v],
				     60000 + 16384 * 6 + 1500 * vm[v], 0, NAN, 0, 0};
		live_rows(w, NULL, &c);
	}
	table_close(&hw);
}

static void write_host(void)
{
	struct table h, s;
	table_open(&h, "host.csv", o.live ? host_live_cols : host_cols);
	table_open(&s, "host-summary.csv", sum_cols);
	int n = o.samples;
	double *create = calloc((size_t)n, sizeof(double)), *child = calloc((size_t)n, sizeof(double));
	double *total = calloc((size_t)n, sizeof(double)), *cow = calloc((size_t)n, sizeof(double));
	bool first_config = true;
	for (size_t m = 0; m < CB_ARRAY_SIZE(modes); m++)
		for (size_t z = 0; z < CB_ARRAY_SIZE(sizes); z++) {
			double mem = sizes[z];
			if (mem == 0 && m != 0)
				continue; /* size 0 is one point, under the first mode */
			double pages4k = mem / 4096, pages2m = mem / (2 << 20);
			double pte = modes[m].huge ? pages2m * 8 : pages4k * 8;
			for (size_t pi = 0; pi < CB_ARRAY_SIZE(prims); pi++) {
				const struct prim *p = &prims[pi];
				for (size_t d = 0; d < CB_ARRAY_SIZE(dirties); d++) {
					double dirty = fmin(dirties[d], pages4k);
					if ((p->execs && dirty) || (d && dirty == 0))
						continue;
					double work = p->base_ns + (modes[m].huge ? pages2m * p->per_2m_page_ns
										  : pages4k * p->per_4k_page_ns);
					for (int r = 0; r < n; r++) {
						int rnd = o.rounds ? r % o.rounds : 0;
						/* the machine's speed at this sample: the probe reads
						 * it, and each time follows it as norm.h models */
						double speed = run_speed * (slow_round[rnd % 64] ? 1.6 : 1);
						create[r] = slow(p->name, "create_ns", at_speed("create_ns", noisy(work), speed));
						child[r] = slow(p->name, "child_start_ns",
								at_speed("child_start_ns", noisy(work + 15000), speed));
						cow[r] = dirty ? slow(p->name, "cow_ns",
								      at_speed("cow_ns", noisy(dirty * p->cow_per_page_ns), speed)) : NAN;
						total[r] = slow(p->name, "total_ns",
								at_speed("total_ns", noisy(work + 90000 + (dirty ? dirty * p->cow_per_page_ns : 0)), speed));
						struct csv_writer *w = &h.w;
						csv_str(w, p->name);
						csv_str(w, modes[m].name);
						csv_double(w, mem);
						csv_double(w, dirty);
						csv_u64(w, (uint64_t)r);
						if (o.rounds)
							csv_i64(w, rnd + 1);
						else
							csv_str(w, "");
						csv_double(w, round(create[r]));
						csv_double(w, round(child[r]));
						csv_double(w, round(total[r]));
						csv_double(w, dirty ? round(cow[r]) : NAN);
						csv_double(w, dirty ? (strcmp(p->name, "fork") ? 0 : dirty) : NAN);
						csv_double(w, 40 + dirty);
						csv_double(w, pte);
						csv_double(w, modes[m].huge && mem ? 1 : 0);
						csv_i64(w, 1);
						csv_double(w, round(1400 * speed * exp(0.005 * normal())));
						csv_double(w, round(1700 * speed * exp(0.005 * normal())));
						if (o.live) {
							static const char *const dims[] = {"child", "dense", "1", "1", "", ""};
							for (size_t k = 0; k < CB_ARRAY_SIZE(dims); k++)
								csv_str(w, dims[k]);
						}
						csv_end_row(w);
					}
					/* One configuration stopped by the time cap, when asked. */
					bool conv = !(o.not_converged && first_config);
					first_config = false;
					double huge = modes[m].huge && mem ? 1 : 0;
					summary_row(&s.w, p, modes[m].name, mem, dirty, "create_ns", create, n, conv, huge, pte);
					summary_row(&s.w, p, modes[m].name, mem, dirty, "child_start_ns", child, n, conv, huge, pte);
					summary_row(&s.w, p, modes[m].name, mem, dirty, "total_ns", total, n, conv, huge, pte);
					if (dirty)
						summary_row(&s.w, p, modes[m].name, mem, dirty, "cow_ns", cow, n, conv, huge, pte);
				}
			}
		}
	if (o.live)
		write_live(&h.w);
	table_close(&h);
	table_close(&s);
	free(create);
	free(child);
	free(total);
	free(cow);

	static const char *const floor_cols[] = {"metric", "n", "min", "median", "mean", "p90",
						 "p99", "max", "stddev", "ci_lo", "ci_hi", NULL};
	struct table f;
	table_open(&f, "host-floor.csv", floor_cols);
	static const struct {
		const char *metric;
		double v;
	} floors[] = {{"memcpy_bytes_per_s", 9.5e9}, {"copy_4k_ns", 420}, {"copy_2m_ns", 210000}};
	for (size_t i = 0; i < CB_ARRAY_SIZE(floors); i++) {
		double x[31];
		for (int k = 0; k < 31; k++)
			x[k] = noisy(floors[i].v);
		struct stats_summary st;
		stats_summarize(x, 31, &st);
		csv_str(&f.w, floors[i].metric);
		csv_u64(&f.w, st.n);
		double v[] = {st.min, st.median, st.mean, st.p90, st.p99, st.max, st.stddev, st.ci_lo,
			      st.ci_hi};
		for (size_t k = 0; k < CB_ARRAY_SIZE(v); k++)
			csv_double(&f.w, v[k]);
		csv_end_row(&f.w);
	}
	table_close(&f);
}

/* --- vm --- */

static const char *const vm_cols[] = {
	"where", "mmu", "timing_valid", "primitive", "guest_page", "cow_policy", "backing",
	"prefault", "region_bytes", "dirty_pages", "rep", "sample", "phase", "cycles", "ns",
	"tsc_khz", "cow_copies", "cow_copies_2m", "cow_reuses", "cow_splits", "zero_fills",
	"other_cow_copies", "other_cow_reuses", "other_zero_fills", "pt_pages_copied",
	"ptes_copied", "fresh_frames", "guest_faults", "syscalls", "exits", "pf_taken",
	"pf_fixed", "pf_emulate", "pf_guest", "pf_spurious", "tlb_flush", "invlpg", "io_exits",
	"insn_emulation", "mmu_shadow_zapped", "mmu_pte_write", "mmu_cache_miss", "hc_exits",
	"vmm_exits", "boot", NULL,
};

struct phase_counts {
	double cycles, copies, fresh, exits, pf_taken, pf_guest, invlpg, io, insn, tlb, halt;
};

/* Counts as each MMU mode's theory has them, so the theory checks of a
 * synthetic run come out consistent. */
static struct phase_counts model(const char *mmu, const char *backing, bool prefault,
				 const char *prim, const char *phase, double dirty)
{
	struct phase_counts c = {.io = 2, .exits = 2, .cycles = 4000};
	bool shadow = strstr(mmu, "shadow") != NULL;
	bool emulated = !strcmp(mmu, "pvm-shadow");
	if (!strcmp(phase, "null"))
		return c;
	if (!strcmp(phase, "populate")) {
		c.fresh = 512;
		c.pf_taken = shadow ? 1024 : prefault ? 0 : !strcmp(backing, "anon4k") ? 512 : 1;
		c.exits += c.pf_taken;
		c.cycles = 9e6;
		return c;
	}
	if (!strcmp(phase, "create")) {
		c.cycles = emulated ? 4e7 : 2e5;
		c.pf_taken = shadow ? 30 : 0;
		c.tlb = shadow ? 2 : 0;
		c.insn = emulated ? 20000 : 0;
		c.exits += c.pf_taken + (emulated ? 300 : 0);
		return c;
	}
	if (!strcmp(phase, "dirty") && !strcmp(prim, "fork")) {
		c.copies = dirty;
		c.fresh = dirty;
		c.cycles = dirty * (emulated ? 1.1e6 : 4000);
		if (shadow) {
			c.pf_taken = 2 * dirty + 1;
			c.pf_guest = dirty;
			c.invlpg = dirty;
		} else {
			c.pf_taken = prefault ? 0 : !strcmp(backing, "anon4k") ? dirty : 1;
		}
		c.exits += c.pf_taken + c.invlpg;
		return c;
	}
	if (!strcmp(phase, "reap")) {
		c.halt = 1;
		c.exits += 1;
	}
	c.cycles = 50000;
	return c;
}

static void vm_row(struct csv_writer *w, const char *where, const char *mmu, const char *prim,
		   const char *backing, bool prefault, double dirty, int rep, int sample,
		   const char *phase, struct csv_writer *sw, int boot)
{
	struct phase_counts c = model(mmu, backing, prefault, prim, phase, dirty);
	bool valid = strcmp(mmu, "pvm-shadow") && strcmp(where, "nested-tcg");
	double cycles = noisy(c.cycles);
	/* exit counts jitter by an exit or two, as real ones do */
	double jitter = uniform() < 0.15 ? 1 : 0;
	csv_str(w, where);
	csv_str(w, mmu);
	csv_bool(w, valid);
	csv_str(w, prim);
	csv_str(w, "4k");
	csv_str(w, "");
	csv_str(w, backing);
	csv_str(w, prefault ? "yes" : "no");
	csv_double(w, 2 << 20);
	csv_double(w, dirty);
	csv_i64(w, rep);
	csv_i64(w, sample);
	csv_str(w, phase);
	csv_double(w, round(cycles));
	csv_double(w, round(cycles / 2.0)); /* 2 GHz TSC */
	csv_double(w, 2000000);
	csv_double(w, c.copies);
	csv_double(w, 0);
	for (int i = 0; i < 8; i++) /* cow_reuses .. ptes_copied */
		csv_double(w, 0);
	csv_double(w, c.fresh);
	csv_double(w, c.copies + c.pf_guest);
	csv_double(w, !strcmp(phase, "null") ? 0 : 1);
	csv_double(w, slow(prim, "exits", c.exits) + jitter);
	csv_double(w, c.pf_taken);
	csv_double(w, c.pf_taken - c.pf_guest);
	csv_double(w, 0);
	csv_double(w, c.pf_guest);
	csv_double(w, 0);
	csv_double(w, c.tlb);
	csv_double(w, c.invlpg);
	csv_double(w, c.io);
	csv_double(w, c.insn);
	csv_double(w, 0);
	csv_double(w, c.invlpg);
	csv_double(w, 0);
	csv_double(w, c.io);
	csv_double(w, c.io);
	csv_i64(w, boot);
	csv_end_row(w);
	/* vm-stats: every statistic that changed */
	static const char *const names[] = {"exits", "pf_taken", "pf_guest", "invlpg", "io_exits",
					    "halt_exits"};
	double v[] = {slow(prim, "exits", c.exits) + jitter, c.pf_taken, c.pf_guest, c.invlpg, c.io, c.halt};
	for (size_t i = 0; i < CB_ARRAY_SIZE(names); i++) {
		if (!v[i])
			continue;
		csv_i64(sw, sample);
		csv_str(sw, phase);
		csv_str(sw, "vcpu");
		csv_str(sw, names[i]);
		csv_double(sw, v[i]);
		csv_end_row(sw);
	}
	csv_i64(sw, sample);
	csv_str(sw, phase);
	csv_str(sw, "vmm");
	csv_str(sw, "exit_io");
	csv_double(sw, c.io);
	csv_end_row(sw);
}

static void write_vm(void)
{
	struct table t, st;
	static const char *const stat_cols[] = {"sample", "phase", "source", "stat", "delta", NULL};
	table_open(&t, "vm.csv", vm_cols);
	table_open(&st, "vm-stats.csv", stat_cols);
	static const struct {
		const char *backing;
		bool prefault;
	} boots[] = {{"anon4k", true}, {"anon4k", false}, {"thp", false}};
	static const char *const phases[] = {"create", "dirty", "reap", "reuse"};
	static const char *const vprims[] = {"fork", "vfork"};
	const char *where = "host";
	int sample = 0, boot = 0;
	for (int pass = 0; pass < (o.tcg ? 2 : 1); pass++) {
		/* a second pass: the same guest under nested TCG with NPT */
		const char *mmu = pass ? "npt" : o.mmu;
		where = pass ? "nested-tcg" : "host";
		for (size_t b = 0; b < CB_ARRAY_SIZE(boots); b++, boot++) {
			double dirty = 16;
			vm_row(&t.w, where, mmu, "none", boots[b].backing, boots[b].prefault, dirty, 0,
			       sample++, "populate", &st.w, boot);
			for (int r = 0; r < o.vm_samples; r++)
				vm_row(&t.w, where, mmu, "none", boots[b].backing, boots[b].prefault, dirty,
				       r, sample++, "null", &st.w, boot);
			for (size_t p = 0; p < CB_ARRAY_SIZE(vprims); p++)
				for (int r = 0; r < o.vm_samples; r++, sample++)
					for (size_t ph = 0; ph < CB_ARRAY_SIZE(phases); ph++) {
						if (!strcmp(phases[ph], "reuse") && strcmp(vprims[p], "fork"))
							continue;
						vm_row(&t.w, where, mmu, vprims[p], boots[b].backing,
						       boots[b].prefault, dirty, r, sample, phases[ph], &st.w, boot);
					}
		}
	}
	table_close(&t);
	table_close(&st);
	/* the boots, and one that could not run here */
	static const char *const boot_cols[] = {"boot", "where", "mmu", "backing", "prefault",
						"status", "reason", NULL};
	struct table bt;
	table_open(&bt, "vm-boots.csv", boot_cols);
	for (int i = 0; i <= boot; i++) {
		bool last = i == boot;
		csv_i64(&bt.w, i);
		csv_str(&bt.w, "host");
		csv_str(&bt.w, o.mmu);
		csv_str(&bt.w, last ? "hugetlb1g" : "anon4k");
		csv_str(&bt.w, "no");
		csv_str(&bt.w, last ? "skipped" : "ok");
		csv_str(&bt.w, last ? "no 1 GiB huge pages: the pool cannot be grown, here" : "");
		csv_end_row(&bt.w);
	}
	table_close(&bt);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"seed", required_argument, NULL, 's'},
		{"no-host", no_argument, NULL, 'H'},
		{"no-vm", no_argument, NULL, 'V'},
		{"no-meta", no_argument, NULL, 'M'},
		{"samples", required_argument, NULL, 'n'},
		{"vm-samples", required_argument, NULL, 'v'},
		{"noise", required_argument, NULL, 'z'},
		{"slow", required_argument, NULL, 'S'},
		{"brand", required_argument, NULL, 'b'},
		{"kernel", required_argument, NULL, 'k'},
		{"mmu", required_argument, NULL, 'm'},
		{"tcg", no_argument, NULL, 'T'},
		{"not-converged", no_argument, NULL, 'C'},
		{"rounds", required_argument, NULL, 'R'},
		{"run-effect", required_argument, NULL, 'E'},
		{"slow-state", required_argument, NULL, 'W'},
		{"date", required_argument, NULL, 'D'},
		{"commit", required_argument, NULL, 'c'},
		{"live", no_argument, NULL, 'L'},
		{0},
	};
	uint64_t seed = 1;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'H': o.host = false; break;
		case 'V': o.vm = false; break;
		case 'M': o.meta = false; break;
		case 'n': o.samples = atoi(optarg); break;
		case 'v': o.vm_samples = atoi(optarg); break;
		case 'z': o.noise = atof(optarg); break;
		case 'S': {
			char *s = cb_xstrdup(optarg), *a = strchr(s, ':'), *b = a ? strchr(a + 1, ':') : NULL;
			if (!a || !b)
				cb_die(2, "--slow", "PRIM:METRIC:FACTOR");
			*a = *b = '\0';
			o.slow_prim = s;
			o.slow_metric = a + 1;
			o.slow_factor = atof(b + 1);
			break;
		}
		case 'b': o.brand = optarg; break;
		case 'k': o.kernel = optarg; break;
		case 'm': o.mmu = optarg; break;
		case 'T': o.tcg = true; break;
		case 'C': o.not_converged = true; break;
		case 'R': o.rounds = atoi(optarg); break;
		case 'E': o.run_effect = atof(optarg); break;
		case 'W': o.slow_state = atof(optarg); break;
		case 'D': o.date = optarg; break;
		case 'c': o.commit = optarg; break;
		case 'L': o.live = true; break;
		default: return 2;
		}
	}
	if (optind + 1 != argc)
		cb_die(2, "synth", "usage: synth_run DIR [options]");
	o.dir = argv[optind];
	rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
	run_speed = exp(o.run_effect * normal());
	for (int i = 0; i < 64; i++)
		slow_round[i] = uniform() < o.slow_state;
	cb_error e;
	if (cb_make_out_dir(o.dir, &e) < 0)
		cb_die_err(2, "synth", &e);
	if (o.meta)
		write_meta();
	if (o.host)
		write_host();
	if (o.vm)
		write_vm();
	return 0;
}
