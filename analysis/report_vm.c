/* The VM half of the report: what a guest COW fault costs in VM exits and
 * in time, which kinds of exits each phase takes, and whether the counts
 * agree with what the MMU mode predicts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "report_vm.h"

/* A boot, whose null phases are subtracted from its other phases: the
 * `boot` id where vm.csv has it, else the configuration a boot runs with
 * (results/README.md: one boot per guest page, policy, backing, prefault,
 * region and dirty count; the primitives all run inside it). */
static const char *const boot_id_keys[] = {"where", "mmu", "boot", NULL};
static const char *const boot_keys[] = {"where", "mmu", "guest_page", "cow_policy", "backing",
					"prefault", "region_bytes", "dirty_pages", NULL};

static const char *const netted[C_COUNT] = {"exits", "pf_taken", "pf_guest", "invlpg",
					    "io_exits", "fresh_frames"};

static bool phase_is(const struct csv_table *t, size_t row, void *phase)
{
	return !strcmp(csv_get(t, row, csv_col(t, "phase")), phase);
}

/* cow_copies + cow_copies_2m of a row; NaN when neither is recorded. */
static double copies(const struct csv_table *t, size_t row, void *unused)
{
	double a = report_value(t, row, "cow_copies"), b = report_value(t, row, "cow_copies_2m");
	if (isnan(a) && isnan(b))
		return NAN;
	return (isnan(a) ? 0 : a) + (isnan(b) ? 0 : b);
}

/* The median of counter c over the null phases of the row's boot: the
 * exits the marks themselves cost.  0 when the boot has no null phase. */
static double null_med(struct vm *v, size_t row, int c)
{
	if (!v->boots.n)
		return 0;
	char *key = grouping_row_key(&v->boots, row);
	const struct group *g = grouping_find(&v->boots, key);
	free(key);
	if (!g)
		return 0;
	double m = v->null_med[g - v->boots.g][c];
	return isnan(m) ? 0 : m;
}

double report_vm_net(const struct csv_table *t, size_t row, void *arg)
{
	struct rowarg *a = arg;
	return report_value(t, row, netted[a->c]) - null_med(a->v, row, a->c);
}

double report_vm_net_per_fault(const struct csv_table *t, size_t row, void *arg)
{
	double n = copies(t, row, NULL);
	return n > 0 ? report_vm_net(t, row, arg) / n : NAN;
}

static double raw_per_fault(const struct csv_table *t, size_t row, void *arg)
{
	struct rowarg *a = arg;
	double n = copies(t, row, NULL);
	return n > 0 ? report_value(t, row, netted[a->c]) / n : NAN;
}

static double per_copy(const struct csv_table *t, size_t row, void *name)
{
	double n = copies(t, row, NULL);
	return n > 0 ? report_value(t, row, name) / n : NAN;
}

/* Why a configuration's rows are not hardware time (the run-wide flags
 * are the figure's and table's business, not each row's). */
unsigned report_vm_flags(const struct vm *v, const struct group *g)
{
	unsigned f = 0;
	const struct csv_table *t = v->t;
	int tv = csv_col(t, "timing_valid"), mmu = csv_col(t, "mmu"), where = csv_col(t, "where");
	for (size_t i = 0; i < g->nrows; i++) {
		if (!run_true(csv_get(t, g->rows[i], tv)))
			f |= RF_TIMING_INVALID;
		if (!strcmp(csv_get(t, g->rows[i], mmu), "pvm-shadow"))
			f |= RF_PVM;
		if (!strcmp(csv_get(t, g->rows[i], where), "nested-tcg"))
			f |= RF_TCG;
	}
	return f;
}

static int label_lines(char **labels, size_t n)
{
	int most = 1;
	for (size_t i = 0; i < n; i++) {
		int l = 1;
		for (const char *c = labels[i]; *c; c++)
			l += *c == '\n';
		most = l > most ? l : most;
	}
	return most;
}

