#include "vm_run.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hugepool.h"
#include "vm_backing.h"
#include "vm_boot.h"
#include "vm_elf.h"
#include "vm_exit.h"
#include "vm_kstats.h"
#include "vm_regs.h"
#include "vm_seccomp.h"
#include "vm_sizing.h"
#include "vm_watchdog.h"

/* Statistics sources read through KVM_GET_STATS_FD. */
enum { KS_VCPU, KS_VM, KS_COUNT };
static const enum vm_src ks_src[KS_COUNT] = {VM_SRC_VCPU, VM_SRC_VM};

struct run_state {
	struct vm_store *st;
	uint32_t boot;
	struct kstats ks[KS_COUNT];
	bool have[KS_COUNT];
	uint64_t *snap[KS_COUNT][CB_PHASE_DEPTH]; /* at each open phase's begin */
	uint64_t *cur[KS_COUNT];
	uint32_t *name_id[KS_COUNT], *unit_id[KS_COUNT];
	uint32_t ctr_name_id[VM_CTR_COUNT], no_unit;
	uint64_t t_first_hc;
	struct vm_quota quota; /* the boot's, with stats_per_phase filled in */
	bool has_quota;
	uint64_t stat_rows;
	bool stats_failed;
	cb_error stats_err;
};

static void snapshot(struct run_state *rs, uint64_t **dst)
{
	for (int k = 0; k < KS_COUNT; k++)
		if (rs->have[k] && !rs->stats_failed &&
		    kstats_read(&rs->ks[k], dst[k], &rs->stats_err) < 0)
			rs->stats_failed = true;
}

static void on_first_hcall(void *user)
{
	struct run_state *rs = user;
	rs->t_first_hc = cb_now_ns();
}

static void on_phase_begin(void *user, unsigned depth)
{
	struct run_state *rs = user;
	uint64_t *dst[KS_COUNT] = {rs->snap[KS_VCPU][depth], rs->snap[KS_VM][depth]};
	snapshot(rs, dst);
}

static void on_phase_end(void *user, unsigned depth, const struct cb_phase_record *rec,
			 const uint64_t *ctr_delta)
{
	struct run_state *rs = user;
	snapshot(rs, rs->cur);
	size_t first = rs->st->nstats;
	for (int k = 0; k < KS_COUNT; k++) {
		if (!rs->have[k])
			continue;
		const struct kstats *ks = &rs->ks[k];
		for (uint32_t i = 0; i < ks->ndesc; i++) {
			int64_t d;
			if (kstats_delta(&ks->desc[i], rs->snap[k][depth][i], rs->cur[k][i], &d))
				vm_store_add_stat(rs->st, ks_src[k], rs->name_id[k][i],
						  rs->unit_id[k][i], (uint8_t)ks->desc[i].kind, d);
		}
	}
	for (int i = 0; i < VM_CTR_COUNT; i++)
		if (ctr_delta[i])
			vm_store_add_stat(rs->st, VM_SRC_VMM, rs->ctr_name_id[i], rs->no_unit,
					  KSTATS_CUMULATIVE, (int64_t)ctr_delta[i]);
	vm_store_add_phase(rs->st, rs->boot, rec, first, ctr_delta[VM_CTR_HC],
			   ctr_delta[VM_CTR_EXITS]);
	/* The phase quota bounds this already; checked anyway, since the
	 * statistics' count comes from the host's KVM, not from our plan. */
	rs->stat_rows += rs->st->nstats - first;
	struct vm_quota_use u = {.stat_rows = rs->stat_rows};
	if (rs->has_quota && !rs->stats_failed &&
	    vm_quota_check(&rs->quota, &u, rs->stats_err.msg, sizeof(rs->stats_err.msg)) < 0)
		rs->stats_failed = true;
}

static void on_result(void *user, const char *name, uint64_t value)
{
	struct run_state *rs = user;
	vm_store_add_result(rs->st, rs->boot, name, value);
}

static const struct vm_exit_hooks hooks = {
	.first_hcall = on_first_hcall,
	.phase_begin = on_phase_begin,
	.phase_end = on_phase_end,
	.result = on_result,
};

/* Statistics are optional: a KVM without KVM_GET_STATS_FD gives empty
 * columns, not a failed boot. */
