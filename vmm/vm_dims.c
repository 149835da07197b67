#include "vm_dims.h"

#include <string.h>

#include "vm_matrix.h"

#define DIM_FIELD(f) offsetof(struct vm_config, f)
#define EVERYWHERE -1, 0, 0

#define VM_DIM_COLUMN(E, column, schema, old_value) [VM_DIM_##E] = #column,
const char *const vm_dim_columns[VM_DIM_COUNT] = {CB_VM_DIMS(VM_DIM_COLUMN)};
#undef VM_DIM_COLUMN

static const char *const design_names[] = {CB_FORK_DESIGNS(CB_FORK_DESIGN_NAME) NULL};

const struct vm_dim_desc vm_dims[VM_DIM_COUNT] = {
	[VM_DIM_GPAGE] = {"guest-pages", "guest page size of the region: 4k,2m", "guest page",
			  vm_gpage_names, DIM_FIELD(gpage), "gpage", NULL, EVERYWHERE},
	[VM_DIM_POLICY] = {"cow-policy", "2 MiB COW: copy (whole page), split (then copy 4 KiB)",
			   "COW policy", vm_policy_names, DIM_FIELD(policy), "policy", NULL,
			   /* a 4 KiB COW always copies 4 KiB */
			   VM_DIM_GPAGE, VM_GPAGE_2M, VM_POLICY_COPY},
	[VM_DIM_BACKING] = {"backing", "guest RAM on the host: anon4k,thp,hugetlb2m,hugetlb1g",
			    "backing", vm_backing_names, DIM_FIELD(backing), NULL, NULL, EVERYWHERE},
	[VM_DIM_PREFAULT] = {"prefault", "no,yes: populate guest RAM before boot",
			     "prefault value", vm_prefault_names, DIM_FIELD(prefault), NULL,
			     "prefault", EVERYWHERE},
	[VM_DIM_DESIGN] = {"fork-design",
			   "the guest's fork: full (copy every page), eager (copy page tables,\n"
			   "                      share pages COW), odf (share page tables too)",
			   "fork design", design_names, DIM_FIELD(design), "fork", "fork", EVERYWHERE},
};

/* The fields are read and written as int through their offsets. */
_Static_assert(sizeof(enum vm_gpage) == sizeof(int) && sizeof(enum vm_policy) == sizeof(int) &&
		       sizeof(enum vm_backing) == sizeof(int),
	       "dimension fields are ints");

int vm_dim_get(const struct vm_config *c, enum vm_dim d)
{
	int v;
	memcpy(&v, (const char *)c + vm_dims[d].off, sizeof(v));
	return v;
}

void vm_dim_set(struct vm_config *c, enum vm_dim d, int value)
{
	memcpy((char *)c + vm_dims[d].off, &value, sizeof(value));
}

const char *vm_dim_value(const struct vm_config *c, enum vm_dim d)
{
	return vm_dims[d].names[vm_dim_get(c, d)];
}

bool vm_dim_applies(const struct vm_config *c, enum vm_dim d)
{
	const struct vm_dim_desc *x = &vm_dims[d];
	return x->only_dim < 0 || vm_dim_get(c, (enum vm_dim)x->only_dim) == x->only_value;
}

int vm_dim_find(const char *option)
{
	for (int d = 0; d < VM_DIM_COUNT; d++)
		if (!strcmp(vm_dims[d].option, option))
			return d;
	return -1;
}
