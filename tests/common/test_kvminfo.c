/* MMU detection against fake sysfs trees, one per kind of host. */
#include <sys/stat.h>

#include "check.h"
#include "kvminfo.h"

static char root[64];

static void put(const char *path, const char *text)
{
	char full[256], cmd[300];
	snprintf(full, sizeof(full), "%s%s", root, path);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname %s)\"", full);
	if (system(cmd) != 0)
		abort();
	FILE *f = fopen(full, "w");
	if (text)
		fputs(text, f);
	fclose(f);
}

static enum kvm_mmu_mode detect(void)
{
	struct kvm_info ki;
	kvm_info_probe(root, &ki);
	return ki.mmu;
}

static void fresh(void)
{
	char cmd[128];
	if (root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		if (system(cmd) != 0)
			abort();
	}
	strcpy(root, "/tmp/cowbench-kvminfo-XXXXXX");
	if (!mkdtemp(root))
		abort();
}

int main(void)
{
	fresh();
	CHECK(detect() == MMU_NONE);
	put("/dev/kvm", "");
	CHECK(detect() == MMU_UNKNOWN);

	put("/sys/module/kvm_intel/parameters/ept", "Y\n");
	CHECK(detect() == MMU_EPT);
	put("/sys/module/kvm_intel/parameters/ept", "N\n");
	CHECK(detect() == MMU_SHADOW);

	fresh();
	put("/dev/kvm", "");
	put("/sys/module/kvm_amd/parameters/npt", "1\n");
	put("/sys/module/kvm_amd/parameters/nested", "1\n");
	put("/sys/module/kvm/parameters/tdp_mmu", "Y\n");
	struct kvm_info ki;
	kvm_info_probe(root, &ki);
	CHECK(ki.mmu == MMU_NPT);
	CHECK(ki.nested == 1);
	CHECK(ki.tdp_mmu == 1);
	CHECK_STR(ki.module, "kvm_amd");
	put("/sys/module/kvm_amd/parameters/npt", "0\n");
	CHECK(detect() == MMU_SHADOW);

	/* PVM wins over a vendor module loaded beside it */
	put("/sys/module/kvm_pvm/parameters/pvm_native", "Y\n");
	CHECK(detect() == MMU_PVM_SHADOW);
	CHECK_STR(kvm_mmu_name(MMU_PVM_SHADOW), "pvm-shadow");
	CHECK(kvm_mmu_timing_emulated(MMU_PVM_SHADOW));
	CHECK(!kvm_mmu_timing_emulated(MMU_EPT));

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	CHECK(system(cmd) == 0);
	return check_done();
}