static void stats_open(struct run_state *rs, struct kvm_vm *vm, const struct kvm_sys *sys)
{
	struct vm_store *st = rs->st;
	for (int i = 0; i < VM_CTR_COUNT; i++)
		rs->ctr_name_id[i] = vm_store_intern(st, vm_ctr_names[i]);
	rs->no_unit = vm_store_intern(st, "");
	for (int k = 0; k < KS_COUNT; k++) {
		rs->ks[k].fd = -1;
		int fd = sys->stats_fd ? kvm_stats_fd(vm, k == KS_VCPU) : -1;
		cb_error e;
		if (fd < 0 || kstats_open(&rs->ks[k], fd, &e) < 0)
			continue;
		const struct kstats *ks = &rs->ks[k];
		rs->have[k] = true;
		for (unsigned d = 0; d < CB_PHASE_DEPTH; d++)
			rs->snap[k][d] = cb_xcalloc(ks->ndesc, sizeof(uint64_t));
		rs->cur[k] = cb_xcalloc(ks->ndesc, sizeof(uint64_t));
		rs->name_id[k] = cb_xcalloc(ks->ndesc, sizeof(uint32_t));
		rs->unit_id[k] = cb_xcalloc(ks->ndesc, sizeof(uint32_t));
		for (uint32_t i = 0; i < ks->ndesc; i++) {
			char unit[48];
			rs->name_id[k][i] = vm_store_intern(st, ks->desc[i].name);
			rs->unit_id[k][i] = vm_store_intern(st, kstats_unit(&ks->desc[i], unit,
									    sizeof(unit)));
		}
		for (int c = 0; c < VM_KVM_COLS; c++)
			if (kstats_find(ks, vm_kvm_cols[c]) >= 0)
				st->boots[rs->boot].kvm_cols_present |= 1u << c;
	}
	rs->quota.stats_per_phase = VM_CTR_COUNT;
	for (int k = 0; k < KS_COUNT; k++)
		rs->quota.stats_per_phase += rs->have[k] ? rs->ks[k].ndesc : 0;
}

static void stats_close(struct run_state *rs)
{
	for (int k = 0; k < KS_COUNT; k++) {
		if (rs->have[k])
			kstats_close(&rs->ks[k]);
		for (unsigned d = 0; d < CB_PHASE_DEPTH; d++)
			free(rs->snap[k][d]);
		free(rs->cur[k]);
		free(rs->name_id[k]);
		free(rs->unit_id[k]);
	}
}

/* The register dump (r NULL: none) and the guest's last words, for
 * stderr. */
static char *make_dump(const struct kvm_regs *r, const struct kvm_sregs *s,
		       const struct vm_console *con)
{
	size_t cap = 8192, n = 0;
	char *buf = cb_xmalloc(cap);
	buf[0] = '\0';
	if (r) {
		vm_regs_format(r, s, buf, cap);
		n = strlen(buf);
	}
	char tail[VM_CONSOLE_TAIL];
	size_t len = vm_console_tail(con, tail, sizeof(tail));
	/* The last 20 lines are what explains a failure. */
	size_t end = len && tail[len - 1] == '\n' ? len - 1 : len, start = end, lines = 0;
	while (start > 0 && !(tail[start - 1] == '\n' && ++lines == 20))
		start--;
	n += (size_t)snprintf(buf + n, cap - n, "  last guest console output:%s\n",
			      len ? "" : " (none)");
	for (char *line = tail + start; n < cap && line < tail + end;) {
		char *nl = strchr(line, '\n');
		size_t l = nl ? (size_t)(nl - line) : strlen(line);
		n += (size_t)snprintf(buf + n, cap - n, "  | %.*s\n", (int)l, line);
		line += l + (nl ? 1 : 0);
	}
	return buf;
}

static void set_reason(struct vm_boot_row *row, enum vm_boot_status status, const char *what,
		       const char *why)
{
	row->status = status;
	snprintf(row->reason, sizeof(row->reason), "%.40s%s%.440s", what, *what ? ": " : "", why);
}

