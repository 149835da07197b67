#include "host_sample.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/futex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cache.h"
#include "host_pattern.h"
#include "host_window.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

/* The clone_vm child's stack: deep enough for the child's own frames and
 * for sanitizer builds, and populated so it never faults in the window. */
#define CLONE_STACK_BYTES (1024 * 1024)

int host_job_init(struct host_job *j, const char *helper, cb_error *e)
{
	memset(j, 0, sizeof(*j));
	/* No MFD_CLOEXEC: the exec'd helper writes its stamp through this fd. */
	j->sh_fd = memfd_create("cowbench-shared", 0);
	if (j->sh_fd < 0) {
		cb_error_errno(e, "memfd_create");
		return -1;
	}
	if (ftruncate(j->sh_fd, 4096) < 0) {
		cb_error_errno(e, "ftruncate of the shared page");
		host_job_free(j);
		return -1;
	}
	void *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, j->sh_fd, 0);
	if (sh == MAP_FAILED) {
		cb_error_errno(e, "mmap of the shared page");
		host_job_free(j);
		return -1;
	}
	j->sh = sh;
	j->clone_stack = mmap(NULL, CLONE_STACK_BYTES, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_POPULATE, -1, 0);
	if (j->clone_stack == MAP_FAILED) {
		j->clone_stack = NULL;
		cb_error_errno(e, "mmap of the clone stack");
		host_job_free(j);
		return -1;
	}
	j->clone_stack_top = (char *)j->clone_stack + CLONE_STACK_BYTES;
	if (host_account_init(&j->acct, e) < 0) {
		host_job_free(j);
		return -1;
	}
	host_wtime_init(&j->timer);
	host_kev_open(&j->kev);
	j->helper = helper;
	snprintf(j->argv_fd, sizeof(j->argv_fd), "%d", j->sh_fd);
	j->helper_argv[0] = HOST_HELPER_NAME;
	j->helper_argv[1] = j->argv_fd;
	j->helper_argv[2] = j->argv_seq;
	j->helper_argv[3] = NULL;
	return 0;
}

static void free_config(struct host_job *j)
{
	free(j->pages);
	free(j->flush);
	free(j->collapse);
	j->pages = j->flush = j->collapse = NULL;
	j->nflush = j->ncollapse = 0;
}

void host_job_free(struct host_job *j)
{
	free_config(j);
	if (j->lat)
		munmap(j->lat, j->lat_cap * sizeof(*j->lat));
	if (j->sh)
		munmap(j->sh, 4096);
	if (j->clone_stack)
		munmap(j->clone_stack, CLONE_STACK_BYTES);
	if (j->sh_fd >= 0)
		close(j->sh_fd);
	host_account_free(&j->acct);
	host_kev_close(&j->kev);
	memset(j, 0, sizeof(*j));
	j->sh_fd = -1;
}

/* The latency buffer, MAP_SHARED so neither process's writes to it after
 * fork are copy-on-write faults, grown (between samples) to n entries. */
static void lat_reserve(struct host_job *j, uint64_t n)
{
	if (n <= j->lat_cap)
		return;
	if (j->lat)
		munmap(j->lat, j->lat_cap * sizeof(*j->lat));
	void *p = mmap(NULL, n * sizeof(*j->lat), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		cb_die(CB_EXIT_FAIL, "memory", "cannot map %" PRIu64 " write latencies", n);
	j->lat = p;
	j->lat_cap = n;
}

void host_job_config(struct host_job *j, const struct host_point *pt, const struct host_config *c,
		     uint64_t seed)
{
	free_config(j);
	const struct host_prim *p = &host_prims[c->prim];
	j->mode = pt->mode;
	j->dirty_pages = p->execs ? 0 : c->dirty_pages;
	j->writer_parent = c->dim[HOST_DIM_WRITER] == HOST_WRITER_PARENT;
	j->shares_vm = p->shares_vm;
	j->cow_child = !p->execs && !p->shares_vm;
	uint64_t n = j->dirty_pages;
	j->pages = cb_xmalloc((n ? n : 1) * sizeof(*j->pages));
	host_pattern_pages((enum host_pattern)c->dim[HOST_DIM_PATTERN], pt->bytes, n, seed, j->pages);
	/* Evict what the writer's faults will read: the pages a COW fault
	 * copies (the whole huge page under hugetlb), or just the pages a
	 * vfork/clone_vm child writes in place. */
	j->flush_pages = p->shares_vm || !mem_kinds[pt->mode].pool_kib ? 1 : host_page_cow_unit(pt->mode);
	j->flush = cb_xmalloc((n ? n : 1) * sizeof(*j->flush));
	j->nflush = host_pattern_blocks(j->pages, n, j->flush_pages, j->flush);
	/* A parent that writes splits its own THPs (the kernel splits the
	 * PMD of a shared huge page and copies 4 KiB): they are collapsed
	 * again after each sample, so every sample forks the same region. */
	if (j->writer_parent && pt->mode == HOST_PAGE_THP) {
		j->collapse = cb_xmalloc((n ? n : 1) * sizeof(*j->collapse));
		j->ncollapse = host_pattern_blocks(j->pages, n, HOST_SPARSE_STRIDE / 4096, j->collapse);
	}
	lat_reserve(j, n ? n : 1);
}

void host_live_set(uint32_t *word, uint32_t step)
{
	__atomic_store_n(word, step, __ATOMIC_RELEASE);
	syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void host_live_wait(const uint32_t *word, uint32_t step)
{
	uint32_t v;
	while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) < step)
		syscall(SYS_futex, word, FUTEX_WAIT, v, NULL, NULL, 0);
}

