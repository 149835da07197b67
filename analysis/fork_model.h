/* The cost model of fork, fitted to a run's host.csv:
 *
 *   create_ns ~ a + b * mappings + c * (4 KiB PTEs copied) + d * (PMD entries copied)
 *
 * What fork's page-table copy does per unit, as mm/memory.c does it:
 * copy_page_range() walks each VMA of the parent (b: the VMA, its
 * anon_vma chain and the walk's setup), copy_pte_range() copies each
 * present 4 KiB PTE and write-protects it in the parent (c, with the page
 * table pages it allocates, one per 512), and copy_huge_pmd() or the
 * hugetlb copy copies each PMD-mapped huge page's one entry (d, THP and
 * hugetlbfs alike).  a is everything else: the task, its files, signals,
 * the process's other mappings.  1 GiB pages are copied as PUD entries, at
 * most 4 here, and are not a term of their own.
 *
 * From every fork sample with one thread (more threads add the TLB
 * shootdowns, which the model has no term for): the region's mappings
 * (vmas; none for a size-0 region), its 4 KiB PTEs (mem_bytes / 4 KiB,
 * less what huge_fraction says is PMD-mapped) and its PMD entries, fitted
 * by robust regression (analysis/fit.h) with relative noise. */
#ifndef COWBENCH_FORK_MODEL_H
#define COWBENCH_FORK_MODEL_H

#include <stdbool.h>

#include "csv.h"
#include "fit.h"

enum fork_term { FORK_TERM_BASE, FORK_TERM_VMA, FORK_TERM_PTE, FORK_TERM_PMD, FORK_TERM_COUNT };

/* "per mapping", ... as the report's table names them. */
extern const char *const fork_term_names[FORK_TERM_COUNT];

struct fork_model {
	struct fit_result fit;
	size_t configs; /* distinct (page_mode, mem_bytes, vmas) the rows span */
};

/* The terms of row `row` of a host.csv table and its create_ns; false
 * when the row is not one the model describes (not fork, several threads,
 * a value missing). */
bool fork_model_row(const struct csv_table *t, size_t row, double *x, double *y);

/* Fits the model to every row fork_model_row takes.  -1 with e set when
 * too few rows or configurations remain. */
int fork_model_fit(const struct csv_table *host, struct fork_model *m, cb_error *e);

/* The model's create_ns for terms x (FORK_TERM_COUNT of them), terms it
 * could not identify left out. */
double fork_model_predict(const struct fork_model *m, const double *x);

/* "fork here costs 21 us + 0.9 us per mapping + 6.5 ns per 4 KiB page +
 * 0.2 us per 2 MiB page"; terms the data cannot identify are left out. */
const char *fork_model_sentence(const struct fork_model *m, char *buf, size_t len);

#endif
