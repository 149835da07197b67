#include "host_sample.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cache.h"

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
	j->helper = helper;
	snprintf(j->argv_fd, sizeof(j->argv_fd), "%d", j->sh_fd);
	j->helper_argv[0] = HOST_HELPER_NAME;
	j->helper_argv[1] = j->argv_fd;
	j->helper_argv[2] = j->argv_seq;
	j->helper_argv[3] = NULL;
	return 0;
}

void host_job_free(struct host_job *j)
{
	if (j->sh)
		munmap(j->sh, 4096);
	if (j->clone_stack)
		munmap(j->clone_stack, CLONE_STACK_BYTES);
	if (j->sh_fd >= 0)
		close(j->sh_fd);
	memset(j, 0, sizeof(*j));
	j->sh_fd = -1;
}

int host_sample_run(const struct host_prim *p, struct host_job *j, uint64_t seq,
		    struct host_sample *out, cb_error *e)
{
	struct host_shared *sh = j->sh;
	memset(sh, 0, sizeof(*sh));
	sh->seq = seq;
	snprintf(j->argv_seq, sizeof(j->argv_seq), "%" PRIu64, seq);
	/* Every sample dirties the same first pages, so without this each
	 * child would copy what the previous one left in the cache. */
	if (j->flush_bytes)
		cache_flush((const void *)j->region, j->flush_bytes);
	/* Last before the call, so the reading describes the machine the
	 * sample ran on as nearly as it can without being inside it. */
	if (probe_take(&out->probe, e) < 0)
		return -1;

	pid_t pid = p->create(j);
	if (pid < 0) {
		cb_error_errno(e, "%s failed", p->name);
		return -1;
	}
	int status;
	struct rusage ru;
	pid_t w;
	do
		w = wait4(pid, &status, 0, &ru);
	while (w < 0 && errno == EINTR);
	uint64_t t_end = cb_now_ns();
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
	struct host_stamp st = sh->stamp;
	if (st.seq != seq || st.start_ns == 0) {
		cb_error_set(e, "the %s child exited without stamping its start", p->name);
		return -1;
	}
	out->create_ns = j->t_ret - j->t_call;
	out->total_ns = t_end - j->t_call;
	/* Signed: a stamp before the call would mean broken clocks, and the
	 * reader should see that rather than a huge unsigned number. */
	out->child_start_ns = (double)((int64_t)st.start_ns - (int64_t)j->t_call);
	out->minflt = (double)ru.ru_minflt;
	out->cow_ns = out->cow_faults = NAN;
	if (!p->execs) {
		if (__atomic_load_n(&sh->cow_seq, __ATOMIC_ACQUIRE) != seq) {
			cb_error_set(e, "the %s child exited without reporting its dirtying loop",
				     p->name);
			return -1;
		}
		out->cow_ns = (double)sh->cow_ns;
		out->cow_faults = (double)sh->cow_faults;
	}
	return 0;
}
