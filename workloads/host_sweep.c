#include "host_sweep.h"

#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hugepool.h"
#include "host_prim.h"
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
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < CB_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
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
	/* Regions kept populated between visits (see host_sweep.h). */
	struct kept {
		struct anon_mem reg;
		bool keep, mapped;
		double setup_s;	    /* its latest setup, 0 before any */
		double pte_bytes;   /* its share of VmPTE */
	} *kept;
	bool keeps_chosen;
	double hidden_pte; /* VmPTE of kept regions that are not being measured */
	cb_error err;
};

/* A region is worth keeping when setting it up took at least this long. */
#define HOST_KEEP_MIN_S 0.5

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
static enum run_rc run_block(struct sweep *s, const struct anon_mem *reg, struct host_result *r,
			     int round)
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
	/* Read once per block, not per sample: a walk of a 4 GiB region's
	 * smaps takes longer than most samples, and the parent's page tables
	 * do not change between samples (a child's COW copies and huge-page
	 * splits happen in the child's own tables). */
	struct smaps_range sr;
	double huge = smaps_read(reg->base, reg->bytes, &sr) > 0 ? smaps_huge_fraction(&sr, reg->bytes)
								   : NAN;
	double pte = host_sys_pte_bytes() - s->hidden_pte;
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

/* The hugepage pool stays grown until the sweep ends: every round comes
 * back to the point, and growing a 1 GiB pool again (the kernel compacting
 * memory for contiguous gigabytes) took 8 to 17 s a round here. */
static void teardown_point(struct sweep *s, struct anon_mem *reg)
{
	anon_mem_unmap(reg);
	s->job.region = NULL;
}

static void point_name(const struct host_point *pt, char *buf, size_t len)
{
	char sz[32];
	snprintf(buf, len, "%s %s", host_page_names[pt->mode], format_size(pt->bytes, sz, sizeof(sz)));
}

/* The region of point p for a visit: kept from an earlier visit, or set
 * up now (and timed, for keep_choose). */
static int region_get(struct sweep *s, size_t p, struct anon_mem *local, struct anon_mem **reg)
{
	const struct host_point *pt = &s->in->m->points[p];
	struct kept *k = &s->kept[p];
	if (k->mapped) {
		*reg = &k->reg;
		s->hidden_pte -= k->pte_bytes;
		/* Before the first child: its region must be the child's too. */
		if (k->reg.bytes && madvise(k->reg.base, k->reg.bytes, MADV_DOFORK) < 0) {
			cb_error_errno(&s->err, "madvise(MADV_DOFORK)");
			return -1;
		}
		s->job.region = (char *)k->reg.base;
		return 0;
	}
	double pte0 = host_sys_pte_bytes();
	uint64_t t0 = cb_now_ns();
	if (setup_point(s, pt, local) < 0)
		return -1;
	k->setup_s = (double)(cb_now_ns() - t0) / 1e9;
	k->pte_bytes = host_sys_pte_bytes() - pte0;
	*reg = local;
	if (k->keep) {
		k->reg = *local;
		k->mapped = true;
		*reg = &k->reg;
	}
	return 0;
}

static void region_put(struct sweep *s, size_t p, struct anon_mem *reg)
{
	struct kept *k = &s->kept[p];
	if (!k->mapped) {
		teardown_point(s, reg);
		return;
	}
	/* A failure here only costs the next fork its page tables. */
	if (k->reg.bytes)
		madvise(k->reg.base, k->reg.bytes, MADV_DONTFORK);
	s->hidden_pte += k->pte_bytes;
	s->job.region = NULL;
}

/* After the first round this process set regions up in: keep the
 * slowest to set up (at least HOST_KEEP_MIN_S) that fit in the budget,
 * slowest first.  Hugetlb regions are never kept: their pool is held
 * anyway (teardown_point) and mapping from it is quick. */
