#include "env.h"

#include <cpuid.h>
#include <math.h>
#include <getopt.h>
#include <libcpuid.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "cb.h"
#include "kvminfo.h"
#include "perfev.h"
#include "probe.h"
#include "version.h"

const char *const env_fingerprint_keys[] = {
	"cpu_vendor", "cpu_brand", "cpu_family", "cpu_model", "cpu_stepping",
	"logical_cpus", "mem_total_gib", "hypervisor", "kvm_mmu", NULL,
};

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Takes ownership of s. */
static json_t *text_or_null(char *s)
{
	json_t *j = str_or_null(s);
	free(s);
	return j;
}

/* "always [madvise] never" -> "madvise" */
static json_t *bracketed(const char *path)
{
	char *s = cb_read_text(path);
	if (!s)
		return json_null();
	char *l = strchr(s, '['), *r = l ? strchr(l, ']') : NULL;
	json_t *j;
	if (l && r) {
		*r = '\0';
		j = json_string(l + 1);
	} else {
		j = json_string(s);
	}
	free(s);
	return j;
}

static json_t *sysfs_int(const char *path)
{
	char *s = cb_read_text(path);
	if (!s)
		return json_null();
	json_t *j = json_integer(strtoll(s, NULL, 10));
	free(s);
	return j;
}