/* The parent's wait for the child's step, or -1 when the child exited
 * first (it is not reaped here: the caller's wait4 reports why). */
static int wait_child(const uint32_t *word, uint32_t step, pid_t pid)
{
	const struct timespec tick = {0, 50000000};
	uint32_t v;
	while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) < step) {
		syscall(SYS_futex, word, FUTEX_WAIT, v, &tick, NULL, 0);
		siginfo_t si;
		si.si_pid = 0;
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)
			return -1;
	}
	return 0;
}

/* Writes, before the fork, what every page to be written holds: the child
 * and the parent check against it afterwards. */
static void put_old(struct host_job *j)
{
	for (uint64_t i = 0; i < j->dirty_pages; i++)
		j->region[(uint64_t)j->pages[i] << 12] = (char)j->old_value;
}

static uint64_t count_value(const struct host_job *j, uint8_t v)
{
	uint64_t k = 0;
	for (uint64_t i = 0; i < j->dirty_pages; i++)
		k += (uint8_t)j->region[(uint64_t)j->pages[i] << 12] == v;
	return k;
}

/* The parent's part while a live child waits: its own writes, or the
 * go-ahead for the child's; what they copied; then the child may finish.
 * -1 when the child exited before it should have. */
static int live_parent(struct host_job *j, pid_t pid, struct host_sample *out)
{
	struct host_shared *sh = j->sh;
	if (wait_child(&sh->child_step, HOST_LIVE_READY, pid) < 0)
		return -1;
	struct host_writes w = {j->region, j->pages, j->dirty_pages, j->new_value, &j->timer, j->lat};
	/* Our own stack copies too: before the first reading, so that what
	 * Pss_Anon counts between the readings is the region's copies. */
	struct host_writes none = w;
	none.n = 0;
	host_window_prepare(j->writer_parent ? &w : &none, true);
	if (j->account)
		host_account_before(&j->acct, pid, mem_kinds[j->mode].pool_kib);
	if (j->writer_parent) {
		struct host_window_out win;
		host_window_run(&w, &win);
		out->cow_ns = (double)win.ns;
		out->cow_faults = (double)win.faults;
		out->writes = (double)j->dirty_pages;
		host_live_set(&sh->parent_step, HOST_LIVE_GO); /* the child checks now */
	} else {
		host_live_set(&sh->parent_step, HOST_LIVE_GO);
		if (wait_child(&sh->child_step, HOST_LIVE_WROTE, pid) < 0)
			return -1;
	}
	if (j->account)
		host_account_after(&j->acct, pid, (const void *)j->region, j->region_bytes,
				   &out->copied_bytes, &out->pool_copied_bytes);
	host_live_set(&sh->parent_step, HOST_LIVE_FINISH);
	return 0;
}