static void keep_choose(struct sweep *s)
{
	const struct host_matrix *m = s->in->m;
	bool any = false;
	for (size_t p = 0; p < m->npoints; p++)
		any |= s->kept[p].setup_s > 0;
	if (!any || s->keeps_chosen)
		return;
	s->keeps_chosen = true;
	uint64_t left = s->in->keep_budget;
	for (;;) {
		size_t best = m->npoints;
		for (size_t p = 0; p < m->npoints; p++) {
			const struct kept *k = &s->kept[p];
			if (k->keep || k->setup_s < HOST_KEEP_MIN_S || mem_kinds[m->points[p].mode].pool_kib ||
			    m->points[p].bytes > left)
				continue;
			if (best == m->npoints || k->setup_s > s->kept[best].setup_s)
				best = p;
		}
		if (best == m->npoints)
			return;
		s->kept[best].keep = true;
		left -= m->points[best].bytes;
		char name[64];
		point_name(&m->points[best], name, sizeof(name));
		progress_note(&s->prog, "%s: set up in %.1f s: kept populated between rounds", name,
			      s->kept[best].setup_s);
	}
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
	point_name(pt, name, sizeof(name));
	if (!want || s->point_dead[p]) {
		s->done += (double)n;
		return RUN_OK;
	}
	progress_step(&s->prog, s->done, "round %d/%u: %s, %zu configurations", round,
		      s->a->rounds, name, want);
	struct anon_mem local, *reg;
	if (region_get(s, p, &local, &reg) < 0) {
		if (s->kept[p].mapped) /* madvise failed: the machine, not the point */
			return RUN_FAIL;
		progress_note(&s->prog, "%s: skipped from round %d on: %s", name, round, s->err.msg);
		s->err.msg[0] = '\0';
		s->point_dead[p] = true;
		s->done += (double)n;
		return RUN_OK;
	}
	enum run_rc rc = RUN_OK;
	for (size_t i = 0; i < n && rc == RUN_OK; i++) {
		struct host_result *r = &res[v[i].config];
		if (wants_block(r, round))
			rc = run_block(s, reg, r, round);
		s->done += 1;
	}
	region_put(s, p, reg);
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
	for (size_t p = 0; p < in->m->npoints; p++)
		if (s->kept[p].mapped)
			anon_mem_unmap(&s->kept[p].reg);
	free(s->kept);
	free(s->point_dead);
	hugepool_restore_all();
	return status;
}

/* Grows every hugepage pool the sweep needs before anything is
 * populated: later, the memory the regions and other processes use leaves
 * the kernel fewer contiguous gigabytes (a 4 GiB hugetlb1g point once got
 * 4 of its 5 pages mid-sweep).  The biggest pages first.  What fails here
 * is tried again point by point (setup_point), and skipped there. */
static void reserve_pools(struct sweep *s)
{
	const struct host_matrix *m = s->in->m;
	for (int mode = HOST_PAGE_COUNT - 1; mode >= 0; mode--) {
		unsigned long kib = mem_kinds[mode].pool_kib;
		uint64_t pages = 0;
		for (size_t p = 0; p < m->npoints; p++) {
			const struct host_point *pt = &m->points[p];
			uint64_t n = host_page_pool_pages(pt->mode, pt->bytes, pt->cow_dirty_max);
			if ((int)pt->mode == mode && !pt->skip[0] && n > pages)
				pages = n;
		}
		cb_error e;
		if (kib && pages && hugepool_reserve(kib, pages, &e) < 0)
			progress_note(&s->prog, "%s: %s; each point tries again", host_page_names[mode],
				      e.msg);
	}
}

int host_sweep_run(const struct host_sweep_in *in)
{
	const struct host_matrix *m = in->m;
	struct sweep s = {.in = in, .a = &in->o->adapt};
	s.point_dead = cb_xcalloc(m->npoints ? m->npoints : 1, sizeof(*s.point_dead));
	s.kept = cb_xcalloc(m->npoints ? m->npoints : 1, sizeof(*s.kept));
	/* The label prefixes notes too: "cowbench: host: <what>: <why>". */
	progress_init(&s.prog, "cowbench: host", (double)m->nconfigs * s.a->rounds);
	progress_note(&s.prog, "%u rounds at most, seed %llu", s.a->rounds,
		      (unsigned long long)in->seed);
	for (size_t i = 0; i < m->npoints; i++) {
		if (m->points[i].skip[0]) {
			char name[64];
			point_name(&m->points[i], name, sizeof(name));
			progress_note(&s.prog, "%s: skipped: %s", name, m->points[i].skip);
		}
	}
	if (host_job_init(&s.job, in->helper, &s.err) < 0)
		return finish(&s, CB_EXIT_FAIL);
	reserve_pools(&s);
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
			keep_choose(&s);
		}
	}
	free(order);
	if (rc == RUN_FAIL)
		return finish(&s, CB_EXIT_FAIL);
	return finish(&s, rc == RUN_STOPPED ? 128 + stop_signal : CB_EXIT_OK);
}
