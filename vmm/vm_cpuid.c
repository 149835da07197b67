#include "vm_cpuid.h"

unsigned vm_cpuid_filter(struct kvm_cpuid2 *c, bool keep_pv)
{
	if (keep_pv)
		return 0;
	uint32_t out = 0;
	for (uint32_t i = 0; i < c->nent; i++) {
		uint32_t f = c->entries[i].function;
		if (f >= VM_CPUID_PV_FIRST && f <= VM_CPUID_PV_LAST)
			continue;
		c->entries[out++] = c->entries[i];
	}
	unsigned removed = c->nent - out;
	c->nent = out;
	return removed;
}
