/* The child's side of a sample: stamp the start, then, as the sample has
 * it, write its pages (host_window.h) and report, or wait while the
 * parent writes and then check that it still sees the pages as they were
 * at the fork. */
#include <sys/prctl.h>
#include <signal.h>
#include <unistd.h>

#include "host_sample.h"
#include "host_window.h"

/* The pages as the fork left them: nothing the parent wrote after it. */
static uint64_t count_old(const struct host_job *j)
{
	uint64_t k = 0;
	for (uint64_t i = 0; i < j->dirty_pages; i++)
		k += (uint8_t)j->region[(uint64_t)j->pages[i] << 12] == j->old_value;
	return k;
}

_Noreturn void host_child_run(struct host_job *j)
{
	uint64_t start = cb_now_ns();
	struct host_shared *sh = j->sh;
	uint64_t seq = sh->seq;
	sh->stamp.start_ns = start;
	sh->stamp.seq = seq;
	if (j->live) {
		/* a parent that dies must not leave us waiting forever */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(1);
	}
	struct host_writes w = {j->region, j->pages, j->writer_parent ? 0 : j->dirty_pages,
				j->new_value, &j->timer, j->lat};
	host_window_prepare(&w, false);
	if (j->live) {
		host_live_set(&sh->child_step, HOST_LIVE_READY);
		host_live_wait(&sh->parent_step, HOST_LIVE_GO);
	}
	if (j->writer_parent) {
		/* its copies are the parent's: ours must be what fork saw */
		sh->child_saw_old = count_old(j);
		host_live_wait(&sh->parent_step, HOST_LIVE_FINISH);
		_exit(0);
	}
	struct host_window_out out;
	host_window_run(&w, &out);
	sh->cow_ns = out.ns;
	sh->cow_faults = out.faults;
	__atomic_store_n(&sh->cow_seq, seq, __ATOMIC_RELEASE);
	if (j->live) {
		host_live_set(&sh->child_step, HOST_LIVE_WROTE);
		host_live_wait(&sh->parent_step, HOST_LIVE_FINISH);
	}
	_exit(0);
}
