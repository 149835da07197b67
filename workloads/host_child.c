/* The child's side of a sample: stamp the start, dirty the first pages of
 * the region, report.
 *
 * cow_faults must be the faults of the dirtying loop and nothing else, but
 * a freshly forked child faults on much more than the region: every stack
 * page it writes is COW-shared with the parent, and text, vDSO and the
 * shared page have no PTEs in the child at all (fork copies page tables
 * only for VMAs with anonymous pages) until first touched.  So everything
 * the measured window touches is touched once before it: the stamp faults
 * in the shared page, host_child_stack() breaks COW on the stack below us,
 * and a warm pass of the same window over a stack buffer maps the code
 * and the vDSO.  What the second window counts is then region faults. */
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "host_sample.h"

/* Deeper than anything the window calls (getrusage, the vDSO clock). */
#define CHILD_STACK_TOUCH (16 * 1024)

struct cow_window {
	uint64_t ns, faults;
};

static __attribute__((noinline)) void host_child_stack(void)
{
	volatile char buf[CHILD_STACK_TOUCH];
	for (size_t i = 0; i < sizeof(buf); i += 64)
		buf[i] = 0;
}

/* Never instrumented: under ASan each store would first read the
 * region's shadow, and those shadow pages would fault in the window too. */
static __attribute__((noinline, no_sanitize_address)) void
host_child_window(volatile char *base, uint64_t pages, struct cow_window *out)
{
	struct rusage r0, r1;
	memset(&r0, 0, sizeof(r0));
	memset(&r1, 0, sizeof(r1));
	getrusage(RUSAGE_SELF, &r0);
	uint64_t t0 = cb_now_ns();
	for (uint64_t i = 0; i < pages; i++)
		base[i << 12] = 1;
	uint64_t t1 = cb_now_ns();
	getrusage(RUSAGE_SELF, &r1);
	out->ns = t1 - t0;
	out->faults = (uint64_t)(r1.ru_minflt - r0.ru_minflt);
}

_Noreturn void host_child_run(struct host_job *j)
{
	uint64_t start = cb_now_ns();
	struct host_shared *sh = j->sh;
	uint64_t seq = sh->seq;
	sh->stamp.start_ns = start;
	sh->stamp.seq = seq;
	host_child_stack();
	volatile char warm[64];
	struct cow_window w;
	memset(&w, 0, sizeof(w));
	host_child_window(warm, 1, &w);
	host_child_window(j->region, j->dirty_pages, &w);
	sh->cow_ns = w.ns;
	sh->cow_faults = w.faults;
	__atomic_store_n(&sh->cow_seq, seq, __ATOMIC_RELEASE);
	_exit(0);
}
