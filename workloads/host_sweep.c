#include "host_sweep.h"

#include <malloc.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_pattern.h"
#include "host_prim.h"
#include "host_region.h"
#include "hugepool.h"
#include "host_rounds.h"
#include "host_sample.h"
#include "host_sys.h"
#include "host_touch.h"
#include "progress.h"
#include "stats.h"

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
	const struct host_sweep_in *in;
	const struct host_adapt *a;
	struct host_job job;
	struct progress prog;
	uint64_t seq;
	double done;
	/* A point whose setup failed (a hugetlb pool that cannot be had) is
	 * skipped for the rest of the run, so the note comes once and no
	 * round waits for the pool again. */
	bool *point_dead;
	struct host_regions regions;
	struct host_touch touch;
	bool collapse_noted;
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

static bool has_round(const struct host_result *r, int round)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->round[i] == round)
			return true;
	return false;
}

static bool has_later(const struct host_result *r, int round)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->round[i] > round)
			return true;
	return false;
}

static bool wants_block(const struct host_result *r, int round)
{
	return r->stop == HOST_STOP_NONE && !has_round(r, round);
}

#define HOST_WARMUP_SKIP_NS 10000000.0

static double median_total(const struct host_result *r)
{
	struct stats_summary st;
	stats_summarize(r->v[HOST_M_TOTAL], r->n, &st);
	return st.median;
}

/* The reading threads a configuration asks for, on the CPUs beside the
 * measuring one; their counters join the measuring thread's. */
static int start_touch(struct sweep *s, const struct host_result *r)
{
	uint64_t extra = r->cfg->dim[HOST_DIM_THREADS] - 1;
	s->job.kev_threads[0] = &s->job.kev;
	s->job.nkev = 1;
	if (extra == 0)
		return 0;
	if (host_touch_start(&s->touch, (size_t)extra, s->job.region, s->job.region_bytes,
			     s->in->touch_cpus, s->in->ntouch_cpus, &s->err) < 0)
		return -1;
	for (size_t i = 0; i < s->touch.n; i++)
		s->job.kev_threads[s->job.nkev++] = &s->touch.t[i].kev;
	return 0;
}

static void stop_touch(struct sweep *s)
{
	host_touch_stop(&s->touch);
	s->job.nkev = 1;
}

/* A sample's first writes, from the writer's ticks to ns. */
static void add_writes(struct sweep *s, const struct host_sample *smp, struct loghist *h)
{
	for (uint64_t i = 0; i < (uint64_t)smp->writes; i++)
		loghist_add(h, host_wtime_ns(&s->job.timer, s->job.lat[i]));
}

/* One block: warm-up runs, then samples until the block rule says enough.
 * An interrupted block leaves nothing behind.  Its first sample is the
 * observed one: it has the kernel's counts (host_kev.h), and measures
 * what the writes copied (host_account.h), which holds the child while
 * /proc is read, so that sample's total_ns is not recorded. */
static enum run_rc run_block(struct sweep *s, double huge, struct host_result *r, int round)
{
	const struct host_prim *p = &host_prims[r->cfg->prim];
	struct host_sample smp;
	char name[160];
	/* What the last rewrite of the files left freed on the heap is still
	 * mapped, and fork would copy its page tables: hand it back, so fork's
	 * parent is as small in the last round as in the first (what the run
	 * keeps is in the nofork arena). */
	malloc_trim(0);
	host_config_name(r->pt, r->cfg, name, sizeof(name));
	host_job_config(&s->job, r->pt, r->cfg, host_pattern_seed(s->in->seed, name));
	if (start_touch(s, r) < 0)
		return RUN_FAIL;
	/* Another configuration ran just before this one: warm the caches
	 * and TLB for this one again.  A sample that takes longer than
	 * HOST_WARMUP_SKIP_NS warms them itself within its first microseconds,
	 * and a warm-up would double its cost (a hugetlb1g COW copies 1 GiB). */
	size_t warmup = s->in->o->warmup;
	if (r->n && median_total(r) > HOST_WARMUP_SKIP_NS)
		warmup = 0;
	enum run_rc rc = RUN_OK;
	s->job.observe = false;
	for (size_t w = 0; w < warmup && rc == RUN_OK; w++)
		rc = one_sample(s, p, &smp);
	if (rc != RUN_OK) {
		stop_touch(s);
		return rc;
	}
	double pte = host_sys_pte_bytes() - host_regions_hidden_pte(&s->regions);
	size_t from = r->n;
	struct loghist writes;
	memset(&writes, 0, sizeof(writes));
	uint64_t start = cb_now_ns(), took;
	for (;;) {
		int cpu = s->in->cpu == -2 ? sched_getcpu() : s->in->cpu;
		s->job.observe = r->n == from;
		rc = one_sample(s, p, &smp);
		if (rc != RUN_OK) {
			host_result_truncate(r, from);
			stop_touch(s);
			return rc;
		}
		host_result_push(r, &smp, round, pte, huge, cpu);
		add_writes(s, &smp, &writes);
		took = cb_now_ns() - start;
		size_t bn = r->n - from;
		if (!host_adapt_block_more(s->a, bn, took, r->n, r->elapsed_ns + took) &&
		    !host_adapt_block_more_writes(s->a, r->cfg->min_writes, writes.n, r->n,
						  r->elapsed_ns + took))
			break;
	}
	stop_touch(s);
	r->elapsed_ns += took;
	r->rounds_done++;
	host_result_add_writes(r, round, &writes);
	host_out_add_block(s->in->out, r, from);
	if (s->job.collapse_failed && !s->collapse_noted) {
		progress_note(&s->prog, "%s: MADV_COLLAPSE could not put the THPs the parent's "
			      "writes split together again: later samples fork a partly split region",
			      name);
		s->collapse_noted = true;
	}
	return RUN_OK;
}

