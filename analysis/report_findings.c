/* The opening of summary.md: the answers cowbench exists for, one sentence
 * each with its number, its interval and a link to its figure, from the
 * findings the sections returned.  One screen; the detail is below it and
 * in summary-tables.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "report.h"
#include "report_vm.h"

static const char *est_text(const struct report_est *e, char *buf, size_t len)
{
	char m[32], lo[32], hi[32];
	snprintf(buf, len, "**%s** [%s, %s]", fmt_ns(e->med, m, sizeof(m)), fmt_ns(e->lo, lo, sizeof(lo)),
		 fmt_ns(e->hi, hi, sizeof(hi)));
	return buf;
}

static void flags_tail(FILE *f, unsigned flags)
{
	char codes[200];
	report_flag_codes(flags, codes, sizeof(codes));
	if (*codes)
		fprintf(f, " (%s)", codes);
}

/* Beside a raw figure when the machine changed speed during the run: the
 * same at the reference speed (norm.h), which the run's two states share. */
static void norm_tail(FILE *f, const struct host_findings *h, double v, const char *unit)
{
	char a[32];
	if (h->probe.k == 2 && !isnan(v))
		fprintf(f, "; speed-normalized: %s%s", fmt_ns(v, a, sizeof(a)), unit);
}

static void fork_line(FILE *f, const struct host_findings *h)
{
	if (isnan(h->fork_per_gib.med)) {
		fputs("- **fork**: not measured at two parent sizes with 4 KiB pages in this run.\n", f);
		return;
	}
	char m[32], lo[32], hi[32], from[32], to[32];
	fprintf(f, "- **fork at 4 KiB pages costs %s per GiB** of parent memory, 95%% interval "
		   "[%s, %s] (create call to its return, parent of %s to %s)",
		fmt_ns(h->fork_per_gib.med, m, sizeof(m)), fmt_ns(h->fork_per_gib.lo, lo, sizeof(lo)),
		fmt_ns(h->fork_per_gib.hi, hi, sizeof(hi)), fmt_bytes(h->fork_gib_from, from, sizeof(from)),
		fmt_bytes(h->fork_gib_to, to, sizeof(to)));
	flags_tail(f, h->flags);
	norm_tail(f, h, h->fork_per_gib_norm, " per GiB");
	fputs(". [figure](plots/fork-latency.png)\n", f);
}

static void huge_line(FILE *f, const struct host_findings *h)
{
	if (!h->nhuge) {
		fputs("- **Huge pages**: no fork at THP or hugetlb pages in this run.\n", f);
		return;
	}
	fputs("- **Huge pages**: ", f);
	for (size_t i = 0; i < h->nhuge; i++) {
		const struct host_huge *u = &h->huge[i];
		char sz[32], a[96], b[32];
		fprintf(f, "%swith %s, fork of %s takes %s instead of %s at 4 KiB pages (%.3gx %s)",
			i ? "; " : "", u->mode, fmt_bytes(u->mem, sz, sizeof(sz)),
			est_text(&u->huge, a, sizeof(a)), fmt_ns(u->c4k.med, b, sizeof(b)),
			u->huge.med > 0 ? fmax(u->c4k.med / u->huge.med, u->huge.med / u->c4k.med) : NAN,
			u->huge.med <= u->c4k.med ? "less" : "more");
	}
	fputs(". [figure](plots/fork-latency.png)\n", f);
}

static void flat_line(FILE *f, const struct host_findings *h)
{
	if (!h->nflat) {
		fputs("- **vfork, clone_vm, posix_spawn**: not measured in this run.\n", f);
		return;
	}
	fputs("- **The primitives that copy no page tables** (create at the largest size, and the "
	      "range of medians over every size): ", f);
	for (size_t i = 0; i < h->nflat; i++) {
		const struct host_flat *x = &h->flat[i];
		char a[96], sz[32], lo[32], hi[32];
		fprintf(f, "%s%s %s at %s (%s..%s)", i ? "; " : "", x->prim,
			est_text(&x->at_max, a, sizeof(a)), fmt_bytes(x->mem_max, sz, sizeof(sz)),
			fmt_ns(x->min, lo, sizeof(lo)), fmt_ns(x->max, hi, sizeof(hi)));
	}
	fputs(". [figure](plots/fork-latency.png)\n", f);
}

static void cow_line(FILE *f, const struct host_findings *h)
{
	if (!h->cow_pp.n) {
		fputs("- **Copy-on-write**: no fork child dirtied 4 KiB pages in this run.\n", f);
		return;
	}
	struct report_est e = report_est_of(&h->cow_pp);
	char a[96], b[32];
	fprintf(f, "- A COW fault costs %s **per page** (%s)", est_text(&e, a, sizeof(a)), h->cow_cfg);
	if (h->floor_copy_4k_ns > 0)
		fprintf(f, ": **%.3gx the copy floor** (one 4 KiB copy here: %s)",
			h->cow_pp.median / h->floor_copy_4k_ns, fmt_ns(h->floor_copy_4k_ns, b, sizeof(b)));
	norm_tail(f, h, h->cow_pp_norm, " per page");
	fputs(". [figure](plots/cow-fault.png)\n", f);
}

