/* The named dimensions of the VM sweep, in sweep and column order: what
 * vm.csv and vm-boots.csv carry between primitive and region_bytes, what
 * the analysis groups a configuration by, and (vmm/vm_dims.c) the table of
 * options, names, config fields and guest keys of `cowbench vm`.
 *
 *   X(ENUM, column, schema, old_value)
 *     ENUM       VM_DIM_<ENUM>
 *     column     the CSV column
 *     schema     KEY (never empty) or STR, for analysis/run.c's check
 *     old_value  NULL: every vm.csv has the column; else the value the rows
 *                of files written before it existed had (the analysis
 *                fills it in, so old and new runs group and compare alike)
 */
#ifndef COWBENCH_CB_VM_DIMS_H
#define COWBENCH_CB_VM_DIMS_H

#include "cb_fork_designs.h"

#define CB_VM_DIMS(X)                          \
	X(GPAGE, guest_page, KEY, NULL)        \
	X(POLICY, cow_policy, STR, NULL)       \
	X(BACKING, backing, KEY, NULL)         \
	X(PREFAULT, prefault, KEY, NULL)       \
	X(DESIGN, fork_design, KEY, CB_FORK_DESIGN_DEFAULT)

#endif
