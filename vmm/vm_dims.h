/* The VM sweep's named dimensions, as one table: each row says how users
 * spell it (--option and the names it takes), where a configuration keeps
 * its value, which guest command-line key carries it,
 * and how a label shows it.  The matrix builder, the label, the guest
 * command line, the CSV writer, the option parser, --help and
 * `cowbench vm --list` are all loops over this table, so adding a
 * dimension is a line in common/cb_vm_dims.h, one row here, one field in
 * struct vm_config and its names (plus what the guest does with it). */
#ifndef COWBENCH_VM_DIMS_H
#define COWBENCH_VM_DIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "cb_vm_dims.h"

/* In common/cb_vm_dims.h's order: the matrix varies the last one fastest
 * (before region size and dirty count), and CSVs carry them in this order. */
#define VM_DIM_ENUM(E, column, schema, old_value) VM_DIM_##E,
enum vm_dim { CB_VM_DIMS(VM_DIM_ENUM) VM_DIM_COUNT };
#undef VM_DIM_ENUM

struct vm_config;

struct vm_dim_desc {
	const char *option;	  /* --<option> LIST; `cowbench vm --list <option>` */
	const char *help;	  /* its --help text (tests check it names every value) */
	const char *kind;	  /* "guest page": in error messages */
	const char *const *names; /* the values, NULL-terminated */
	size_t off;		  /* of the value's index (an int) in struct vm_config */
	const char *cmdline;	  /* the guest command-line key; NULL: not passed on */
	const char *label;	  /* a label shows "<label>=<value>"; NULL: the value alone */
	/* Varies only where dimension `only_dim` has the value `only_value`
	 * (a 2 MiB COW policy needs 2 MiB pages); elsewhere it is fixed at
	 * `otherwise`.  only_dim < 0: varies everywhere. */
	int only_dim, only_value, otherwise;
};

extern const struct vm_dim_desc vm_dims[VM_DIM_COUNT];
/* Each dimension's column in vm.csv and vm-boots.csv (cb_vm_dims.h). */
extern const char *const vm_dim_columns[VM_DIM_COUNT];

int vm_dim_get(const struct vm_config *c, enum vm_dim d);
void vm_dim_set(struct vm_config *c, enum vm_dim d, int value);
/* The name of c's value of d. */
const char *vm_dim_value(const struct vm_config *c, enum vm_dim d);
/* Whether d varies at c (see only_dim). */
bool vm_dim_applies(const struct vm_config *c, enum vm_dim d);
/* The dimension whose option is `option` ("guest-pages"), or -1. */
int vm_dim_find(const char *option);

#endif