static int map_ram(const struct vm_run_in *in, struct vm_boot_row *row, struct vm_ram *ram)
{
	unsigned long pool_kib = mem_kinds[row->cfg.backing].pool_kib;
	const char *name = vm_backing_names[row->cfg.backing];
	cb_error e;
	if (pool_kib &&
	    hugepool_reserve(pool_kib, in->ram_bytes / ((uint64_t)pool_kib * 1024), &e) < 0) {
		set_reason(row, VM_BOOT_SKIPPED, name, e.msg);
		return -1;
	}
	if (vm_ram_map(ram, row->cfg.backing, in->ram_bytes, row->cfg.prefault, &e) < 0) {
		/* A hugetlb pool that looked big enough can still come up short
		 * (another process took pages): the machine, not the guest. */
		set_reason(row, pool_kib ? VM_BOOT_SKIPPED : VM_BOOT_ERROR, name, e.msg);
		return -1;
	}
	row->prefault_ns = ram->prefault_ns;
	return 0;
}

static int run_loop(struct kvm_vm *vm, struct vm_exit_ctx *x, struct run_state *rs)
{
	for (;;) {
		if (__kvm_vcpu_run(vm) < 0) {
			if (errno == EAGAIN)
				continue;
			if (errno != EINTR) {
				snprintf(x->err, sizeof(x->err), "KVM_RUN: %s", strerror(errno));
				return VM_STOP_ERROR;
			}
			/* immediate_exit returns EINTR without touching exit_reason. */
			vm->run->exit_reason = KVM_EXIT_INTR;
		}
		enum vm_action a = vm_exit_handle(x, vm->run);
		if (rs->stats_failed) {
			snprintf(x->err, sizeof(x->err), "%.380s", rs->stats_err.msg);
			return VM_STOP_ERROR;
		}
		if (a != VM_CONTINUE)
			return a;
	}
}

/* The exit loop in a thread of its own, watched and confined: the
 * seccomp filter is per thread and lasts, so the main thread stays free to
 * write results and set up the next boot. */
struct loop {
	struct kvm_vm *vm;
	struct vm_exit_ctx *x;
	struct run_state *rs;
	struct vm_watchdog wd;
	double timeout_s;
	int console_fd;
	enum vm_action a;
	bool wd_started;
	cb_error e;
};

static void *loop_thread(void *arg)
{
	struct loop *l = arg;
	if (vm_watchdog_start(&l->wd, l->timeout_s, l->vm->run, &l->x->timed_out, &l->e) < 0) {
		l->a = VM_STOP_ERROR;
		snprintf(l->x->err, sizeof(l->x->err), "%.380s", l->e.msg);
		return NULL;
	}
	l->wd_started = true;
	if (vm_seccomp_wanted()) {
		struct vm_seccomp_fds fds = {l->vm->vcpu_fd, l->console_fd};
		cb_error e;
		static bool warned;
		if (vm_seccomp_confine(&fds, &e) <= 0 && !warned) {
			cb_warn("vm", "running the exit loop without a seccomp filter: %s", e.msg);
			warned = true;
		}
		/* COWBENCH_SECCOMP_SELFTEST: a call the filter forbids, to prove
		 * it is there (tests/vm/test_vm_seccomp.sh). */
		if (getenv("COWBENCH_SECCOMP_SELFTEST"))
			close(dup(0));
	}
	l->a = run_loop(l->vm, l->x, l->rs);
	return NULL;
}

static enum vm_action run_confined(struct loop *l)
{
	pthread_t t;
	int rc = pthread_create(&t, NULL, loop_thread, l);
	if (rc != 0) {
		snprintf(l->x->err, sizeof(l->x->err), "cannot start the exit loop thread: %s",
			 strerror(rc));
		return VM_STOP_ERROR;
	}
	pthread_join(t, NULL);
	if (l->wd_started)
		vm_watchdog_stop(&l->wd);
	return l->a;
}

