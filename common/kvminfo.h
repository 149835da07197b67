/* What the host's KVM is: which module, which MMU mode.  Shared by the
 * environment fingerprint and the VMM, which records it in every row. */
#ifndef COWBENCH_KVMINFO_H
#define COWBENCH_KVMINFO_H

#include "cb.h"

enum kvm_mmu_mode {
	MMU_NONE,	/* no /dev/kvm */
	MMU_EPT,	/* kvm_intel, ept=Y */
	MMU_NPT,	/* kvm_amd, npt=1 */
	MMU_SHADOW,	/* kvm_intel ept=N or kvm_amd npt=0 */
	MMU_PVM_SHADOW, /* kvm_pvm: shadow paging, guest ring 0 emulated */
	MMU_UNKNOWN,	/* /dev/kvm present, module not recognised */
};

struct kvm_info {
	bool dev_present;	/* /dev/kvm exists */
	bool dev_usable;	/* and can be opened read-write */
	const char *module;	/* "kvm_intel", "kvm_amd", "kvm_pvm" or NULL */
	enum kvm_mmu_mode mmu;
	int tdp_mmu;		/* kvm.tdp_mmu: 1, 0, or -1 when absent */
	int nested;		/* the vendor module's nested param: 1, 0, -1 */
};

/* root is prepended to /sys and /dev paths ("" on a real system) so tests
 * can run against a fake tree. */
void kvm_info_probe(const char *root, struct kvm_info *out);
const char *kvm_mmu_name(enum kvm_mmu_mode m);
/* true when the MMU mode means guest timings are not hardware timings. */
bool kvm_mmu_timing_emulated(enum kvm_mmu_mode m);

#endif
