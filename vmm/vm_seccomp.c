#include "vm_seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hugepool.h"

/* si_code of a SIGSYS the filter raised (<asm-generic/siginfo.h>, whose
 * siginfo_t clashes with glibc's). */
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

/* Calls the loop thread may make with any arguments.  Memory calls are
 * malloc's (the store grows while phases end); signals are the watchdog's
 * kick; getpid, gettid and tgkill are abort()'s, so a sanitizer or an
 * assertion can still report; sigaltstack is ASan's, at thread exit. */
static const int allowed[] = {
	SCMP_SYS(pread64),	 SCMP_SYS(write),     SCMP_SYS(poll),	      SCMP_SYS(ppoll),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(brk),		 SCMP_SYS(munmap),    SCMP_SYS(mremap),	      SCMP_SYS(madvise),
	SCMP_SYS(futex),	 SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(sched_yield),
	SCMP_SYS(getpid),	 SCMP_SYS(gettid),    SCMP_SYS(tgkill),	      SCMP_SYS(exit),
	SCMP_SYS(exit_group),	 SCMP_SYS(sigaltstack),
};

/* SIGSYS, async-signal-safe.  In the loop thread (from the filter): one
 * line naming the call, then the main thread is told and this one waits,
 * since the filter forbids what restoring the pool needs (open).  In the
 * main thread (from that tgkill): the pool put back, exit 1. */
static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (si->si_code != SYS_SECCOMP) {
		hugepool_restore_all();
		_exit(CB_EXIT_FAIL);
	}
	char msg[160] = "cowbench: vm: seccomp: the exit loop made a forbidden system call (number ";
	size_t n = strlen(msg);
	char d[12];
	int k = 0;
	unsigned u = (unsigned)si->si_syscall;
	do
		d[k++] = (char)('0' + u % 10);
	while ((u /= 10) && k < 11);
	while (k)
		msg[n++] = d[--k];
	static const char tail[] = ", see ausyscall); stopping\n";
	memcpy(msg + n, tail, sizeof(tail) - 1);
	n += sizeof(tail) - 1;
	(void)!write(STDERR_FILENO, msg, n);
	/* The main thread's id is the process id. */
	syscall(SYS_tgkill, getpid(), getpid(), sig);
	for (;;)
		poll(NULL, 0, -1);
}

bool vm_seccomp_wanted(void)
{
	const char *v = getenv("COWBENCH_SECCOMP");
	return !v || strcmp(v, "0") != 0;
}

static int add(scmp_filter_ctx c, int nr, unsigned n, const struct scmp_arg_cmp *args)
{
	return seccomp_rule_add_array(c, SCMP_ACT_ALLOW, nr, n, args);
}

int vm_seccomp_confine(const struct vm_seccomp_fds *fds, cb_error *e)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);

	scmp_filter_ctx c = seccomp_init(SCMP_ACT_TRAP);
	if (!c) {
		cb_error_set(e, "seccomp_init failed");
		return 0;
	}
	int rc = 0;
	for (size_t i = 0; i < CB_ARRAY_SIZE(allowed) && rc == 0; i++)
		rc = add(c, allowed[i], 0, NULL);
	/* Memory, never executable: no new code for a guest that got in. */
	const struct scmp_arg_cmp noexec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	if (rc == 0)
		rc = add(c, SCMP_SYS(mmap), 1, &noexec);
	if (rc == 0)
		rc = add(c, SCMP_SYS(mprotect), 1, &noexec);
	/* ioctl: KVM_RUN on our vCPU, FIONREAD on the console. */
	const struct scmp_arg_cmp run[] = {SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fds->vcpu, 0),
					   SCMP_A1(SCMP_CMP_EQ, KVM_RUN, 0)};
	if (rc == 0)
		rc = add(c, SCMP_SYS(ioctl), 2, run);
	if (rc == 0 && fds->console >= 0) {
		const struct scmp_arg_cmp nread[] = {
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fds->console, 0),
			SCMP_A1(SCMP_CMP_EQ, FIONREAD, 0)};
		const struct scmp_arg_cmp pipesz[] = {
			SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fds->console, 0),
			SCMP_A1(SCMP_CMP_EQ, F_GETPIPE_SZ, 0)};
		rc = add(c, SCMP_SYS(ioctl), 2, nread);
		if (rc == 0)
			rc = add(c, SCMP_SYS(fcntl), 2, pipesz);
	}
	if (rc != 0) {
		seccomp_release(c);
		errno = -rc;
		cb_error_errno(e, "building the seccomp filter");
		return -1;
	}
	rc = seccomp_load(c);
	seccomp_release(c);
	if (rc != 0) {
		/* No seccomp in this kernel (or a container forbids it): run as
		 * before, and say so. */
		errno = -rc;
		cb_error_errno(e, "seccomp_load");
		return 0;
	}
	return 1;
}
