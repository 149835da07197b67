#include "host_sweep.h"

#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_prim.h"
#include "host_region.h"
#include "hugepool.h"
#include "host_rounds.h"
#include "host_sample.h"
#include "host_sys.h"
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

/* One block: warm-up runs, then samples until the block rule says enough.
 * An interrupted block leaves nothing behind. */
static enum run_rc run_block(struct sweep *s, const struct anon_mem *reg, double huge,
			     struct host_result *r, int round)
{
	const struct host_prim *p = &host_prims[r->cfg->prim];
	struct host_sample smp;
	s->job.dirty_pages = r->cfg->dirty_pages;
	/* Evict what the child will read: the pages a fork child copies, or
	 * just the bytes a vfork/clone_vm child writes in place. */
	uint64_t dirty = p->execs ? 0 : r->cfg->dirty_pages;
	s->job.flush_bytes = host_page_touched_bytes(p->shares_vm ? HOST_PAGE_4K : r->pt->mode,
						     reg->bytes, dirty);
	/* Another configuration ran just before this one: warm the caches
	 * and TLB for this one again.  A sample that takes longer than
	 * HOST_WARMUP_SKIP_NS warms them itself within its first microseconds,
	 * and a warm-up would double its cost (a hugetlb1g COW copies 1 GiB). */
	size_t warmup = s->in->o->warmup;
	if (r->n && median_total(r) > HOST_WARMUP_SKIP_NS)
		warmup = 0;
	for (size_t w = 0; w < warmup; w++) {
		enum run_rc rc = one_sample(s, p, &smp);
		if (rc != RUN_OK)
			return rc;
	}
	double pte = host_sys_pte_bytes() - host_regions_hidden_pte(&s->regions);
	size_t from = r->n;
	uint64_t start = cb_now_ns(), took;
	for (;;) {
		int cpu = s->in->cpu == -2 ? sched_getcpu() : s->in->cpu;
		enum run_rc rc = one_sample(s, p, &smp);
		if (rc != RUN_OK) {
			host_result_truncate(r, from);
			return rc;
		}
		host_result_push(r, &smp, round, pte, huge, cpu);
		took = cb_now_ns() - start;
		if (!host_adapt_block_more(s->a, r->n - from, took, r->n, r->elapsed_ns + took))
			break;
	}
	r->elapsed_ns += took;
	r->rounds_done++;
	host_out_add_block(s->in->out, r, from);
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
			rc = run_block(s, reg, huge, r, round);
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
		r->stop = host_adapt_decide(s->a, series, k, r->round, r->n, r->rounds_done,
					    r->elapsed_ns);
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
	host_job_free(&s->job);
	host_regions_free(&s->regions);
	free(s->point_dead);
	return status;
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
	for (size_t i = 0; i < m->npoints; i++) {
		if (m->points[i].skip[0]) {
			char name[64];
			progress_note(&s.prog, "%s: skipped: %s",
				      host_point_name(&m->points[i], name, sizeof(name)), m->points[i].skip);
		}
	}
	if (host_job_init(&s.job, in->helper, &s.err) < 0)
		return finish(&s, CB_EXIT_FAIL);
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
