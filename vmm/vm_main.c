/* `cowbench vm`: the guest COW / VM-exit sweep. */
#include <errno.h>
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
#include "vm_plan.h"
#include "vm_resume.h"
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

/* --resume with no option the plan depends on: the options the sweep was
 * started with (vm-plan.json), then this command's, which may change the
 * watchdog, the console and the kernel's path, never the plan.  Returns
 * the recorded options (NULL when there is no plan to take them from). */
static char **replay_options(struct vm_opts *o, char **given, size_t ngiven, size_t *nrec,
			     char ***argv_out)
{
	const char *out = o->out ? o->out : ".";
	char **rec;
	cb_error e;
	int rc = vm_plan_read(out, NULL, &rec, nrec, &e);
	if (rc < 0)
		cb_die_err(CB_EXIT_USAGE, "--resume", &e);
	if (rc == 0)
		return NULL;
	char **argv = cb_xcalloc(*nrec + ngiven + 2, sizeof(*argv));
	argv[0] = "vm";
	memcpy(argv + 1, rec, *nrec * sizeof(*argv));
	memcpy(argv + 1 + *nrec, given, ngiven * sizeof(*argv));
	const char *given_out = o->out;
	memset(o, 0, sizeof(*o));
	vm_opts_parse((int)(*nrec + ngiven + 1), argv, o);
	o->out = given_out; /* not the one recorded: the folder may have moved */
	*argv_out = argv;
	return rec;
}

/* Whether `out` holds this plan's sweep to continue (*r then says how
 * far it got); false when it holds no sweep at all (a fresh one starts).
 * Anything else is bad input, found before a file is touched. */
static bool resume_scan(const char *out, const struct vm_plan *plan,
			const struct vm_resume_in *in, struct vm_resume *r)
{
	struct vm_plan there;
	cb_error e;
	int rc = vm_plan_read(out, &there, NULL, NULL, &e);
	if (rc < 0)
		cb_die_err(CB_EXIT_USAGE, "--resume", &e);
	if (rc == 0) {
		if (vm_resume_has_rows(out))
			cb_die(CB_EXIT_USAGE, "--resume", "%s holds vm*.csv rows but no %s (another "
			       "sweep's, or an older cowbench's): nothing this can resume", out,
			       VM_PLAN_FILE);
		return false;
	}
	rc = vm_plan_compare(&there, plan, &e);
	vm_plan_free(&there);
	if (rc < 0)
		cb_die(CB_EXIT_USAGE, "--resume", "%s holds a sweep of %s", out, e.msg);
	if (vm_resume_scan(in, r, &e) < 0)
		cb_die(CB_EXIT_USAGE, "--resume", "%s/%s", out, e.msg);
	return true;
}

/* A fresh sweep: the files, with their headers alone, then the plan.  The
 * old plan goes first, so a folder is never this plan's while it still
 * holds another sweep's rows. */
