#include "host_sweep.h"

#include <math.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "hugepool.h"
#include "host_prim.h"
#include "host_sample.h"
#include "host_sys.h"
#include "progress.h"

static volatile sig_atomic_t stop_signal;
static pid_t main_pid;

static void on_signal(int sig)
{
	/* fork, vfork and clone_vm children run this handler too: only the
	 * measuring process may act on it. */
	if (getpid() != main_pid)
		return;
	if (stop_signal) {
		hugepool_restore_all();
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	stop_signal = sig;
}

void host_sweep_signals(void)
{
	main_pid = getpid();
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < CB_ARRAY_SIZE(hugepool_stop_signals); i++)
		sigaction(hugepool_stop_signals[i], &sa, NULL);
}

int host_sweep_stopped(void)
{
	return stop_signal;
}

struct sweep {
	const struct host_opts *o;
	struct host_job job;
	struct host_out *out;
	struct progress prog;
	int cpu;
	uint64_t seq;
	double done;
	cb_error err;
};

enum run_rc { RUN_OK, RUN_FAIL, RUN_STOPPED };

static enum run_rc one_sample(struct sweep *s, const struct host_prim *p, struct host_sample *smp)
{
	int rc = host_sample_run(p, &s->job, ++s->seq, smp, &s->err);
	/* A terminal's ^C reaches the child too; that is the user stopping
	 * us, not a broken measurement. */
	if (stop_signal)
		return RUN_STOPPED;
	return rc == 0 ? RUN_OK : RUN_FAIL;
}

static enum run_rc run_config(struct sweep *s, const struct anon_mem *reg,
			      struct host_result *r)
{
	const struct host_prim *p = &host_prims[r->cfg->prim];
	struct host_sample smp;
	s->job.dirty_pages = r->cfg->dirty_pages;
	/* Evict what the child will read: the pages a fork child copies, or
	 * just the bytes a vfork/clone_vm child writes in place. */
	uint64_t dirty = p->execs ? 0 : r->cfg->dirty_pages;
	s->job.flush_bytes = host_page_touched_bytes(p->shares_vm ? HOST_PAGE_4K : r->pt->mode,
						     reg->bytes, dirty);
	for (size_t w = 0; w < s->o->warmup; w++) {
		enum run_rc rc = one_sample(s, p, &smp);
		if (rc != RUN_OK)
			return rc;
	}
	/* Read once per configuration, not per sample: a walk of a 4 GiB
	 * region's smaps takes longer than most samples, and the parent's
	 * page tables do not change between samples (a child's COW copies and
	 * huge-page splits happen in the child's own tables). */
	struct smaps_range sr;
	double huge = smaps_read(reg->base, reg->bytes, &sr) > 0 ? smaps_huge_fraction(&sr, reg->bytes)
								   : NAN;
	double pte = host_sys_pte_bytes();
	uint64_t start = cb_now_ns();
	for (;;) {
		int cpu = s->cpu == -2 ? sched_getcpu() : s->cpu;
		enum run_rc rc = one_sample(s, p, &smp);
		if (rc != RUN_OK)
			return rc;
		host_result_push(r, &smp, pte, huge, cpu);
		const double *series[2];
		size_t k = host_result_watched(r, series);
		r->stop = host_adapt_decide(&s->o->adapt, series, k, r->n, cb_now_ns() - start);
		if (r->stop != HOST_STOP_NONE)
			return RUN_OK;
	}
}

/* Everything one point needs before its first configuration; on failure
 * the point is skipped with the reason in s->err. */
static int setup_point(struct sweep *s, const struct host_point *pt, struct anon_mem *reg)
{
	unsigned long pool_kib = mem_kinds[pt->mode].pool_kib;
	if (pool_kib && pt->bytes) {
		uint64_t pages = host_page_pool_pages(pt->mode, pt->bytes, pt->cow_dirty_max);
		if (hugepool_reserve(pool_kib, pages, &s->err) < 0)
			return -1;
	}
	/* Every page resident before the first sample. */
	if (anon_mem_map(reg, (enum mem_kind)pt->mode, pt->bytes, &s->err) < 0 ||
	    anon_mem_populate(reg, &s->err) < 0) {
		anon_mem_unmap(reg);
		hugepool_restore_all();
		return -1;
	}
	s->job.region = (char *)reg->base;
	return 0;
}

static void teardown_point(struct sweep *s, struct anon_mem *reg)
{
	anon_mem_unmap(reg);
	s->job.region = NULL;
	hugepool_restore_all();
}

static int finish(struct sweep *s, int status)
{
	cb_error e;
	if (host_out_write(s->out, &e) < 0) {
		progress_note(&s->prog, "cannot write results: %s", e.msg);
		status = CB_EXIT_FAIL;
	}
	if (status == CB_EXIT_FAIL && s->err.msg[0])
		progress_note(&s->prog, "failed: %s", s->err.msg);
	else if (status > 128)
		progress_note(&s->prog, "interrupted by %s: kept the %zu configurations that finished",
			      strsignal(status - 128), s->out->configs);
	else
		progress_finish(&s->prog);
	host_job_free(&s->job);
	return status;
}

int host_sweep_run(const struct host_opts *o, const struct host_matrix *m, const char *helper,
		   int cpu, struct host_out *out)
{
	struct sweep s = {.o = o, .out = out, .cpu = cpu};
	/* The label prefixes notes too: "cowbench: host: <what>: <why>". */
	progress_init(&s.prog, "cowbench: host", (double)m->nconfigs);
	if (host_job_init(&s.job, helper, &s.err) < 0)
		return finish(&s, CB_EXIT_FAIL);
	for (size_t i = 0; i < m->npoints && !stop_signal; i++) {
		const struct host_point *pt = &m->points[i];
		const char *mode = host_page_names[pt->mode];
		char sz[32];
		format_size(pt->bytes, sz, sizeof(sz));
		if (pt->skip[0]) {
			progress_note(&s.prog, "%s %s: skipped: %s", mode, sz, pt->skip);
			continue;
		}
		if (pt->bytes)
			progress_step(&s.prog, s.done, "%s %s: populating", mode, sz);
		struct anon_mem reg;
		if (setup_point(&s, pt, &reg) < 0) {
			progress_note(&s.prog, "%s %s: skipped: %s", mode, sz, s.err.msg);
			s.err.msg[0] = '\0';
			s.done += (double)pt->count;
			continue;
		}
		for (size_t c = 0; c < pt->count && !stop_signal; c++) {
			const struct host_config *cfg = &m->configs[pt->first + c];
			progress_step(&s.prog, s.done, "%s %s %s dirty %llu", host_prims[cfg->prim].name,
				      mode, sz, (unsigned long long)cfg->dirty_pages);
			struct host_result r;
			host_result_init(&r, pt, cfg);
			enum run_rc rc = run_config(&s, &reg, &r);
			if (rc == RUN_OK)
				host_out_add(out, &r);
			host_result_free(&r);
			if (rc == RUN_FAIL) {
				teardown_point(&s, &reg);
				return finish(&s, CB_EXIT_FAIL);
			}
			if (rc == RUN_OK && host_out_write(out, &s.err) < 0) {
				teardown_point(&s, &reg);
				return finish(&s, CB_EXIT_FAIL);
			}
			s.done += 1;
		}
		teardown_point(&s, &reg);
	}
	return finish(&s, stop_signal ? 128 + stop_signal : CB_EXIT_OK);
}