/* Dirty-phase configurations with at least one COW copy to divide by. */
static void fault_cfgs(struct vm *v)
{
	v->faults = cb_xcalloc(v->dirty.n + 1, sizeof(*v->faults));
	const struct group **gs = cb_xcalloc(v->dirty.n + 1, sizeof(*gs));
	for (size_t i = 0; i < v->dirty.n; i++) {
		const struct group *g = &v->dirty.g[i];
		for (size_t k = 0; k < g->nrows; k++)
			if (copies(v->t, g->rows[k], NULL) > 0) {
				gs[v->nfaults++] = g;
				break;
			}
	}
	struct rowarg ra = {v, C_EXITS};
	for (size_t i = 0; i < v->nfaults; i++) {
		struct fault_cfg *fc = &v->faults[i];
		fc->g = gs[i];
		fc->flags = report_vm_flags(v, fc->g);
		report_summarize(&v->dirty, fc->g, report_vm_net_per_fault, &ra, &fc->net);
		report_summarize(&v->dirty, fc->g, raw_per_fault, &ra, &fc->raw);
		report_summarize(&v->dirty, fc->g, copies, NULL, &fc->copies);
		report_summarize(&v->dirty, fc->g, per_copy, "ns", &fc->ns);
		report_summarize(&v->dirty, fc->g, per_copy, "cycles", &fc->cycles);
	}
	v->labels = cb_xcalloc(v->nfaults + 1, sizeof(*v->labels));
	report_varying_labels(&v->dirty, gs, v->nfaults, true, v->labels, v->common,
			      sizeof(v->common));
	v->label_lines = label_lines(v->labels, v->nfaults);
	free(gs);
}

static void vm_build(struct vm *v)
{
	v->t = v->r->run.vm;
	grouping_build(&v->boots, v->t, csv_col(v->t, "boot") >= 0 ? boot_id_keys : boot_keys,
		       phase_is, "null");
	v->null_med = cb_xcalloc(v->boots.n ? v->boots.n : 1, sizeof(*v->null_med));
	for (size_t i = 0; i < v->boots.n; i++)
		for (int c = 0; c < C_COUNT; c++) {
			struct stats_summary s;
			report_summarize(&v->boots, &v->boots.g[i], report_col, (void *)netted[c], &s);
			v->null_med[i][c] = s.median;
		}
	grouping_build(&v->dirty, v->t, run_vm_keys, phase_is, "dirty");
	grouping_build(&v->phases, v->t, run_vm_phase_keys, NULL, NULL);
	if (v->r->run.vm_stats) {
		static const char *const sk[] = {"sample", "phase", NULL};
		grouping_build(&v->stats, v->r->run.vm_stats, sk, NULL, NULL);
	}
	fault_cfgs(v);
}

static void vm_free(struct vm *v)
{
	grouping_free(&v->boots);
	grouping_free(&v->dirty);
	grouping_free(&v->phases);
	grouping_free(&v->stats);
	free(v->null_med);
	free(v->faults);
	report_vm_free_labels(v->labels, v->nfaults);
}

void report_vm_common_line(FILE *f, const char *common)
{
	if (common[0])
		fprintf(f, "\nEvery row below: %s.\n", common);
}

void report_vm_free_labels(char **labels, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(labels[i]);
	free(labels);
}

static void vm_missing(struct report *r)
{
	FILE *f = r->md;
	const char *why;
	char buf[256];
	json_t *usable = run_meta_get(r->run.meta, "kvm.dev_usable");
	json_t *present = run_meta_get(r->run.meta, "kvm.dev_present");
	if (r->run.vm)
		why = "vm.csv has no rows";
	else if (json_is_false(present))
		why = "there is no vm.csv, and meta.json says this machine has no /dev/kvm "
		      "(kvm.dev_present=false)";
	else if (json_is_false(usable))
		why = "there is no vm.csv, and meta.json says /dev/kvm exists but cannot be opened "
		      "read-write (kvm.dev_usable=false; see the udev rule in README.md)";
	else {
		snprintf(buf, sizeof(buf), "there is no vm.csv (`cowbench vm` did not run or did not "
					   "finish a configuration%s)",
			 r->run.meta ? "; meta.json says /dev/kvm is usable" : "");
		why = buf;
	}
	fprintf(f, "\n**The VM part is missing from this run:** %s, so there is no guest COW, "
		   "VM-exit or theory table below.\n",
		why);
}

/* What vm-boots.csv says about boots that did not finish: their missing
 * rows would otherwise pass unnoticed. */
