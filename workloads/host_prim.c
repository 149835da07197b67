/* How each primitive creates its child.  The clock reads sit right
 * around the call, in the parent: for vfork the parent resumes only once
 * the child has exited or exec'd, so its create_ns contains the child's
 * run, which is what vfork costs its caller. */
#include "host_prim.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include "host_sample.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

static char *const empty_env[] = {NULL};

static pid_t prim_fork(struct host_job *j)
{
	j->t_call = cb_now_ns();
	pid_t pid = fork();
	if (pid == 0)
		host_child_run(j);
	j->t_ret = cb_now_ns();
	return pid;
}

static pid_t prim_vfork(struct host_job *j)
{
	j->t_call = cb_now_ns();
	pid_t pid = vfork();
	if (pid == 0)
		host_child_run(j);
	j->t_ret = cb_now_ns();
	return pid;
}

static int clone_entry(void *arg)
{
	host_child_run(arg);
}

static pid_t prim_clone_vm(struct host_job *j)
{
#if defined(__SANITIZE_ADDRESS__)
	/* The child shares our shadow memory and never returns from its
	 * frames, so its redzones would stay poisoned for the next child on
	 * the same stack. */
	ASAN_UNPOISON_MEMORY_REGION(j->clone_stack, (size_t)(j->clone_stack_top - (char *)j->clone_stack));
#endif
	j->t_call = cb_now_ns();
	pid_t pid = clone(clone_entry, j->clone_stack_top, CLONE_VM | SIGCHLD, j);
	j->t_ret = cb_now_ns();
	return pid;
}

static pid_t prim_posix_spawn(struct host_job *j)
{
	pid_t pid;
	j->t_call = cb_now_ns();
	int rc = posix_spawn(&pid, j->helper, NULL, NULL, j->helper_argv, empty_env);
	j->t_ret = cb_now_ns();
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}

static pid_t prim_fork_exec(struct host_job *j)
{
	j->t_call = cb_now_ns();
	pid_t pid = fork();
	if (pid == 0) {
		execve(j->helper, j->helper_argv, empty_env);
		_exit(127);
	}
	j->t_ret = cb_now_ns();
	return pid;
}

static pid_t prim_vfork_exec(struct host_job *j)
{
	j->t_call = cb_now_ns();
	pid_t pid = vfork();
	if (pid == 0) {
		execve(j->helper, j->helper_argv, empty_env);
		_exit(127);
	}
	j->t_ret = cb_now_ns();
	return pid;
}

#define ROW(ID, name, execs, shares_vm) [HOST_PRIM_##ID] = {#name, execs, shares_vm, prim_##name},
const struct host_prim host_prims[HOST_PRIM_COUNT] = {HOST_PRIMS(ROW)};
#undef ROW

const char *const host_prim_names[HOST_PRIM_COUNT + 1] = {HOST_PRIMS(HOST_PRIM_NAME) NULL};
