/* `cowbench vm`: the guest COW / VM-exit sweep. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "env.h"
#include "hugepool.h"
#include "kvminfo.h"
#include "progress.h"
#include "vm_boot.h"
#include "vm_cmdline.h"
#include "vm_cpuid.h"
#include "vm_elf.h"
#include "vm_opts.h"
#include "vm_run.h"
#include "vm_sizing.h"
#include "vmm.h"

static uint64_t host_mem_bytes(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	return pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz : 1ull << 30;
}

struct boot_plan {
	uint64_t ram;
	double timeout;
	bool capped;
	struct vm_quota quota;
};

/* Both inputs are at most VM_RAM_MAX, a multiple of every backing's
 * rounding unit, so the rounded RAM is too. */
static struct boot_plan plan_boot(const struct vm_sweep *w, const struct vm_config *c,
				  uint64_t ram_cap)
{
	struct boot_plan p = {0};
	uint64_t ram = w->ram;
	if (!ram)
		ram = vm_ram_default(c->region_bytes, w->reps, w->nprims, ram_cap, &p.capped);
	p.ram = vm_backing_round(c->backing, ram);
	p.timeout = w->timeout > 0 ? w->timeout
				   : vm_timeout_default(c->region_bytes, w->reps, w->nprims);
	p.quota = vm_quota_plan(w->reps, w->nprims);
	return p;
}

