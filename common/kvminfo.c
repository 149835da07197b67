#include "kvminfo.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *read_at(const char *root, const char *path)
{
	char full[512];
	snprintf(full, sizeof(full), "%s%s", root, path);
	return cb_read_text(full);
}

static bool exists_at(const char *root, const char *path)
{
	char full[512];
	struct stat st;
	snprintf(full, sizeof(full), "%s%s", root, path);
	return stat(full, &st) == 0;
}

/* Module parameters are "Y"/"N" or "1"/"0" depending on the module. */
static int bool_param(const char *root, const char *path)
{
	char *s = read_at(root, path);
	if (!s)
		return -1;
	int v = (s[0] == 'Y' || s[0] == 'y' || s[0] == '1');
	free(s);
	return v;
}

void kvm_info_probe(const char *root, struct kvm_info *out)
{
	memset(out, 0, sizeof(*out));
	char dev[512];
	snprintf(dev, sizeof(dev), "%s/dev/kvm", root);
	out->dev_present = exists_at(root, "/dev/kvm");
	if (out->dev_present) {
		int fd = open(dev, O_RDWR | O_CLOEXEC);
		out->dev_usable = fd >= 0;
		if (fd >= 0)
			close(fd);
	}
	out->tdp_mmu = bool_param(root, "/sys/module/kvm/parameters/tdp_mmu");
	out->nested = -1;
	/* kvm_pvm can sit beside a vendor module; when it is loaded it is what
	 * /dev/kvm hands out on these hosts, and it always shadows. */
	if (exists_at(root, "/sys/module/kvm_pvm")) {
		out->module = "kvm_pvm";
		out->mmu = MMU_PVM_SHADOW;
	} else if (exists_at(root, "/sys/module/kvm_intel")) {
		out->module = "kvm_intel";
		int ept = bool_param(root, "/sys/module/kvm_intel/parameters/ept");
		out->mmu = ept == 1 ? MMU_EPT : ept == 0 ? MMU_SHADOW : MMU_UNKNOWN;
		out->nested = bool_param(root, "/sys/module/kvm_intel/parameters/nested");
	} else if (exists_at(root, "/sys/module/kvm_amd")) {
		out->module = "kvm_amd";
		int npt = bool_param(root, "/sys/module/kvm_amd/parameters/npt");
		out->mmu = npt == 1 ? MMU_NPT : npt == 0 ? MMU_SHADOW : MMU_UNKNOWN;
		out->nested = bool_param(root, "/sys/module/kvm_amd/parameters/nested");
	} else {
		out->mmu = out->dev_present ? MMU_UNKNOWN : MMU_NONE;
	}
}

const char *kvm_mmu_name(enum kvm_mmu_mode m)
{
	switch (m) {
	case MMU_NONE: return "none";
	case MMU_EPT: return "ept";
	case MMU_NPT: return "npt";
	case MMU_SHADOW: return "shadow";
	case MMU_PVM_SHADOW: return "pvm-shadow";
	case MMU_UNKNOWN: break;
	}
	return "unknown";
}

bool kvm_mmu_timing_emulated(enum kvm_mmu_mode m)
{
	return m == MMU_PVM_SHADOW;
}