static int reap(const struct host_prim *p, struct host_job *j, pid_t pid, uint64_t *t_end,
		struct rusage *ru, cb_error *e)
{
	int status;
	pid_t w;
	do
		w = wait4(pid, &status, 0, ru);
	while (w < 0 && errno == EINTR);
	*t_end = cb_now_ns();
	if (w < 0) {
		cb_error_errno(e, "wait4 for the %s child", p->name);
		return -1;
	}
	if (WIFSIGNALED(status)) {
		cb_error_set(e, "the %s child was killed by signal %d (%s)", p->name,
			     WTERMSIG(status), strsignal(WTERMSIG(status)));
		return -1;
	}
	if (WEXITSTATUS(status) != 0) {
		if (WEXITSTATUS(status) == 127)
			cb_error_set(e, "the %s child could not exec %s", p->name, j->helper);
		else
			cb_error_set(e, "the %s child exited with status %d", p->name,
				     WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

/* Copy-on-write held: each process sees what it wrote, or what was
 * there before the other one wrote (a vfork or clone_vm child's writes
 * are the parent's own). */
static int verify(const struct host_prim *p, struct host_job *j, struct host_sample *out,
		  cb_error *e)
{
	uint64_t n = j->dirty_pages;
	if (p->execs)
		return 0;
	out->verified_pages = 0;
	if (n == 0)
		return 0;
	uint64_t ok;
	const char *what;
	if (j->writer_parent) {
		uint64_t mine = count_value(j, j->new_value), child = j->sh->child_saw_old;
		ok = mine < child ? mine : child;
		what = mine < n ? "the parent lost some of its own writes"
				: "the child saw the parent's writes";
	} else if (j->shares_vm) {
		ok = count_value(j, j->new_value);
		what = "the child's writes did not reach the memory it shares with the parent";
	} else {
		ok = count_value(j, j->old_value);
		what = "the child's writes reached the parent";
	}
	out->verified_pages = (double)ok;
	if (ok != n) {
		cb_error_set(e, "copy-on-write broken after %s: %s (%" PRIu64 " of %" PRIu64 " pages)",
			     p->name, what, n - ok, n);
		return -1;
	}
	return 0;
}

/* A writing parent split its THPs; put them back together for the next
 * sample (best effort: a failure is counted, and the sweep says so). */
static void recollapse(struct host_job *j)
{
	for (size_t i = 0; i < j->ncollapse; i++) {
		void *b = (char *)j->region + (uint64_t)j->collapse[i] * HOST_SPARSE_STRIDE;
		if (madvise(b, HOST_SPARSE_STRIDE, MADV_COLLAPSE) < 0)
			j->collapse_failed++;
	}
}

int host_sample_run(const struct host_prim *p, struct host_job *j, uint64_t seq,
		    struct host_sample *out, cb_error *e)
{
	struct host_shared *sh = j->sh;
	memset(sh, 0, sizeof(*sh));
	memset(out, 0, sizeof(*out));
	out->cow_ns = out->cow_faults = out->verified_pages = NAN;
	out->copied_bytes = out->pool_copied_bytes = NAN;
	sh->seq = seq;
	snprintf(j->argv_seq, sizeof(j->argv_seq), "%" PRIu64, seq);
	/* odd and even: never equal, and new in every sample */
	j->old_value = (uint8_t)(2 * seq + 1);
	j->new_value = (uint8_t)(2 * seq + 2);
	/* a vfork child cannot wait for its parent, which waits for it */
	j->account = j->observe && j->cow_child && j->dirty_pages;
	j->live = j->cow_child && j->dirty_pages && (j->writer_parent || j->account);
	if (!p->execs)
		put_old(j);
	/* Every sample dirties the same pages, so without this each
	 * writer would copy what the previous one left in the cache. */
	for (size_t i = 0; i < j->nflush; i++)
		cache_flush((const void *)(j->region + ((uint64_t)j->flush[i] * j->flush_pages << 12)),
			    j->flush_pages << 12);
	struct host_kev_reading k0, k1;
	if (j->observe) {
		host_kev_enable(j->kev_threads, j->nkev, true);
		host_kev_read(j->kev_threads, j->nkev, &k0);
	} else {
		host_kev_read_tlb(&k0);
	}
	/* Last before the call, so the reading describes the machine the
	 * sample ran on as nearly as it can without being inside it. */
	if (probe_take(&out->probe, e) < 0)
		return -1;

	pid_t pid = p->create(j);
	if (pid < 0) {
		cb_error_errno(e, "%s failed", p->name);
		return -1;
	}
	int live_rc = j->live ? live_parent(j, pid, out) : 0;
	uint64_t t_end;
	struct rusage ru;
	if (reap(p, j, pid, &t_end, &ru, e) < 0)
		return -1;
	if (live_rc < 0) {
		cb_error_set(e, "the %s child exited before the parent's writes were done", p->name);
		return -1;
	}
	if (j->observe) {
		host_kev_read(j->kev_threads, j->nkev, &k1);
		host_kev_enable(j->kev_threads, j->nkev, false);
	} else {
		host_kev_read_tlb(&k1);
	}
	host_kev_delta(&k0, &k1, &out->kev);
	struct host_stamp st = sh->stamp;
	if (st.seq != seq || st.start_ns == 0) {
		cb_error_set(e, "the %s child exited without stamping its start", p->name);
		return -1;
	}
	out->create_ns = j->t_ret - j->t_call;
	/* what holding the child for the accounting added is no child's cost */
	out->total_ns = j->account && j->live ? NAN : (double)(t_end - j->t_call);
	/* Signed: a stamp before the call would mean broken clocks, and the
	 * reader should see that rather than a huge unsigned number. */
	out->child_start_ns = (double)((int64_t)st.start_ns - (int64_t)j->t_call);
	out->minflt = (double)ru.ru_minflt;
	if (!p->execs && !j->writer_parent) {
		if (__atomic_load_n(&sh->cow_seq, __ATOMIC_ACQUIRE) != seq) {
			cb_error_set(e, "the %s child exited without reporting its dirtying loop",
				     p->name);
			return -1;
		}
		out->cow_ns = (double)sh->cow_ns;
		out->cow_faults = (double)sh->cow_faults;
		out->writes = (double)j->dirty_pages;
	}
	if (verify(p, j, out, e) < 0)
		return -1;
	recollapse(j);
	return 0;
}