int vm_main(int argc, char **argv)
{
	uint64_t start_ns = cb_now_ns();
	struct vm_opts o = {0};
	struct vm_sweep w;
	cb_error e;
	vm_opts_parse(argc, argv, &o);
	vm_sweep_parse(&o, &w);

	struct vm_config *cfgs;
	size_t ncfg = vm_sweep_configs(&w, &cfgs);

	struct kvm_info ki;
	kvm_info_probe("", &ki);
	bool tdp = ki.mmu == MMU_EPT || ki.mmu == MMU_NPT;

	/* Check everything the user handed us before the first boot. */
	char **cmdlines = cb_xcalloc(ncfg, sizeof(*cmdlines));
	struct boot_plan *plans = cb_xcalloc(ncfg, sizeof(*plans));
	uint64_t ram_cap = vm_ram_cap(host_mem_bytes()), max_ram = 0;
	for (size_t i = 0; i < ncfg; i++) {
		char buf[CB_BOOT_CMDLINE_MAX + 1];
		if (vm_cmdline_build(&cfgs[i], w.prims, w.nprims, w.reps, tdp, o.guest_args, buf,
				     sizeof(buf), &e) < 0)
			cb_die_err(CB_EXIT_USAGE, "--guest-args", &e);
		cmdlines[i] = cb_xstrdup(buf);
		plans[i] = plan_boot(&w, &cfgs[i], ram_cap);
		if (plans[i].ram > max_ram)
			max_ram = plans[i].ram;
	}
	char *kpath = vm_kernel_path(o.kernel);
	size_t klen;
	void *kernel = vm_kernel_load(kpath, &klen);
	struct elf_image img;
	if (elf_check(kernel, klen, max_ram ? max_ram : VM_RAM_MAX, &img, &e) < 0)
		cb_die(CB_EXIT_USAGE, "--kernel", "%s: %s", kpath, e.msg);
	const char *out = o.out ? o.out : ".";
	if (cb_make_out_dir(out, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--out", &e);

	struct kvm_sys sys;
	if (kvm_sys_open(&sys, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "vm", &e);
	vm_cpuid_filter(sys.cpuid, o.pv_cpuid);
	/* A run folder describes itself, whichever subcommand made it. */
	if (env_write_meta(out, true, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "--out", &e);
	hugepool_restore_on_signals();

	struct vm_store st;
	vm_store_init(&st);
	st.where = vm_where_names[w.where];
	st.mmu = kvm_mmu_name(ki.mmu);
	st.timing_valid = !kvm_mmu_timing_emulated(ki.mmu) && w.where != VM_WHERE_NESTED_TCG;
	char prims[64];
	st.prims = vm_prim_list(w.prims, w.nprims, prims, sizeof(prims));
	st.reps = w.reps;
	st.kernel = kpath;

	struct progress pr;
	progress_init(&pr, "cowbench: vm", (double)ncfg);
	size_t nok = 0, nfail = 0, nskip = 0, nstatic = 0;
	bool warned_cap = false;
	for (size_t i = 0; i < ncfg; i++)
		nstatic += cfgs[i].skip[0] != 0;
	if (nstatic)
		progress_note(&pr, "skipping %zu configuration(s) whose region is not a multiple of "
			      "the 2 MiB guest page (listed in vm-boots.csv)", nstatic);
	for (size_t i = 0; i < ncfg; i++) {
		char label[160];
		vm_config_label(&cfgs[i], label, sizeof(label));
		uint32_t b = vm_store_add_boot(&st, &cfgs[i]);
		const struct boot_plan *p = &plans[i];
		if (cfgs[i].skip[0]) {
			st.boots[b].status = VM_BOOT_SKIPPED;
			snprintf(st.boots[b].reason, sizeof(st.boots[b].reason), "%s", cfgs[i].skip);
		} else {
			if (p->capped && !warned_cap) {
				progress_note(&pr, "guest RAM capped at %" PRIu64 " MiB: COW copies may "
					      "reuse frames", p->ram >> 20);
				warned_cap = true;
			}
			progress_step(&pr, (double)i, "boot %zu/%zu: %s", i + 1, ncfg, label);
			struct vm_run_in in = {&sys, kernel, klen, cmdlines[i], strlen(cmdlines[i]),
					       p->ram, p->timeout, o.verbose, start_ns, &p->quota};
			char *dump;
			vm_run_boot(&in, &st, b, &dump);
			const struct vm_boot_row *br = &st.boots[b];
			if (o.verbose && br->status != VM_BOOT_SKIPPED)
				progress_note(&pr, "boot %u: %" PRIu64 " MiB RAM, prefault %.1f ms, "
					      "VM create %.2f ms, first hypercall %.2f ms, run %.1f ms", b,
					      br->ram_bytes >> 20, (double)br->prefault_ns / 1e6,
					      (double)br->create_vm_ns / 1e6, (double)br->boot_ns / 1e6,
					      (double)br->run_ns / 1e6);
			if (br->status == VM_BOOT_ERROR) {
				progress_note(&pr, "%s (boot %u: %s)", br->reason, b, label);
				if (dump)
					fputs(dump, stderr);
			}
			free(dump);
		}
		switch (st.boots[b].status) {
		case VM_BOOT_OK: nok++; break;
		case VM_BOOT_ERROR: nfail++; break;
		case VM_BOOT_SKIPPED:
			nskip++;
			if (!cfgs[i].skip[0])
				progress_note(&pr, "skipped %s: %s", label, st.boots[b].reason);
			break;
		}
		if (vm_store_write(&st, out, &e) < 0)
			cb_die_err(CB_EXIT_FAIL, "vm", &e);
	}
	progress_finish(&pr);
	fprintf(stderr, "cowbench: vm: %zu boot(s) ok, %zu failed, %zu skipped; %" PRIu64 " phase rows in "
		"%s/vm.csv\n", nok, nfail, nskip, st.phases_total, out);

	vm_store_free(&st);
	kvm_sys_close(&sys);
	for (size_t i = 0; i < ncfg; i++)
		free(cmdlines[i]);
	free(cmdlines);
	free(plans);
	free(cfgs);
	free(kernel);
	free(kpath);
	vm_sweep_free(&w);
	if (nfail)
		return CB_EXIT_FAIL;
	/* Nothing could run here (every configuration skipped, and said why):
	 * scripts/bench treats 77 as "not applicable", not as a failure. */
	return nok == 0 && nskip ? CB_EXIT_SKIP : CB_EXIT_OK;
}
