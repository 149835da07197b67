/* The machine-class slug that names a baseline folder. */
#include "check.h"
#include "mclass.h"

int main(void)
{
	char buf[128];
	mclass_slug("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", 2, "pvm-shadow", buf,
		    sizeof(buf));
	CHECK_STR(buf, "intel-xeon-platinum-8375c-2-90ghz-2cpu-pvm-shadow");
	mclass_slug("  AMD EPYC 7763 64-Core Processor  ", 4, "npt", buf, sizeof(buf));
	CHECK_STR(buf, "amd-epyc-7763-64-core-4cpu-npt");
	mclass_slug("Intel(TM) Core(TM) i7", 8, NULL, buf, sizeof(buf));
	CHECK_STR(buf, "intel-core-i7-8cpu-nokvm");
	/* truncation keeps a terminated string */
	mclass_slug("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", 2, "ept", buf, 12);
	CHECK_STR(buf, "intel-xeon-");

	cb_error e;
	json_t *meta = json_pack("{s:{s:s,s:i,s:s}}", "fingerprint", "cpu_brand",
				 "QEMU Virtual CPU version 2.5+", "logical_cpus", 2, "kvm_mmu", "none");
	CHECK(mclass_from_meta(meta, buf, sizeof(buf), &e) == 0);
	CHECK_STR(buf, "qemu-virtual-version-2-5-2cpu-none");
	json_decref(meta);
	meta = json_pack("{s:{}}", "fingerprint");
	CHECK(mclass_from_meta(meta, buf, sizeof(buf), &e) < 0);
	CHECK(strstr(e.msg, "cpu_brand") != NULL);
	json_decref(meta);
	CHECK(mclass_from_meta(NULL, buf, sizeof(buf), &e) < 0);
	return check_done();
}
