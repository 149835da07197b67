/* Reading an interrupted sweep back (`cowbench vm --resume`).
 *
 * vm_store_write appends each boot's rows to vm-stats.csv, vm-results.csv,
 * vm-boots.csv and vm.csv, in that order, one file after the other.  A
 * SIGKILL can land anywhere in that: the files then hold every boot before
 * some boot b, b's rows are whole in the files before one, a prefix of
 * them (maybe ending in half a row) is in that one, and none are in the
 * files after it.  So a boot is finished when its vm-boots.csv row is whole,
 * vm.csv holds the `phases` rows that row promises, and every one of those
 * phases has its statistics in vm-stats.csv (each has one at least: its
 * end mark is a hypercall, so the VMM's `hc` count of it is never 0).
 *
 * The scan matches the folder's boots (rows of this sweep's `where`), in
 * order, to the plan's: boot j of the folder must be the plan's boot j.
 * The finished ones are kept; from the first that is not, every row of this
 * `where` is dropped, as are statistics and results that belong to no kept
 * row, and torn last rows.  Rows of other places (scripts/nested merges
 * them in) stay.  The ids continue past every id kept, so a resumed sweep
 * numbers its boots and samples as an uninterrupted one would have.
 *
 * Pure file work: tests run it without /dev/kvm. */
#ifndef COWBENCH_VM_RESUME_H
#define COWBENCH_VM_RESUME_H

#include "csv.h"
#include "vm_matrix.h"
#include "vm_store.h"

struct vm_resume_in {
	const char *dir;
	const char *where, *mmu, *prims;
	uint64_t reps;
	const struct vm_config *cfgs; /* the plan's boots, in order */
	size_t ncfg;
};

#define VM_RESUME_NOTES 4

struct vm_resume {
	size_t done;			 /* the plan's boots [0, done) are finished there */
	uint64_t next_boot, next_sample; /* the ids to continue with */
	size_t nok, nfail, nskip;	 /* the finished boots, by status */
	uint64_t phases;		 /* their vm.csv rows */

	/* What the cut changes, per file (enum vm_csv_file). */
	size_t torn_bytes[VM_CSV_COUNT]; /* a last row cut short */
	size_t dropped[VM_CSV_COUNT];	 /* whole rows dropped */
	bool missing[VM_CSV_COUNT];	 /* no file (or no header): made again */
	/* What to tell the user, one line each. */
	char notes[VM_RESUME_NOTES][400];
	size_t nnotes;

	struct csv_table *t[VM_CSV_COUNT];
	bool *keep[VM_CSV_COUNT];
};

/* Reads the folder and decides the cut; changes nothing.  -1 when the
 * folder is not this plan's or cannot be read (e says why). */
int vm_resume_scan(const struct vm_resume_in *in, struct vm_resume *r, cb_error *e);
/* Rewrites, each atomically, the files the cut changes (and removes the
 * temporary files an interrupted write left), so that appends can follow. */
int vm_resume_cut(const struct vm_resume *r, const char *dir, cb_error *e);
void vm_resume_free(struct vm_resume *r);

/* Whether any vm*.csv file in dir holds a row (a folder with rows but no
 * plan is another sweep's, or an older cowbench's: not ours to resume). */
bool vm_resume_has_rows(const char *dir);

#endif
