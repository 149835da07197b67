/* The report's environment section: the machine from meta.json, and the
 * flags the whole run carries (perf counters it could not use). */
#include "report.h"

#include <string.h>

#include "mclass.h"

/* A meta.json value as text.  Returns one of a ring of buffers, so a
 * single printf can show several. */
static const char *meta_text(const json_t *meta, const char *path)
{
	static char ring[12][256];
	static unsigned next;
	char *buf = ring[next++ % CB_ARRAY_SIZE(ring)];
	size_t len = sizeof(ring[0]);
	json_t *j = run_meta_get(meta, path);
	if (json_is_string(j))
		snprintf(buf, len, "%s", json_string_value(j));
	else if (json_is_integer(j))
		snprintf(buf, len, "%lld", (long long)json_integer_value(j));
	else if (json_is_real(j))
		snprintf(buf, len, "%g", json_real_value(j));
	else if (json_is_boolean(j))
		snprintf(buf, len, "%s", json_is_true(j) ? "yes" : "no");
	else
		snprintf(buf, len, "unknown");
	return buf;
}

void report_run_flags(struct report *r)
{
	json_t *perf = run_meta_get(r->run.meta, "perf");
	const char *k;
	json_t *v;
	size_t at = 0;
	json_object_foreach(perf, k, v)
	{
		if (json_is_string(v) && !strcmp(json_string_value(v), "unsupported") &&
		    at < sizeof(r->perf_missing))
			at += (size_t)snprintf(r->perf_missing + at, sizeof(r->perf_missing) - at,
					       "%s%s", at ? ", " : "", k);
	}
	if (at)
		r->run_flags |= RF_NO_PERF;
}

void report_env(struct report *r)
{
	FILE *f = r->md;
	const json_t *m = r->run.meta;
	if (!m) {
		fputs("\n## Environment\n\nNo meta.json in this run (`cowbench env --out RUN_DIR` "
		      "writes it): the machine is undescribed, and nothing below can be checked "
		      "against it.\n",
		      f);
		return;
	}
	fputs("\n## Environment\n\n| | |\n|---|---|\n", f);
	/* family and model as the vendors' manuals number them (composed from
	 * the base and extended fields: ext_*), not the 4-bit base fields
	 * (libcpuid's family/model: model 7 for a Xeon of model 0xa7); a
	 * meta.json without ext_* has the base ones only */
	bool composed = run_meta_get(m, "cpu.ext_model") != NULL;
	fprintf(f, "| CPU | %s (%s, family %s model %s stepping %s), %s logical CPUs |\n",
		meta_text(m, "cpu.brand"), meta_text(m, "cpu.vendor"),
		meta_text(m, composed ? "cpu.ext_family" : "cpu.family"),
		meta_text(m, composed ? "cpu.ext_model" : "cpu.model"), meta_text(m, "cpu.stepping"),
		meta_text(m, "fingerprint.logical_cpus"));
	json_t *hv = run_meta_get(m, "cpu.flags.hypervisor");
	if (json_is_true(hv))
		fprintf(f, "| Host is itself a VM | yes (hypervisor signature %s) |\n",
			meta_text(m, "cpu.hypervisor_signature"));
	fprintf(f, "| Kernel | %s (mitigations=%s) |\n", meta_text(m, "kernel.release"),
		meta_text(m, "kernel.mitigations"));
	fprintf(f, "| Memory | %s GiB |\n", meta_text(m, "fingerprint.mem_total_gib"));
	fprintf(f, "| THP | enabled=%s, defrag=%s |\n",
		meta_text(m, "memory.thp.enabled"),
		meta_text(m, "memory.thp.defrag"));
	fprintf(f, "| Huge pages | 2 MiB: %s total, %s free; 1 GiB: %s total, %s free |\n",
		meta_text(m, "memory.hugepages.2m.total"),
		meta_text(m, "memory.hugepages.2m.free"),
		meta_text(m, "memory.hugepages.1g.total"),
		meta_text(m, "memory.hugepages.1g.free"));
	fprintf(f, "| KVM | /dev/kvm present: %s, usable: %s; module %s; MMU **%s**; nested: %s |\n",
		meta_text(m, "kvm.dev_present"), meta_text(m, "kvm.dev_usable"),
		meta_text(m, "kvm.module"), meta_text(m, "kvm.mmu"),
		meta_text(m, "kvm.nested"));
	fputs("| perf | ", f);
	json_t *perf = run_meta_get(m, "perf");
	const char *k;
	json_t *v;
	bool first = true;
	json_object_foreach(perf, k, v)
	{
		if (!json_is_string(v))
			continue;
		fprintf(f, "%s%s: %s", first ? "" : ", ", k, json_string_value(v));
		first = false;
	}
	fprintf(f, "%s |\n", first ? "unknown" : "");
	fprintf(f, "| Power | governor %s, boost %s, SMT active %s |\n",
		meta_text(m, "power.governor"), meta_text(m, "power.boost"),
		meta_text(m, "power.smt_active"));
	fprintf(f, "| cowbench | %s, commit %s, %s |\n", meta_text(m, "cowbench.version"),
		meta_text(m, "cowbench.commit"),
		meta_text(m, "cowbench.compiler"));
	cb_error e;
	char cls[160];
	if (mclass_from_meta(m, cls, sizeof(cls), &e) == 0)
		fprintf(f, "| Machine class | `%s` (baseline: results/reference/%s/) |\n", cls, cls);
	fprintf(f, "| Run | %s on %s |\n", meta_text(m, "date_utc"),
		meta_text(m, "hostname"));
	report_flags(r, r->run_flags);
}
