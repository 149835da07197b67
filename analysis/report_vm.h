/* The VM half of the report, shared by its files: report_vm.c (loading,
 * per-row values, the section), report_vm_fault.c (per COW fault: exits,
 * time, theory), report_vm_kinds.c (exit kinds per phase, every KVM
 * statistic), report_vm_design.c (the fork designs side by side). */
#ifndef COWBENCH_REPORT_VM_H
#define COWBENCH_REPORT_VM_H

#include "cb_fork_designs.h"
#include "report.h"

/* Counters netted against the null phase of the same boot. */
enum { C_EXITS, C_PF_TAKEN, C_PF_GUEST, C_INVLPG, C_IO, C_FRESH, C_COUNT };

/* A dirty-phase configuration with COW copies to divide by: what the
 * per-fault sections show of it, summarised once. */
struct fault_cfg {
	const struct group *g;		 /* in vm.dirty */
	unsigned flags;			 /* report_vm_flags */
	struct stats_summary net, raw;	 /* exits per COW copy: net of the null phase, raw */
	struct stats_summary copies;	 /* cow_copies + cow_copies_2m */
	struct stats_summary ns, cycles; /* guest time per COW copy */
};

struct vm {
	struct report *r;
	const struct host_findings *host; /* what the host section found */
	const struct csv_table *t;
	struct grouping boots;	/* null-phase rows by boot */
	double (*null_med)[C_COUNT];
	struct grouping dirty;	/* dirty-phase rows by configuration */
	struct grouping phases; /* every row by configuration and phase */
	struct grouping stats;	/* all vm-stats rows by sample, phase */
	/* The dirty-phase configurations with COW copies; their labels (the
	 * keys that differ, a line each: fmt_md_cell flattens them in table
	 * cells) and the key values they all share. */
	struct fault_cfg *faults;
	size_t nfaults;
	char **labels;
	int label_lines; /* of the tallest label */
	char common[512];
};

/* The argument of the per-row functions below. */
struct rowarg {
	struct vm *v;
	int c; /* a counter (C_*) or an exit kind (K_*) */
};

/* Per-row values (report_row_fn): a counter minus the boot's null median,
 * and that per COW copy. */
double report_vm_net(const struct csv_table *t, size_t row, void *rowarg);
double report_vm_net_per_fault(const struct csv_table *t, size_t row, void *rowarg);
/* Why a configuration's rows are not hardware time (RF_PVM, RF_TCG,
 * RF_TIMING_INVALID); the run-wide flags are the figure's business. */
unsigned report_vm_flags(const struct vm *v, const struct group *g);

/* "Every row below: ..." under a figure, when the configurations share keys. */
void report_vm_common_line(FILE *f, const char *common);
void report_vm_free_labels(char **labels, size_t n);

/* The fork-design section's numbers (report_vm_design.c), for a Findings
 * sentence: per configuration that ran more than one design, per design
 * in common/cb_fork_designs.h's order, medians (NaN: not measured). */
#define VM_DESIGN_ONE(E, n) +1
enum { VM_DESIGNS = 0 CB_FORK_DESIGNS(VM_DESIGN_ONE), VM_DESIGN_POINTS = 12 };
#undef VM_DESIGN_ONE
struct vm_design_cost {
	size_t n;		       /* fork samples */
	double create_exits;	       /* fork: VM exits, net of the null phase */
	double create_pte_writes;      /* fork: guest page-table entries stored */
	double full_copies;	       /* fork: pages it copied (full) */
	double create_us;	       /* fork: guest time; `flags` say if not hardware time */
	double dirty_exits_per_fault;  /* the child's writes: VM exits per COW fault, net */
	double dirty_pt_copies;	       /* ... page tables copied (odf) */
	double dirty_pte_writes;       /* ... entries stored */
};
struct vm_design_point {
	char where[24], mmu[24];
	char config[200]; /* every key, as a label shows it: "host, pvm-shadow, guest 4k, ..." */
	double region_bytes;
	unsigned flags; /* RF_* of its rows */
	bool have[VM_DESIGNS];
	struct vm_design_cost cost[VM_DESIGNS];
};
struct vm_design_findings {
	size_t npoints;
	struct vm_design_point points[VM_DESIGN_POINTS];
};

/* The sections. */
int report_vm_exits_per_fault(struct vm *v, cb_error *e);
int report_vm_cost_per_copy(struct vm *v, cb_error *e);
void report_vm_theory(struct vm *v);
int report_vm_exit_kinds(struct vm *v, cb_error *e);
void report_vm_stats_details(struct vm *v);
/* Writes nothing when no configuration ran two designs; out may be NULL. */
int report_vm_designs(struct vm *v, struct vm_design_findings *out, cb_error *e);

#endif