/* One point's visit in a round: the blocks of visits[0..n) that are
 * still wanted, on one populated region. */
static enum run_rc visit_point(struct sweep *s, const struct host_visit *v, size_t n, int round)
{
	struct host_result *res = s->in->results;
	size_t p = v[0].point;
	const struct host_point *pt = &s->in->m->points[p];
	size_t want = 0;
	for (size_t i = 0; i < n; i++)
		want += wants_block(&res[v[i].config], round);
	char name[64];
	host_point_name(pt, name, sizeof(name));
	if (!want || s->point_dead[p]) {
		s->done += (double)n;
		return RUN_OK;
	}
	progress_step(&s->prog, s->done, "round %d/%u: %s, %zu configurations", round,
		      s->a->rounds, name, want);
	struct anon_mem *reg;
	bool fatal;
	if (host_regions_get(&s->regions, p, &reg, &fatal, &s->err) < 0) {
		if (fatal)
			return RUN_FAIL;
		progress_note(&s->prog, "%s: skipped from round %d on: %s", name, round, s->err.msg);
		s->err.msg[0] = '\0';
		s->point_dead[p] = true;
		s->done += (double)n;
		return RUN_OK;
	}
	s->job.region = (char *)reg->base;
	s->job.region_bytes = reg->bytes;
	/* Read once per visit, not per block or sample: reading smaps walks
	 * the page tables of every mapping, the kept 4 GiB regions too, and
	 * the parent's tables do not change between samples (a child's COW
	 * copies and huge-page splits happen in the child's own tables). */
	struct smaps_range sr;
	double huge = smaps_read(reg->base, reg->bytes, &sr) > 0 ? smaps_huge_fraction(&sr, reg->bytes)
								   : NAN;
	enum run_rc rc = RUN_OK;
	for (size_t i = 0; i < n && rc == RUN_OK; i++) {
		struct host_result *r = &res[v[i].config];
		if (wants_block(r, round))
			rc = run_block(s, huge, r, round);
		s->done += 1;
	}
	s->job.region = NULL;
	host_regions_put(&s->regions, p);
	/* What finished is written even when the visit was cut short. */
	if (host_out_write(s->in->out, res, s->in->m->nconfigs, &s->err) < 0)
		return RUN_FAIL;
	return rc;
}

/* After a round: which configurations need another.  One that already
 * has blocks of later rounds (a resumed sweep replaying the rounds it
 * had finished) was judged to need them then. */
static void decide_round(struct sweep *s, int round)
{
	for (size_t c = 0; c < s->in->m->nconfigs; c++) {
		struct host_result *r = &s->in->results[c];
		if (r->stop != HOST_STOP_NONE || !has_round(r, round) || has_later(r, round))
			continue;
		const double *series[2];
		size_t k = host_result_watched(r, series);
		r->stop = host_adapt_decide_writes(
			host_adapt_decide(s->a, series, k, r->round, r->n, r->rounds_done, r->elapsed_ns),
			r->cfg->min_writes, r->writes_total);
	}
}