void vm_run_boot(const struct vm_run_in *in, struct vm_store *st, uint32_t boot, char **dump)
{
	/* Stable for the whole boot: only vm_store_add_boot grows st->boots. */
	struct vm_boot_row *row = &st->boots[boot];
	*dump = NULL;
	row->ram_bytes = in->ram_bytes;
	row->timeout_s = in->timeout_s;
	struct vm_ram ram;
	if (map_ram(in, row, &ram) < 0) {
		hugepool_restore_all();
		return;
	}
	struct run_state rs = {.st = st, .boot = boot};
	if (in->quota) {
		rs.quota = *in->quota;
		rs.has_quota = true;
	}
	struct vm_console con;
	vm_console_init(&con, in->verbose ? stderr : NULL);
	struct vm_exit_ctx *x = cb_xcalloc(1, sizeof(*x));
	struct kvm_vm vm;
	struct elf_image img;
	cb_error e;
	const char *what = "";

	/* How fast the host was when this boot started (common/probe.h). */
	if (probe_take(&row->probe, &e) < 0)
		row->probe.cpu_ns = row->probe.mem_ns = NAN;
	uint64_t t0 = cb_now_ns();
	if (kvm_vm_create(&vm, in->sys, &e) < 0)
		goto fail;
	row->create_vm_ns = cb_now_ns() - t0;
	struct gmem mem = {ram.mem.base, ram.mem.bytes, true};
	if (kvm_vm_set_ram(&vm, mem.hva, mem.size, &e) < 0 || kvm_vcpu_create(&vm, in->sys, &e) < 0)
		goto fail;
	what = "kernel";
	if (elf_load(in->kernel, in->kernel_len, &mem, &img, &e) < 0)
		goto fail;
	what = "boot";
	row->tsc_khz = kvm_vcpu_tsc_khz(&vm);
	struct vm_boot_params bp = {row->tsc_khz, in->cmdline, in->cmdline_len};
	if (vm_boot_write(&mem, &bp, &e) < 0 || kvm_vcpu_boot(&vm, in->sys, img.entry, &e) < 0)
		goto fail;
	mem.zeroed = false; /* the guest writes from here on */
	stats_open(&rs, &vm, in->sys);
	vm_exit_init(x, &mem, vm.run_size, &con, &hooks, &rs);
	x->quota = rs.has_quota ? &rs.quota : NULL;
	x->timeout_s = in->timeout_s;
	/* Printing the guest's console must not hold the boot past its end. */
	vm_console_set_deadline(&con, cb_sat_add(cb_now_ns(), vm_seconds_to_ns(in->timeout_s)));
	row->setup_ns = cb_now_ns() - t0;

	struct loop l = {.vm = &vm, .x = x, .rs = &rs, .timeout_s = in->timeout_s,
			 .console_fd = con.fd};
	enum vm_action a = run_confined(&l);
	vm_console_fini(&con);
	uint64_t t_end = cb_now_ns();
	row->run_ns = t_end - t0;
	row->vmm_exits = x->ctr[VM_CTR_EXITS];
	if (rs.t_first_hc) {
		row->boot_ns = rs.t_first_hc - t0;
		row->boot_from_start_ns = rs.t_first_hc - in->process_start_ns;
	}
	row->residency = vm_ram_residency(&ram, &row->ram_rss_bytes, &row->ram_huge_bytes) == 0;
	row->status = a == VM_STOP_EXITED && x->exit_status == 0 ? VM_BOOT_OK : VM_BOOT_ERROR;
	if (a == VM_STOP_EXITED) {
		row->exited = true;
		row->guest_status = x->exit_status;
		if (x->exit_status != 0) {
			snprintf(row->reason, sizeof(row->reason),
				 "guest reported failure (exit status %" PRIu64 ")", x->exit_status);
			*dump = make_dump(NULL, NULL, &con);
		}
	} else {
		/* The guest died or broke the protocol: where it was explains it. */
		struct kvm_regs r;
		struct kvm_sregs sr;
		bool regs = kvm_vcpu_get_regs(&vm, &r, &sr) == 0;
		*dump = make_dump(regs ? &r : NULL, &sr, &con);
		if (regs)
			snprintf(row->reason, sizeof(row->reason), "%s at rip=0x%" PRIx64, x->err,
				 (uint64_t)r.rip);
		else
			snprintf(row->reason, sizeof(row->reason), "%s", x->err);
	}
	goto out;

fail:
	set_reason(row, VM_BOOT_ERROR, what, e.msg);
out:
	/* stats_close and kvm_vm_destroy skip what was never set up, so every
	 * failure takes this one path and each resource is released once. */
	stats_close(&rs);
	vm_console_fini(&con);
	kvm_vm_destroy(&vm);
	free(x);
	vm_ram_unmap(&ram);
	hugepool_restore_all();
}
