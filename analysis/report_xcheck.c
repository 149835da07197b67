/* The report's cross-check section: our guest under QEMU and under our VMM
 * (scripts/qemu-crosscheck, qemu-crosscheck.csv), side by side.  Two VMMs
 * that count the same guest the same way are the check that our exit
 * accounting is KVM's and not an artefact of our VMM. */
#include <math.h>
#include <string.h>

#include "fmt.h"
#include "report.h"

/* The value of col on the row (source, run, scope); NaN when absent. */
static double cell(const struct csv_table *t, const char *src, const char *run, const char *scope,
		   const char *col)
{
	int cs = csv_col(t, "source"), cr = csv_col(t, "run"), cc = csv_col(t, "scope");
	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(csv_get(t, i, cs), src) && !strcmp(csv_get(t, i, cr), run) &&
		    !strcmp(csv_get(t, i, cc), scope))
			return csv_get_double(t, i, csv_col(t, col));
	return NAN;
}

/* The same tolerance tests/nested/test_qemu_crosscheck_guest.sh asserts. */
static const char *agreement(double q, double c, bool exact)
{
	if (isnan(q) || isnan(c))
		return "—";
	double tol = exact ? 0 : fmax(8, fabs(c) / 10);
	return fabs(q - c) <= tol ? (exact ? "equal" : "within 10%") : "**differ**";
}

void report_crosscheck(struct report *r)
{
	const struct csv_table *t = r->run.xcheck;
	if (!t)
		return;
	static const struct {
		const char *label, *col, *scope_q, *scope_c;
		bool exact;
	} rows[] = {
		{"guest COW copies (dirty run)", "cow_copies", "run", "phases", true},
		{"exits caused by dirtying, net of reporting", "exits_net", "run", "phases", false},
		{"page faults KVM took (pf_taken)", "pf_taken", "run", "phases", false},
		{"faults reflected to the guest (pf_guest)", "pf_guest", "run", "phases", true},
		{"INVLPG exits", "invlpg", "run", "phases", true},
	};
	fprintf(r->md,
		"\n### Cross-check: the same guest under QEMU\n\n"
		"`scripts/qemu-crosscheck` boots our guest image directly under QEMU (`-M microvm`, "
		"PVH entry, results on debugcon) and under `cowbench vm`, each with the configured "
		"dirty pages and with none; the difference is what dirtying cost. QEMU's KVM "
		"statistics are read through QMP `query-stats`. Each side's own reporting exits "
		"(QEMU: one per debugcon byte; ours: one per hypercall) are subtracted.\n\n"
		"| what dirtying cost | under QEMU | under cowbench vm | |\n|---|---|---|---|\n");
	char a[32], b[32];
	for (size_t i = 0; i < CB_ARRAY_SIZE(rows); i++) {
		const char *run = i == 0 ? "dirty" : "diff";
		double q = cell(t, "qemu", run, rows[i].scope_q, rows[i].col);
		double c = cell(t, "cowbench", run, rows[i].scope_c, rows[i].col);
		fprintf(r->md, "| %s | %s | %s | %s |\n", rows[i].label, fmt_num(q, a, sizeof(a)),
			fmt_num(c, b, sizeof(b)), agreement(q, c, rows[i].exact));
	}
	double qs = cell(t, "qemu", "dirty", "run", "startup_ns");
	double cs = cell(t, "cowbench", "dirty", "phases", "startup_ns");
	fprintf(r->md, "| VMM start to the guest's first words | %s | %s | %s |\n",
		fmt_ns(qs, a, sizeof(a)), fmt_ns(cs, b, sizeof(b)),
		isnan(qs) || isnan(cs) ? "—" : cs < qs ? "ours first" : "**QEMU first**");
	int mc = csv_col(t, "mmu");
	const char *mmu = t->nrows ? csv_get(t, 0, mc) : "";
	fprintf(r->md, "\nHost MMU: %s. Startup is wall-clock time on this host for both "
		       "VMMs alike, one start of each: a loaded host can reorder them.\n",
		mmu);
	if (!strcmp(mmu, "pvm-shadow"))
		report_flags(r, RF_PVM);
}
