/* The host half of the report, shared by its files: report_host.c (the
 * figures and tables) and report_host_find.c (what the findings say, and
 * the machine's stability during the run). */
#ifndef COWBENCH_REPORT_HOST_H
#define COWBENCH_REPORT_HOST_H

#include "report.h"

struct hcfg {
	const struct group *g;
	const char *prim, *mode;
	double mem, dirty;
	struct stats_summary create, child, total, cow, cow_pp, faults;
	struct stats_summary create_norm, cow_pp_norm; /* speed-normalized (norm.h) */
	double huge, pte; /* medians; NaN when not recorded */
	unsigned flags;
};

struct host {
	struct report *r;
	struct host_findings *fd; /* what this section finds */
	struct grouping gr;
	struct hcfg *c;
	size_t n;
	const char *modes[16];
	size_t nmodes;
};

/* The findings of the host section (fills h->fd), once h is built. */
void report_host_find(struct host *h);
/* The host's per-page COW cost the VM section compares guest copies with. */
void report_host_pick_cow(struct host *h);
/* The probe over the run and the speed states it shows. */
int report_host_stability(struct host *h, cb_error *e);

#endif
