/* Kernel event counters by name: exact where the kernel's counting is
 * exact (one minor fault and one page_fault_user per first touch of a
 * fresh 4 KiB anonymous page), missing ones named, never fatal. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "perfev.h"

enum { PAGES = 64 };

/* Never instrumented: under ASan each store would read shadow pages, and
 * their first touches would be counted too. */
static __attribute__((noinline, no_sanitize_address)) void touch(volatile char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		p[i << 12] = 1;
}

static volatile char *fresh(size_t pages)
{
	void *p = mmap(NULL, pages << 12, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, pages << 12, MADV_NOHUGEPAGE);
	return p;
}

/* Whether this process's mount table has a tracefs. */
static bool tracefs_in_mounts(void)
{
	FILE *f = fopen("/proc/self/mounts", "r");
	char line[512];
	bool found = false;
	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, " tracefs ") != NULL;
	if (f)
		fclose(f);
	return found;
}

/* A tracefs this mounts lives in a namespace of its own: the process sees
 * it, nobody else does, and it is gone when the process is killed -9. */
static void private_mount(void)
{
	if (geteuid() != 0 || tracefs_in_mounts()) {
		printf("note: private mount not tried (%s)\n",
		       geteuid() ? "not root" : "tracefs is already mounted here");
		return;
	}
	int fds[2];
	CHECK(pipe(fds) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		bool mounted = false;
		cb_error e;
		char ok = perfev_tracefs(&mounted, &e) && mounted && tracefs_in_mounts() ? 'y' : 'n';
		if (write(fds[1], &ok, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char ok = 0;
	CHECK(read(fds[0], &ok, 1) == 1 && ok == 'y');
	CHECK(!tracefs_in_mounts()); /* not ours to see */
	/* because the child has a mount namespace of its own, which its kill -9
	 * takes with it (seeing nothing afterwards would follow from the check
	 * above and prove nothing) */
	char own[64] = "", child[64] = "", path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	CHECK(readlink("/proc/self/ns/mnt", own, sizeof(own) - 1) > 0);
	CHECK(readlink(path, child, sizeof(child) - 1) > 0);
	CHECK(strcmp(own, child) != 0);
	kill(pid, SIGKILL);
	int st;
	waitpid(pid, &st, 0);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	private_mount();
	static const char *const names[] = {"sw:minor-faults", "exceptions:page_fault_user",
					    "nosuch:event", "bogus", "sw:nonsense"};
	struct perfev_set s;
	size_t n = perfev_open(&s, names, CB_ARRAY_SIZE(names), 0, false);
	CHECK(n >= 1);
	CHECK(!strcmp(s.ev[0].name, "sw:minor-faults"));
	CHECK(strstr(s.missing, "nosuch:event (") != NULL);
	CHECK(strstr(s.missing, "bogus (not sw:NAME or SYSTEM:EVENT)") != NULL);
	CHECK(strstr(s.missing, "sw:nonsense (unknown software event)") != NULL);
	bool have_tp = n >= 2 && !strcmp(s.ev[1].name, "exceptions:page_fault_user");
	if (!have_tp)
		printf("note: exceptions:page_fault_user not counted here: %s\n", s.missing);

	/* Warm the code and stack the window uses, then count a fresh
	 * mapping's first touches: every one is exactly one fault. */
	volatile char *warm = fresh(1), *p = fresh(PAGES);
	CHECK(warm && p);
	int64_t v[PERFEV_MAX];
	for (int round = 0; round < 3; round++) {
		perfev_start(&s);
		touch(warm, 1);
		perfev_stop(&s);
		perfev_read(&s, v);
		munmap((void *)warm, 4096);
		warm = fresh(1);
	}
	perfev_start(&s);
	touch(p, PAGES);
	perfev_stop(&s);
	perfev_read(&s, v);
	CHECK_EQ_U64(v[0], PAGES);
	if (have_tp)
		CHECK_EQ_U64(v[1], PAGES);
	/* Touched again: no faults at all. */
	perfev_start(&s);
	touch(p, PAGES);
	perfev_stop(&s);
	perfev_read(&s, v);
	CHECK_EQ_U64(v[0], 0);
	perfev_close(&s);

	/* inherit: a child created after opening is counted too. */
	static const char *const one[] = {"sw:minor-faults"};
	CHECK(perfev_open(&s, one, 1, 0, true) == 1);
	munmap((void *)p, PAGES << 12);
	p = fresh(PAGES);
	perfev_start(&s);
	pid_t pid = fork();
	if (pid == 0) {
		touch(p, PAGES);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	perfev_stop(&s);
	perfev_read(&s, v);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(v[0] >= PAGES);
	perfev_close(&s);
	perfev_tracefs_release();
	return check_done();
}