static void boots_note(struct report *r)
{
	const struct csv_table *b = r->run.vm_boots;
	if (!b)
		return;
	int cs = csv_col(b, "status"), cr = csv_col(b, "reason");
	size_t ok = 0, bad = 0;
	for (size_t i = 0; i < b->nrows; i++)
		if (!strcmp(csv_get(b, i, cs), "ok"))
			ok++;
		else
			bad++;
	fprintf(r->md, "\nvm-boots.csv: %zu boot(s) ok, %zu not%s\n", ok, bad, bad ? ":" : ".");
	for (size_t i = 0; i < b->nrows; i++)
		if (strcmp(csv_get(b, i, cs), "ok")) {
			fprintf(r->md, "- boot %s, %s: ", csv_get(b, i, csv_col(b, "boot")), csv_get(b, i, cs));
			fmt_md_cell(r->md, csv_get(b, i, cr));
			fputc('\n', r->md);
		}
}

/* Exits per COW fault per place and MMU mode, for the findings: fork at
 * 4 KiB guest pages, every backing and prefault setting. */
static void vm_find(const struct vm *v, struct vm_findings *out)
{
	memset(out, 0, sizeof(*out));
	double *vals = cb_xmalloc((v->nfaults + 1) * sizeof(*vals));
	for (size_t i = 0; i < v->nfaults; i++) {
		const struct group *g = v->faults[i].g;
		const char *where = group_value(&v->dirty, g, 0), *mmu = group_value(&v->dirty, g, 1);
		bool seen = false;
		for (size_t k = 0; k < out->n && !seen; k++)
			seen = !strcmp(out->m[k].where, where) && !strcmp(out->m[k].mmu, mmu);
		if (seen || out->n == CB_ARRAY_SIZE(out->m))
			continue;
		struct vm_mmu_finding *m = &out->m[out->n];
		snprintf(m->where, sizeof(m->where), "%s", where);
		snprintf(m->mmu, sizeof(m->mmu), "%s", mmu);
		m->min = INFINITY;
		m->max = -INFINITY;
		for (size_t j = i; j < v->nfaults; j++) {
			const struct group *o = v->faults[j].g;
			if (strcmp(group_value(&v->dirty, o, 0), where) ||
			    strcmp(group_value(&v->dirty, o, 1), mmu) ||
			    strcmp(group_value(&v->dirty, o, 2), "fork") ||
			    strcmp(group_value(&v->dirty, o, 3), "4k") || isnan(v->faults[j].net.median))
				continue;
			double x = v->faults[j].net.median;
			vals[m->nconf++] = x;
			m->min = fmin(m->min, x);
			m->max = fmax(m->max, x);
			m->flags |= v->faults[j].flags;
		}
		struct stats_summary st;
		stats_summarize(vals, m->nconf, &st);
		m->med = st.median;
		out->n += m->nconf > 0;
	}
	free(vals);
}

int report_vm(struct report *r, const struct host_findings *host, struct vm_findings *out,
	      cb_error *e)
{
	FILE *f = r->md;
	fputs("\n## Virtual machine: guest COW faults and VM exits\n", f);
	boots_note(r);
	if (!r->run.vm || !r->run.vm->nrows) {
		vm_missing(r);
		return 0;
	}
	memset(out, 0, sizeof(*out));
	struct vm_design_findings *design = cb_xcalloc(1, sizeof(*design));
	struct vm v = {.r = r, .host = host};
	vm_build(&v);
	int rc = 0;
	if (!v.nfaults)
		fputs("\nNo dirty phase in vm.csv copied a page (no `cow_copies`): nothing to "
		      "divide by, so no per-fault figures.\n",
		      f);
	else
		rc = report_vm_exits_per_fault(&v, e);
	if (rc == 0 && v.nfaults)
		rc = report_vm_cost_per_copy(&v, e);
	if (rc == 0)
		rc = report_vm_exit_kinds(&v, e);
	if (rc == 0 && v.nfaults)
		report_vm_theory(&v);
	if (rc == 0)
		rc = report_vm_designs(&v, design, e);
	if (rc == 0)
		report_vm_stats_details(&v);
	vm_find(&v, out);
	if (design->npoints)
		out->design = design;
	else
		free(design);
	vm_free(&v);
	return rc;
}