static json_t *collect_cpu(json_t *fp)
{
	json_t *cpu = json_object();
	struct cpu_raw_data_t raw;
	struct cpu_id_t id;
	if (cpuid_get_raw_data(&raw) != 0 || cpu_identify(&raw, &id) != 0) {
		json_object_set_new(cpu, "error", json_string(cpuid_error()));
		return cpu;
	}
	json_object_set_new(cpu, "libcpuid", json_string(cpuid_lib_version()));
	json_object_set_new(cpu, "vendor", json_string(id.vendor_str));
	json_object_set_new(cpu, "brand", json_string(id.brand_str));
	json_object_set_new(cpu, "codename", json_string(id.cpu_codename));
	/* family/model as the SDM composes them (ext_*: base + extended fields);
	 * libcpuid's codename is a guess from them and can be wrong under a
	 * hypervisor that masks CPUID leaves. */
	json_object_set_new(cpu, "family", json_integer(id.family));
	json_object_set_new(cpu, "model", json_integer(id.model));
	json_object_set_new(cpu, "stepping", json_integer(id.stepping));
	json_object_set_new(cpu, "ext_family", json_integer(id.ext_family));
	json_object_set_new(cpu, "ext_model", json_integer(id.ext_model));
	json_object_set_new(cpu, "cores_per_package", json_integer(id.num_cores));
	json_object_set_new(cpu, "logical_per_package", json_integer(id.num_logical_cpus));
	json_object_set_new(cpu, "online_cpus", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_t *caches = json_object();
	json_object_set_new(caches, "l1d_kib", json_integer(id.l1_data_cache));
	json_object_set_new(caches, "l1i_kib", json_integer(id.l1_instruction_cache));
	json_object_set_new(caches, "l2_kib", json_integer(id.l2_cache));
	json_object_set_new(caches, "l3_kib", json_integer(id.l3_cache));
	json_object_set_new(caches, "line_bytes", json_integer(id.l1_data_cacheline));
	json_object_set_new(cpu, "caches", caches);

	/* libcpuid 0.6.2 has no flag for 1 GiB pages: CPUID 0x80000001 EDX[26]. */
	unsigned a, b, c, d;
	bool pdpe1gb = __get_cpuid(0x80000001, &a, &b, &c, &d) && (d & (1u << 26));
	json_t *flags = json_object();
	json_object_set_new(flags, "vmx", json_boolean(id.flags[CPU_FEATURE_VMX]));
	json_object_set_new(flags, "svm", json_boolean(id.flags[CPU_FEATURE_SVM]));
	json_object_set_new(flags, "pdpe1gb", json_boolean(pdpe1gb));
	json_object_set_new(flags, "hypervisor", json_boolean(id.flags[CPU_FEATURE_HYPERVISOR]));
	json_object_set_new(cpu, "flags", flags);

	/* CPUID 0x40000000: the hypervisor's 12-byte signature, if any. */
	char sig[13] = "";
	if (id.flags[CPU_FEATURE_HYPERVISOR]) {
		__cpuid(0x40000000, a, b, c, d);
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		sig[12] = '\0';
	}
	json_object_set_new(cpu, "hypervisor_signature", sig[0] ? json_string(sig) : json_null());

	json_object_set_new(fp, "cpu_vendor", json_string(id.vendor_str));
	json_object_set_new(fp, "cpu_brand", json_string(id.brand_str));
	json_object_set_new(fp, "cpu_family", json_integer(id.ext_family));
	json_object_set_new(fp, "cpu_model", json_integer(id.ext_model));
	json_object_set_new(fp, "cpu_stepping", json_integer(id.stepping));
	json_object_set_new(fp, "hypervisor", sig[0] ? json_string(sig) : json_string("none"));
	return cpu;
}

/* One word of /proc/cmdline ("isolcpus=1-3"), or null. */
static json_t *cmdline_param(const char *cmdline, const char *key)
{
	if (!cmdline)
		return json_null();
	size_t kl = strlen(key);
	for (const char *p = cmdline; (p = strstr(p, key)); p += kl) {
		if ((p == cmdline || p[-1] == ' ') && p[kl] == '=') {
			const char *v = p + kl + 1;
			size_t vl = strcspn(v, " ");
			return json_stringn(v, vl);
		}
	}
	return json_null();
}

static json_t *collect_kernel(void)
{
	json_t *k = json_object();
	struct utsname u;
	if (uname(&u) == 0) {
		json_object_set_new(k, "release", json_string(u.release));
		json_object_set_new(k, "version", json_string(u.version));
		json_object_set_new(k, "machine", json_string(u.machine));
	}
	char *cmd = cb_read_text("/proc/cmdline");
	json_object_set_new(k, "isolcpus", cmdline_param(cmd, "isolcpus"));
	json_object_set_new(k, "nohz_full", cmdline_param(cmd, "nohz_full"));
	json_object_set_new(k, "mitigations", cmdline_param(cmd, "mitigations"));
	free(cmd);
	return k;
}

static json_t *collect_memory(json_t *fp)
{
	json_t *m = json_object();
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	double total = (double)pages * (double)psz;
	json_object_set_new(m, "total_bytes", json_integer((json_int_t)total));
	/* Rounded so that a few MiB of firmware reservation do not change the
	 * machine class. */
	json_object_set_new(fp, "mem_total_gib", json_integer((json_int_t)(total / (1 << 30) + 0.5)));
	json_t *thp = json_object();
	json_object_set_new(thp, "enabled", bracketed("/sys/kernel/mm/transparent_hugepage/enabled"));
	json_object_set_new(thp, "defrag", bracketed("/sys/kernel/mm/transparent_hugepage/defrag"));
	json_object_set_new(m, "thp", thp);
	static const struct {
		const char *name, *dir;
	} pools[] = {
		{"2m", "/sys/kernel/mm/hugepages/hugepages-2048kB"},
		{"1g", "/sys/kernel/mm/hugepages/hugepages-1048576kB"},
	};
	json_t *hp = json_object();
	for (size_t i = 0; i < CB_ARRAY_SIZE(pools); i++) {
		json_t *pool = json_object();
		char path[256];
		snprintf(path, sizeof(path), "%s/nr_hugepages", pools[i].dir);
		json_object_set_new(pool, "total", sysfs_int(path));
		snprintf(path, sizeof(path), "%s/free_hugepages", pools[i].dir);
		json_object_set_new(pool, "free", sysfs_int(path));
		json_object_set_new(hp, pools[i].name, pool);
	}
	json_object_set_new(m, "hugepages", hp);
	json_object_set_new(m, "ksm_run", sysfs_int("/sys/kernel/mm/ksm/run"));
	return m;
}

static json_t *collect_power(void)
{
	json_t *p = json_object();
	json_object_set_new(p, "smt_active", sysfs_int("/sys/devices/system/cpu/smt/active"));
	json_object_set_new(p, "governor",
			    text_or_null(cb_read_text(
				    "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")));
	json_t *boost = sysfs_int("/sys/devices/system/cpu/cpufreq/boost");
	if (json_is_null(boost)) {
		json_t *no_turbo = sysfs_int("/sys/devices/system/cpu/intel_pstate/no_turbo");
		if (json_is_integer(no_turbo)) {
			json_decref(boost);
			boost = json_integer(!json_integer_value(no_turbo));
		}
		json_decref(no_turbo);
	}
	json_object_set_new(p, "boost", boost);
	return p;
}

int env_read_ticks(struct env_ticks *t)
{
	char *text = cb_read_text("/proc/stat");
	/* cpu user nice system idle iowait irq softirq steal guest guest_nice;
	 * guest time is already inside user and nice. */
	unsigned long long v[8];
	int n = text ? sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
			      &v[2], &v[3], &v[4], &v[5], &v[6], &v[7])
		     : 0;
	free(text);
	if (n != 8)
		return -1;
	t->steal = v[7];
	t->total = 0;
	for (int i = 0; i < 8; i++)
		t->total += v[i];
	return 0;
}