static void start_fresh(struct vm_store *st, const char *out, const struct vm_plan *plan,
			char *const *args, size_t nargs)
{
	cb_error e;
	char *path = cb_path_join(out, VM_PLAN_FILE);
	if (unlink(path) != 0 && errno != ENOENT)
		cb_die(CB_EXIT_FAIL, "--out", "cannot remove %s: %s", path, strerror(errno));
	free(path);
	if (vm_store_write(st, out, &e) < 0 || vm_plan_write(out, plan, args, nargs, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "vm", &e);
}

int vm_main(int argc, char **argv)
{
	uint64_t start_ns = cb_now_ns();
	struct vm_opts o = {0};
	struct vm_sweep w;
	cb_error e;
	/* As given: getopt permutes argv. */
	size_t nargs = argc > 1 ? (size_t)argc - 1 : 0, nrec = 0;
	char **args = cb_xcalloc(nargs + 1, sizeof(*args)), **replay = NULL;
	memcpy(args, argv + 1, nargs * sizeof(*args));
	vm_opts_parse(argc, argv, &o);
	char **rec = o.resume && !o.plan_given ? replay_options(&o, args, nargs, &nrec, &replay)
						: NULL;
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
	/* What the parsers let through that vm-plan.json cannot hold: a path. */
	if (vm_plan_check_args(args, nargs, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "vm", &e);
	const char *out = o.out ? o.out : ".";
	if (cb_make_out_dir(out, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "--out", &e);

	struct kvm_sys sys;
	if (kvm_sys_open(&sys, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "vm", &e);
	vm_cpuid_filter(sys.cpuid, o.pv_cpuid);

	struct vm_store st;
	vm_store_init(&st);
	st.where = vm_where_names[w.where];
	st.mmu = kvm_mmu_name(ki.mmu);
	st.timing_valid = !kvm_mmu_timing_emulated(ki.mmu) && w.where != VM_WHERE_NESTED_TCG;
	char prims[64];
	st.prims = vm_prim_list(w.prims, w.nprims, prims, sizeof(prims));
	st.reps = w.reps;
	st.kernel = kpath;

	uint64_t *rams = cb_xcalloc(ncfg + 1, sizeof(*rams));
	for (size_t i = 0; i < ncfg; i++)
		rams[i] = plans[i].ram;
	struct vm_plan plan;
	vm_plan_build(&(struct vm_plan_in){st.where, st.mmu, o.pv_cpuid, kernel, klen, cfgs, ncfg,
					   cmdlines, rams},
		      &plan);
	struct vm_resume rs = {0};
	bool resumed = o.resume &&
		       resume_scan(out, &plan, &(struct vm_resume_in){out, st.where, st.mmu, st.prims,
								   st.reps, cfgs, ncfg},
				   &rs);
	/* A run folder describes itself, whichever subcommand made it (a
	 * resumed one keeps the meta.json taken before its first boot). */
	if (env_write_meta(out, true, &e) < 0)
		cb_die_err(CB_EXIT_FAIL, "--out", &e);
	hugepool_restore_on_signals();

	struct progress pr;
	size_t nok = 0, nfail = 0, nskip = 0, nstatic = 0, first = 0;
	if (resumed) {
		progress_init(&pr, "cowbench: vm: resume", 1);
		for (size_t k = 0; k < rs.nnotes; k++)
			progress_note(&pr, "%s", rs.notes[k]);
		if (vm_resume_cut(&rs, out, &e) < 0)
			cb_die_err(CB_EXIT_FAIL, "vm", &e);
		st.files_made = true;
		st.boot_base = rs.next_boot;
		st.next_sample = rs.next_sample;
		st.phases_total = rs.phases;
		nok = rs.nok;
		nfail = rs.nfail;
		nskip = rs.nskip;
		first = rs.done;
		vm_resume_free(&rs);
	} else {
		if (o.resume)
			fprintf(stderr, "cowbench: vm: resume: %s holds no sweep: starting one\n", out);
		start_fresh(&st, out, &plan, args, nargs);
	}
	vm_plan_free(&plan);

	progress_init(&pr, "cowbench: vm", (double)(ncfg - first));
	bool warned_cap = false;
	for (size_t i = first; i < ncfg; i++)
		nstatic += cfgs[i].skip[0] != 0;
	if (nstatic)
		progress_note(&pr, "skipping %zu configuration(s) whose region is not a multiple of "
			      "the 2 MiB guest page (listed in vm-boots.csv)", nstatic);
	for (size_t i = first; i < ncfg; i++) {
		char label[160];
		vm_config_label(&cfgs[i], label, sizeof(label));
		uint32_t b = vm_store_add_boot(&st, &cfgs[i]);
		uint64_t id = st.boot_base + b;
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
			progress_step(&pr, (double)(i - first), "boot %zu/%zu: %s", i + 1, ncfg, label);
			struct vm_run_in in = {&sys, kernel, klen, cmdlines[i], strlen(cmdlines[i]),
					       p->ram, p->timeout, o.verbose, start_ns, &p->quota};
			char *dump;
			vm_run_boot(&in, &st, b, &dump);
			const struct vm_boot_row *br = &st.boots[b];
			if (o.verbose && br->status != VM_BOOT_SKIPPED)
				progress_note(&pr, "boot %" PRIu64 ": %" PRIu64 " MiB RAM, prefault %.1f ms, "
					      "VM create %.2f ms, first hypercall %.2f ms, run %.1f ms", id,
					      br->ram_bytes >> 20, (double)br->prefault_ns / 1e6,
					      (double)br->create_vm_ns / 1e6, (double)br->boot_ns / 1e6,
					      (double)br->run_ns / 1e6);
			if (br->status == VM_BOOT_ERROR) {
				progress_note(&pr, "%s (boot %" PRIu64 ": %s)", br->reason, id, label);
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
	fprintf(stderr, "cowbench: vm: %zu boot(s) ok, %zu failed, %zu skipped%s; %" PRIu64 " phase "
		"rows in %s/vm.csv\n", nok, nfail, nskip, resumed ? " (with those from before)" : "",
		st.phases_total, out);

	vm_store_free(&st);
	kvm_sys_close(&sys);
	for (size_t i = 0; i < ncfg; i++)
		free(cmdlines[i]);
	free(cmdlines);
	free(plans);
	free(rams);
	free(cfgs);
	free(args);
	free(replay);
	vm_plan_free_args(rec, nrec);
	free(kernel);
	free(kpath);
	vm_sweep_free(&w);
	if (nfail)
		return CB_EXIT_FAIL;
	/* Nothing could run here (every configuration skipped, and said why):
	 * scripts/bench treats 77 as "not applicable", not as a failure. */
	return nok == 0 && nskip ? CB_EXIT_SKIP : CB_EXIT_OK;
}