static int finish(struct sweep *s, int status)
{
	const struct host_sweep_in *in = s->in;
	cb_error e;
	if (host_out_write(in->out, in->results, in->m->nconfigs, &e) < 0) {
		progress_note(&s->prog, "cannot write results: %s", e.msg);
		status = CB_EXIT_FAIL;
	}
	if (status == CB_EXIT_FAIL && s->err.msg[0])
		progress_note(&s->prog, "failed: %s", s->err.msg);
	else if (status > 128)
		progress_note(&s->prog,
			      "interrupted by %s: kept the %zu blocks that finished "
			      "(cowbench host --resume --out DIR continues)",
			      strsignal(status - 128), in->out->blocks);
	else
		progress_finish(&s->prog);
	free(s->job.kev_threads);
	host_job_free(&s->job);
	host_regions_free(&s->regions);
	free(s->point_dead);
	return status;
}

static uint64_t max_threads(const struct host_matrix *m)
{
	uint64_t t = 1;
	for (size_t c = 0; c < m->nconfigs; c++)
		if (m->configs[c].dim[HOST_DIM_THREADS] > t)
			t = m->configs[c].dim[HOST_DIM_THREADS];
	return t;
}

int host_sweep_run(const struct host_sweep_in *in)
{
	const struct host_matrix *m = in->m;
	struct sweep s = {.in = in, .a = &in->o->adapt};
	s.point_dead = cb_xcalloc(m->npoints ? m->npoints : 1, sizeof(*s.point_dead));
	host_regions_init(&s.regions, m, in->region_room);
	/* The label prefixes notes too: "cowbench: host: <what>: <why>". */
	progress_init(&s.prog, "cowbench: host", (double)m->nconfigs * s.a->rounds);
	progress_note(&s.prog, "%u rounds at most, seed %llu", s.a->rounds,
		      (unsigned long long)in->seed);
	if (m->threads_over)
		progress_note(&s.prog, "configurations with more threads than the %zu CPU%s allowed: "
			      "left out", in->ntouch_cpus + 1, in->ntouch_cpus ? "s" : "");
	for (size_t i = 0; i < m->npoints; i++) {
		if (m->points[i].skip[0]) {
			char name[64];
			progress_note(&s.prog, "%s: skipped: %s",
				      host_point_name(&m->points[i], name, sizeof(name)), m->points[i].skip);
		}
	}
	if (host_job_init(&s.job, in->helper, &s.err) < 0)
		return finish(&s, CB_EXIT_FAIL);
	in->out->copied_by = host_copied_by_names[s.job.acct.by];
	struct host_runfile *rf = in->rf;
	snprintf(rf->write_timer, sizeof(rf->write_timer), "%s", s.job.timer.why);
	rf->tsc_overhead_ns = s.job.timer.tsc_overhead_ns;
	rf->clock_overhead_ns = s.job.timer.clock_overhead_ns;
	snprintf(rf->copied_by, sizeof(rf->copied_by), "%s: %s", host_copied_by_names[s.job.acct.by],
		 s.job.acct.why);
	snprintf(rf->kev_missing, sizeof(rf->kev_missing), "%s", s.job.kev.set.missing);
	if (s.job.kev.set.missing[0])
		progress_note(&s.prog, "kernel counts: not counted here: %s", s.job.kev.set.missing);
	s.job.kev_threads = cb_xcalloc(1 + max_threads(m), sizeof(*s.job.kev_threads));
	s.job.kev_threads[0] = &s.job.kev;
	s.job.nkev = 1;
	host_regions_reserve_pools(&s.regions, &s.prog);
	struct host_visit *order = cb_xcalloc(m->nconfigs ? m->nconfigs : 1, sizeof(*order));
	enum run_rc rc = RUN_OK;
	for (unsigned round = 1; round <= s.a->rounds && rc == RUN_OK; round++) {
		host_rounds_order(m, in->seed, round, order);
		for (size_t i = 0, j; i < m->nconfigs && rc == RUN_OK; i = j) {
			for (j = i; j < m->nconfigs && order[j].point == order[i].point; j++)
				;
			rc = visit_point(&s, &order[i], j - i, (int)round);
		}
		if (rc == RUN_OK) {
			decide_round(&s, (int)round);
			host_regions_choose(&s.regions, &s.prog);
		}
	}
	free(order);
	if (rc == RUN_FAIL)
		return finish(&s, CB_EXIT_FAIL);
	return finish(&s, rc == RUN_STOPPED ? 128 + stop_signal : CB_EXIT_OK);
}