double env_steal_fraction(const struct env_ticks *before, const struct env_ticks *after)
{
	if (after->total <= before->total)
		return NAN;
	return (double)(after->steal - before->steal) / (double)(after->total - before->total);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* min, p10, median, p90, max and max/min of n sorted-in-place values. */
static json_t *spread_of(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	json_t *j = json_object();
	json_object_set_new(j, "min", json_real(v[0]));
	json_object_set_new(j, "p10", json_real(v[n / 10]));
	json_object_set_new(j, "median", json_real(v[n / 2]));
	json_object_set_new(j, "p90", json_real(v[n - 1 - n / 10]));
	json_object_set_new(j, "max", json_real(v[n - 1]));
	json_object_set_new(j, "max_over_min", json_real(v[0] > 0 ? v[n - 1] / v[0] : 0));
	return j;
}

/* A short look at how steady the machine is before anything is measured:
 * STABILITY_PROBES machine-state probes STABILITY_GAP_NS apart (25 ms of
 * sleep asked, about 35 ms taken with the default 50 us timer slack: the
 * vCPU changes speed every few ms to s, and every run folder's first
 * subcommand pays this, `cowbench vm` before its first boot too),
 * the steal time over that window, and the raw /proc/stat counters so a
 * sweep can tell the steal over its own run. */
#define STABILITY_PROBES 100
#define STABILITY_GAP_NS 250000
static json_t *collect_stability(void)
{
	json_t *st = json_object();
	double cpu[STABILITY_PROBES], mem[STABILITY_PROBES];
	struct env_ticks t0, t1;
	bool ticks = env_read_ticks(&t0) == 0;
	size_t n = 0;
	cb_error e;
	for (; n < STABILITY_PROBES; n++) {
		struct probe_reading r;
		if (probe_take(&r, &e) < 0) {
			json_object_set_new(st, "error", json_string(e.msg));
			break;
		}
		cpu[n] = r.cpu_ns;
		mem[n] = r.mem_ns;
		nanosleep(&(struct timespec){0, STABILITY_GAP_NS}, NULL);
	}
	json_object_set_new(st, "probes", json_integer((json_int_t)n));
	if (n > 0) {
		json_object_set_new(st, "probe_cpu_ns", spread_of(cpu, n));
		json_object_set_new(st, "probe_mem_ns", spread_of(mem, n));
	}
	ticks = ticks && env_read_ticks(&t1) == 0;
	double steal = ticks ? env_steal_fraction(&t0, &t1) : NAN;
	json_object_set_new(st, "steal_fraction", isnan(steal) ? json_null() : json_real(steal));
	json_t *pc = json_object();
	json_object_set_new(pc, "steal_ticks", ticks ? json_integer((json_int_t)t1.steal) : json_null());
	json_object_set_new(pc, "total_ticks", ticks ? json_integer((json_int_t)t1.total) : json_null());
	json_object_set_new(st, "proc_stat", pc);
	return st;
}

static json_t *collect_kvm(json_t *fp)
{
	struct kvm_info ki;
	kvm_info_probe("", &ki);
	json_t *k = json_object();
	json_object_set_new(k, "dev_present", json_boolean(ki.dev_present));
	json_object_set_new(k, "dev_usable", json_boolean(ki.dev_usable));
	json_object_set_new(k, "module", str_or_null(ki.module));
	json_object_set_new(k, "mmu", json_string(kvm_mmu_name(ki.mmu)));
	json_object_set_new(k, "tdp_mmu", ki.tdp_mmu < 0 ? json_null() : json_boolean(ki.tdp_mmu));
	json_object_set_new(k, "nested", ki.nested < 0 ? json_null() : json_boolean(ki.nested));
	json_object_set_new(k, "guest_timing_emulated",
			    json_boolean(kvm_mmu_timing_emulated(ki.mmu)));
	json_object_set_new(fp, "kvm_mmu", json_string(kvm_mmu_name(ki.mmu)));
	return k;
}

static const char *perf_probe(uint32_t type, uint64_t config)
{
	int fd = perfev_open_counter(type, config, 0, false, false);
	if (fd >= 0) {
		close(fd);
		return "ok";
	}
	/* perf_event_paranoid may forbid kernel counts */
	fd = perfev_open_counter(type, config, 0, false, true);
	if (fd < 0)
		return "unsupported";
	close(fd);
	return "user-only";
}

static const char *tracefs_event(const char *ev)
{
	static const char *const roots[] = {"/sys/kernel/tracing/events",
					    "/sys/kernel/debug/tracing/events"};
	for (size_t i = 0; i < CB_ARRAY_SIZE(roots); i++) {
		char path[256];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", roots[i], ev);
		if (stat(path, &st) == 0)
			return "ok";
	}
	return "unavailable";
}

static json_t *collect_perf(void)
{
	static const struct {
		const char *name;
		uint32_t type;
		uint64_t config;
	} ctr[] = {
		{"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
		{"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
		{"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
		{"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
		{"page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS},
		{"minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN},
		{"context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
	};
	json_t *p = json_object();
	for (size_t i = 0; i < CB_ARRAY_SIZE(ctr); i++)
		json_object_set_new(p, ctr[i].name, json_string(perf_probe(ctr[i].type, ctr[i].config)));
	json_object_set_new(p, "tracepoint:kvm", json_string(tracefs_event("kvm/kvm_exit")));
	json_object_set_new(p, "tracepoint:kvmmmu", json_string(tracefs_event("kvmmmu")));
	json_object_set_new(p, "paranoid",
			    sysfs_int("/proc/sys/kernel/perf_event_paranoid"));
	return p;
}

json_t *env_collect(void)
{
	json_t *root = json_object();
	json_t *fp = json_object();
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	time_t now = time(NULL);
	char date[32];
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));

	json_t *cb = json_object();
	json_object_set_new(cb, "version", json_string("0.1"));
	json_object_set_new(cb, "commit", json_string(COWBENCH_COMMIT));
	json_object_set_new(cb, "compiler", json_string(COWBENCH_CC));
	json_object_set_new(root, "cowbench", cb);
	json_object_set_new(root, "date_utc", json_string(date));
	json_object_set_new(root, "hostname", json_string(host));
	json_object_set_new(root, "cpu", collect_cpu(fp));
	json_object_set_new(fp, "logical_cpus", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(root, "kernel", collect_kernel());
	json_object_set_new(root, "memory", collect_memory(fp));
	json_object_set_new(root, "power", collect_power());
	json_object_set_new(root, "kvm", collect_kvm(fp));
	json_object_set_new(root, "perf", collect_perf());
	json_object_set_new(root, "stability", collect_stability());
	json_object_set_new(root, "fingerprint", fp);
	return root;
}

static void usage(FILE *f)
{
	fputs("usage: cowbench env [--out DIR]\n"
	      "Prints the environment fingerprint as JSON; with --out, also writes DIR/meta.json.\n",
	      f);
}

/* The fingerprint as meta.json holds it: indented, one trailing newline. */
static char *env_json_text(void)
{
	json_t *env = env_collect();
	char *text = cb_json_text(env, 0);
	json_decref(env);
	if (!text)
		cb_die(CB_EXIT_FAIL, "env", "cannot serialise JSON");
	return text;
}

static int write_meta(const char *dir, const char *text, bool only_if_absent, cb_error *e)
{
	char *path = cb_path_join(dir, "meta.json");
	int rc = 0;
	if (!only_if_absent || access(path, F_OK) != 0) {
		char *own = text ? NULL : env_json_text();
		const char *t = text ? text : own;
		rc = afile_write_all(path, t, strlen(t), e);
		free(own);
	}
	free(path);
	return rc;
}

int env_write_meta(const char *dir, bool only_if_absent, cb_error *e)
{
	return write_meta(dir, NULL, only_if_absent, e);
}

int env_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"out", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *out = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return CB_EXIT_USAGE;
		}
	}
	if (optind < argc)
		cb_die(CB_EXIT_USAGE, "env", "unexpected argument '%s'", argv[optind]);
	cb_error e;
	if (out && cb_make_out_dir(out, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--out", &e);
	char *text = env_json_text();
	if (out && write_meta(out, text, false, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--out", &e);
	fputs(text, stdout);
	free(text);
	return 0;
}
