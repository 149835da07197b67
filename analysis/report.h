/* cowbench report: the pieces shared by its host and VM sections. */
#ifndef COWBENCH_REPORT_H
#define COWBENCH_REPORT_H

#include <stdio.h>

#include "gp.h"
#include "group.h"
#include "refs.h"
#include "run.h"
#include "stats.h"

/* Why a number in a table or figure is not hardware time.  Every table and
 * figure prints the flags of the rows it shows. */
enum report_flag {
	RF_TIMING_INVALID = 1u << 0, /* vm.csv timing_valid=false */
	RF_PVM = 1u << 1,	     /* mmu=pvm-shadow: guest ring 0 emulated */
	RF_TCG = 1u << 2,	     /* where=nested-tcg: everything emulated */
	RF_NO_PERF = 1u << 3,	     /* meta.json perf.*: unsupported */
	RF_NOT_CONVERGED = 1u << 4,  /* host-summary.csv converged=false */
};

struct report {
	struct run run;
	FILE *md;     /* summary.md's body being written (the findings go first) */
	FILE *tables; /* summary-tables.md: the per-configuration tables */
	char *plots_dir;
	unsigned run_flags;	/* flags of the whole run (RF_NO_PERF) */
	char perf_missing[160]; /* the unsupported counters, for the flag text */
	struct refs refs;
	bool have_refs;
	char refs_note[256]; /* why there is no overlay, when there is none */
	size_t nplots;	     /* plots rendered and embedded */
};

/* What a section found that later sections (and the summary's findings)
 * build on.  Each section fills its own and reads only earlier ones. */

/* Whether a published point was drawn on the fork-latency plot, and if not why. */
struct ref_use {
	bool plotted;
	char why[128];
};

/* A median and its 95% interval. */
struct report_est {
	double med, lo, hi;
};
/* A summary's median and its 95% interval. */
static inline struct report_est report_est_of(const struct stats_summary *s)
{
	return (struct report_est){s->median, s->ci_lo, s->ci_hi};
}

struct host_flat {
	const char *prim;
	struct report_est at_max; /* create at the largest size */
	double mem_max, min, max; /* over the sizes measured at 4k */
};

struct host_huge {
	const char *mode;
	double mem;
	struct report_est c4k, huge; /* fork create at that size, 4k and this mode */
};

struct host_findings {
	/* The host's per-page COW cost the VM section compares guest copies
	 * with (cow_pp.n == 0 when the run has no such configuration). */
	struct stats_summary cow_pp; /* host fork, 4k: ns per dirtied page */
	char cow_cfg[96];	     /* which host configuration that is */
	/* host-floor.csv; NaN when absent */
	double floor_copy_4k_ns, floor_copy_2m_ns, floor_memcpy_bps;
	struct ref_use *refs; /* one per r->refs.p, NULL without refs */
	bool have;	      /* the run has host rows */
	/* fork create per GiB of parent memory at 4k, from size 0 (or the
	 * smallest) to the largest; NaN when fewer than two sizes */
	struct report_est fork_per_gib;
	/* the same speed-normalized (norm.h; NaN without the probe), and COW
	 * per page: shown beside the raw ones when the machine changed speed */
	double fork_per_gib_norm, cow_pp_norm;
	double fork_gib_from, fork_gib_to;
	struct host_huge huge[3];
	size_t nhuge;
	struct host_flat flat[4];
	size_t nflat;
	/* the machine-state probe (host.csv probe_cpu_ns), all samples */
	size_t nprobe;
	double probe_p5, probe_med, probe_p95;
	struct stats_states probe;
	unsigned flags; /* of the host figures */
};

/* Per place and MMU mode: VM exits per guest COW fault (net of the null
 * phase), fork with 4 KiB guest pages, over its configurations. */
struct vm_mmu_finding {
	char where[32], mmu[32];
	double med, min, max; /* median of the configurations' medians, and their range */
	size_t nconf;
	unsigned flags;
};

struct vm_design_findings; /* report_vm.h */

struct vm_findings {
	struct vm_mmu_finding m[8];
	size_t n;
	struct vm_design_findings *design; /* the fork designs side by side; NULL when none ran */
};

struct live_findings; /* report_live.h */

struct findings {
	struct host_findings host;
	struct live_findings *live; /* what a live child costs; NULL when nothing measured it */
	struct vm_findings vm;
};

/* The summary's opening section, from what the sections found. */
void report_findings(FILE *f, const struct report *r, const struct findings *fd);
void report_findings_free(struct findings *fd);