static void vm_line(FILE *f, const struct vm_findings *v)
{
	if (!v->n) {
		fputs("- **In our guest**: no guest COW fault was counted in this run.\n", f);
		return;
	}
	fputs("- **VM exits per guest COW fault** (fork, 4 KiB guest pages, net of the marks): ", f);
	for (size_t i = 0; i < v->n; i++) {
		const struct vm_mmu_finding *m = &v->m[i];
		char a[32], lo[32], hi[32];
		fprintf(f, "%s%s (%s) **%s**", i ? "; " : "", m->mmu, m->where,
			fmt_num(m->med, a, sizeof(a)));
		if (m->nconf > 1)
			fprintf(f, " (%s..%s over %zu configurations)", fmt_num(m->min, lo, sizeof(lo)),
				fmt_num(m->max, hi, sizeof(hi)), m->nconf);
	}
	fputs("; counts are exact. [figure](plots/vm-exits-per-fault.png)\n", f);
}

/* The fork designs at one configuration: the first that ran on this host,
 * else the first of the nested ones. */
static void design_line(FILE *f, const struct vm_design_findings *d)
{
	static const char *const names[VM_DESIGNS] = {CB_FORK_DESIGNS(CB_FORK_DESIGN_NAME)};
	const struct vm_design_point *p = &d->points[0];
	for (size_t i = 0; i < d->npoints; i++)
		if (!strcmp(d->points[i].where, "host")) {
			p = &d->points[i];
			break;
		}
	char sz[32], a[32], b[32];
	fprintf(f, "- **Fork designs** (%s, %s, %s region): VM exits of fork itself:", p->where,
		p->mmu, fmt_bytes(p->region_bytes, sz, sizeof(sz)));
	const char *sep = " ";
	for (int k = 0; k < VM_DESIGNS; k++)
		if (p->have[k]) {
			fprintf(f, "%s%s **%s**", sep, names[k], fmt_num(p->cost[k].create_exits, a, sizeof(a)));
			sep = ", ";
		}
	fputs("; exits per COW fault after it:", f);
	sep = " ";
	for (int k = 0; k < VM_DESIGNS; k++)
		if (p->have[k]) {
			fprintf(f, "%s%s %s", sep, names[k],
				fmt_num(p->cost[k].dirty_exits_per_fault, b, sizeof(b)));
			sep = ", ";
		}
	flags_tail(f, p->flags);
	fputs(". [figure](plots/vm-fork-designs.png)\n", f);
}

static void stability_line(FILE *f, const struct host_findings *h)
{
	char a[32], b[32];
	if (!h->have || !h->nprobe) {
		fputs("- **Stability**: unknown (no machine-state probe in host.csv).\n", f);
		return;
	}
	if (h->probe.k == 2)
		fprintf(f, "- **This machine was not stable**: its CPU ran at two speeds during the run, "
			   "%.0f%% of the samples at %s per probe loop and %.0f%% at %s (%.2fx slower); "
			   "raw times mix the two.",
			h->probe.share[0] * 100, fmt_ns(h->probe.center[0], a, sizeof(a)),
			h->probe.share[1] * 100, fmt_ns(h->probe.center[1], b, sizeof(b)),
			h->probe.center[1] / h->probe.center[0]);
	else
		fprintf(f, "- **This machine was stable**: one speed state over %zu samples (probe loop "
			   "%s, 5%%..95%% within %.3gx).",
			h->nprobe, fmt_ns(h->probe_med, a, sizeof(a)), h->probe_p95 / h->probe_p5);
	fputs(" [figure](plots/probe.png)\n", f);
}

void report_findings(FILE *f, const struct report *r, const struct findings *fd)
{
	fputs("\n## Findings\n\n", f);
	const struct host_findings *h = &fd->host;
	if (h->have) {
		fork_line(f, h);
		huge_line(f, h);
		flat_line(f, h);
		cow_line(f, h);
		report_live_findings(f, fd->live);
	} else {
		fputs("- **Host**: no host rows in this run.\n", f);
	}
	vm_line(f, &fd->vm);
	if (fd->vm.design)
		design_line(f, fd->vm.design);
	stability_line(f, h);
	fputs("\nMedians with 95% intervals; every number is recomputed from the raw samples "
	      "below.\n",
	      f);
}

void report_findings_free(struct findings *fd)
{
	free(fd->host.refs);
	free(fd->live);
	free(fd->vm.design);
}
