/* The guest command line: exact text, limits, hostile --guest-args. */
#include "check.h"
#include "vm_cmdline.h"

int main(void)
{
	struct vm_config c = {.gpage = VM_GPAGE_2M, .policy = VM_POLICY_SPLIT,
			      .backing = VM_BACKING_THP, .region_bytes = 4u << 20, .dirty_pages = 16};
	int prims[] = {CB_PRIM_FORK, CB_PRIM_CLONE_VM, CB_PRIM_SPAWN};
	char buf[CB_BOOT_CMDLINE_MAX + 1];
	cb_error e;
	int n = vm_cmdline_build(&c, prims, 3, 5, false, NULL, buf, sizeof(buf), &e);
	CHECK_STR(buf, "region=4194304 dirty=16 prims=fork,clone_vm,spawn reps=5 gpage=2m "
		       "policy=split fork=full");
	CHECK(n == (int)strlen(buf));

	c.gpage = VM_GPAGE_4K;
	c.policy = VM_POLICY_COPY;
	c.design = 2; /* odf */
	n = vm_cmdline_build(&c, prims + 2, 1, 1, false, "selftest=1 trace=0", buf, sizeof(buf), &e);
	CHECK_STR(buf, "region=4194304 dirty=16 prims=spawn reps=1 gpage=4k policy=copy fork=odf "
		       "selftest=1 trace=0");
	CHECK(n == (int)strlen(buf));
	n = vm_cmdline_build(&c, prims, 1, 1, false, "", buf, sizeof(buf), &e);
	CHECK_STR(buf, "region=4194304 dirty=16 prims=fork reps=1 gpage=4k policy=copy fork=odf");
	CHECK(n == (int)strlen(buf));

	/* The same primitive list vm-boots.csv carries. */
	char list[64];
	CHECK_STR(vm_prim_list(prims, 3, list, sizeof(list)), "fork,clone_vm,spawn");
	CHECK_STR(vm_prim_list(prims, 0, list, sizeof(list)), "");
	CHECK_STR(vm_prim_list(prims, 3, list, 8), "fork,cl"); /* truncated, terminated */

	/* A prefaulted boot asks the guest to warm TDP tables, and only on TDP. */
	c.prefault = true;
	vm_cmdline_build(&c, prims, 1, 1, true, "", buf, sizeof(buf), &e);
	CHECK_STR(buf, "region=4194304 dirty=16 prims=fork reps=1 gpage=4k policy=copy fork=odf prefault=1");
	vm_cmdline_build(&c, prims, 1, 1, false, "", buf, sizeof(buf), &e);
	CHECK_STR(buf, "region=4194304 dirty=16 prims=fork reps=1 gpage=4k policy=copy fork=odf");
	c.prefault = false;
	vm_cmdline_build(&c, prims, 1, 1, true, "", buf, sizeof(buf), &e);
	CHECK_STR(buf, "region=4194304 dirty=16 prims=fork reps=1 gpage=4k policy=copy fork=odf");

	/* Longer than the boot protocol's page: refused, not truncated. */
	char big[CB_BOOT_CMDLINE_MAX + 10];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(vm_cmdline_build(&c, prims, 1, 1, false, big, buf, sizeof(buf), &e) == -1);
	CHECK(strstr(e.msg, "exceeds") != NULL);
	/* A buffer smaller than the line: refused too. */
	char small[16];
	CHECK(vm_cmdline_build(&c, prims, 1, 1, false, NULL, small, sizeof(small), &e) == -1);
	/* Control characters would let --guest-args forge keys on new lines. */
	CHECK(vm_cmdline_build(&c, prims, 1, 1, false, "a\nregion=0", buf, sizeof(buf), &e) == -1);
	CHECK(vm_cmdline_build(&c, prims, 1, 1, false, "\x7f", buf, sizeof(buf), &e) == -1);
	CHECK(vm_cmdline_build(&c, prims, 1, 1, false, "caf\xc3\xa9", buf, sizeof(buf), &e) == -1);
	return check_done();
}