/* The flags of the whole run (from meta.json), before any section. */
void report_run_flags(struct report *r);

/* The sections, in the order summary.md shows them (report.c lists them). */
void report_env(struct report *r);
int report_host(struct report *r, struct host_findings *out, cb_error *e);
int report_vm(struct report *r, const struct host_findings *host, struct vm_findings *out,
	      cb_error *e);
/* What a live child costs: writes beside it, copies, threads, mappings,
 * the model of fork (report_live.h). */
int report_live(struct report *r, struct live_findings **out, cb_error *e);
/* Its sentences in the findings. */
void report_live_findings(FILE *f, const struct live_findings *l);
/* The QEMU cross-check table, when the run has qemu-crosscheck.csv. */
void report_crosscheck(struct report *r);
/* The published figures table, saying which points the host section drew. */
void report_refs_table(struct report *r, const struct host_findings *host);
/* Loads the published figures (from dir, or the default folder). */
void report_refs_load(struct report *r, const char *dir, bool explicit_dir);

/* Writes one "> ⚠ ..." line per flag set, under a table or figure. */
void report_flags(struct report *r, unsigned flags);
/* Short codes for a table cell ("pvm-shadow, not-converged"); "" for none. */
const char *report_flag_codes(unsigned flags, char *buf, size_t len);
/* Renders a plot and embeds it in summary.md (PNG inline, SVG linked). */
int report_figure(struct report *r, struct gp_plot *p, const char *alt, cb_error *e);
/* Opens a plot in the run's plots/ folder. */
int report_plot_open(struct report *r, struct gp_plot *p, const char *name, const char *what,
		     int width, int height, cb_error *e);

/* The title of a plot: head, the key values every configuration shares,
 * and the flags ("(!) pvm-shadow, ...") of what it shows.  Writes
 * `set title "..."` (or, with multiplot, the quoted string alone). */
void report_plot_title(FILE *script, const char *head, const char *common, unsigned flags,
		       bool multiplot);

/* Starts a per-configuration table in summary-tables.md, under its own
 * heading and anchor, links it from summary.md, and returns the stream to
 * write it to: summary.md stays one screen of findings and figures. */
FILE *report_appendix(struct report *r, const char *anchor, const char *title);

/* Markdown table header from a NULL-terminated list of column names. */
void report_table_head(FILE *f, const char *const *cols);
/* A per-row value of a derived metric; NaN when the row has none. */
typedef double (*report_row_fn)(const struct csv_table *t, size_t row, void *arg);
/* Summarises fn over a group's rows, NaNs dropped. */
void report_summarize(const struct grouping *gr, const struct group *g, report_row_fn fn,
		      void *arg, struct stats_summary *s);
/* The same, for a timing: where host.csv has rounds, its median and
 * interval are over rounds (stats_rounds_summarize), as host-summary.csv's
 * are, so the interval covers what the next run will see. */
void report_time_summary(const struct grouping *gr, const struct group *g, report_row_fn fn,
			 void *arg, struct stats_summary *s);
/* A numeric column by name; NaN when empty or absent. */
double report_value(const struct csv_table *t, size_t row, const char *col);
/* The same as a report_row_fn (arg = column name). */
double report_col(const struct csv_table *t, size_t row, void *col_name);
/* A group_filter: a host row of the classic sweep, every dimension of
 * common/host_dims.h at its default (the child writes densely, one
 * thread, one mapping); the sections that answer the other questions
 * take the rest. */
bool report_host_classic(const struct csv_table *t, size_t row, void *arg);
/* Adds mode to modes[0..n) unless it is there (and there is room for
 * max); returns the new count. */
size_t report_mode_add(const char **modes, size_t n, size_t max, const char *mode);
/* modes[0..n) in the documented page-mode order: the panels' order. */
void report_modes_sort(const char **modes, size_t n);

/* Colour and point type of a primitive (or any name), the same in every
 * plot so a reader learns them once. */
const char *report_color(const char *name);
int report_point_type(const char *name);

/* A key value as a label shows it: "prefaulted" for prefault=yes, "2M
 * region" for region_bytes=2097152, "guest 4k", "16 dirty". */
const char *report_label_value(const char *key, const char *v, char *buf, size_t len);

/* Labels for a set of configurations: only the key columns whose values
 * differ between them (the rest go into `common`, "k=v, k=v").  labels[i]
 * is malloc'ed; lines joined by '\n' when multiline, else by spaces. */
void report_varying_labels(const struct grouping *gr, const struct group *const *gs, size_t n,
			   bool multiline, char **labels, char *common, size_t common_len);

#endif
