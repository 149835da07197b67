/* Reserving and restoring the 2 MiB pool: the pool must end exactly where
 * it started, including after a failed reservation. */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "hugepool.h"

static long nr(void)
{
	char *s = cb_read_text("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages");
	long v = s ? strtol(s, NULL, 10) : -1;
	free(s);
	return v;
}

/* A child that grows the pool by 4 pages (with the signal handler when
 * handler is true) and waits to be killed; its pid once it has. */
static pid_t grown_child(bool handler, long before)
{
	int ready[2];
	CHECK(pipe(ready) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit no_core = {0, 0};
		setrlimit(RLIMIT_CORE, &no_core); /* SIGQUIT's default dumps core */
		if (handler)
			hugepool_restore_on_signals();
		cb_error ce;
		char ok = hugepool_reserve(2048, (uint64_t)hugepool_free(2048) + 4, &ce) == 0;
		(void)!write(ready[1], &ok, 1);
		for (;;)
			pause();
	}
	char ok = 0;
	CHECK(read(ready[0], &ok, 1) == 1 && ok);
	CHECK(nr() >= before + 4);
	close(ready[0]);
	close(ready[1]);
	return pid;
}

/* A child that reserved pages and installed the handler dies of sig as
 * it would have, and the pool is back where it was. */
static void signal_restores(int sig, long before)
{
	pid_t pid = grown_child(true, before);
	kill(pid, sig);
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sig);
	CHECK(nr() == before);
}

/* A process killed outright (no handler runs) leaves the pool grown; the
 * next one to take the pool lock puts it back from the record the dead
 * one left in the lock file. */
static void kill9_recovered(long before)
{
	pid_t pid = grown_child(false, before);
	kill(pid, SIGKILL);
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));
	CHECK(nr() >= before + 4); /* nothing ran in the child to undo it */
	cb_error e;
	CHECK(hugepool_reserve(2048, 0, &e) == 0); /* takes the lock: recovers */
	CHECK(nr() == before);
	hugepool_restore_all();
	CHECK(nr() == before);
}

/* Writes rec into the lock file in place (its mode kept), holding its
 * flock the while, as a cowbench holder would. */
static void put_record(const char *lock, const char *rec)
{
	int fd = open(lock, O_WRONLY);
	CHECK(fd >= 0 && flock(fd, LOCK_EX) == 0 && ftruncate(fd, 0) == 0);
	CHECK(write(fd, rec, strlen(rec)) == (ssize_t)strlen(rec));
	close(fd); /* releases the flock */
}

/* A lock file of ours that others could write: a record in it (here one
 * that would set the pool to before + 7) is dropped, not acted on, and the
 * file is made ours alone.  And a record in a file of ours alone that
 * would grow the pool is not one a holder left: it is not acted on
 * either. */
static void writable_record_ignored(const char *lock, long before)
{
	char rec[64];
	snprintf(rec, sizeof(rec), "2048 %ld\n", before + 7);
	CHECK(chmod(lock, 0666) == 0);
	put_record(lock, rec);
	cb_error e;
	CHECK(hugepool_reserve(2048, 0, &e) == 0); /* takes the lock */
	CHECK(nr() == before);
	struct stat st;
	CHECK(stat(lock, &st) == 0 && (st.st_mode & 0777) == 0644 && st.st_size == 0);
	hugepool_restore_all();
	CHECK(nr() == before);
	put_record(lock, rec); /* now 0644, ours: trusted, but it would grow the pool */
	CHECK(hugepool_reserve(2048, 0, &e) == 0);
	CHECK(nr() == before);
	hugepool_restore_all();
	CHECK(nr() == before);
}

int main(void)
{
	if (nr() < 0)
		SKIP("no 2 MiB hugepage pool on this kernel");
	if (geteuid() != 0)
		SKIP("only root can change the hugepage pool");
	long before = nr();
	cb_error e;
	long free_before = hugepool_free(2048);
	if (hugepool_reserve(2048, (uint64_t)free_before + 4, &e) < 0)
		SKIP("cannot reserve 4 more 2 MiB pages: %s", e.msg);
	CHECK(hugepool_free(2048) >= free_before + 4);
	CHECK(nr() >= before + 4);
	/* a second, larger reservation keeps the first original value */
	if (hugepool_reserve(2048, (uint64_t)free_before + 8, &e) == 0)
		CHECK(hugepool_free(2048) >= free_before + 8);
	hugepool_restore_all();
	CHECK(nr() == before);
	/* an impossible reservation fails cleanly and changes nothing */
	CHECK(hugepool_reserve(2048, 1ull << 40, &e) < 0);
	CHECK(e.msg[0] != '\0');
	CHECK(nr() == before);
	CHECK(hugepool_reserve(3, 1, &e) < 0); /* no such size */

	/* The pool lock, against independent processes (flock(1) from
	 * util-linux; a forked child would share our lock). */
	const char *lock = access("/run/lock", W_OK) == 0 ? "/run/lock/cowbench-hugepool.lock"
							  : "/tmp/cowbench-hugepool.lock";
	char cmd[256];
	CHECK(hugepool_reserve(2048, 1, &e) == 0);
	snprintf(cmd, sizeof(cmd), "flock -n %s true", lock);
	CHECK(system(cmd) != 0); /* held by us */
	hugepool_restore_all();
	CHECK(system(cmd) == 0); /* released by the restore */
	snprintf(cmd, sizeof(cmd), "flock %s sleep 3 & sleep 1", lock);
	CHECK(system(cmd) == 0);
	setenv("COWBENCH_HUGEPOOL_WAIT", "0", 1);
	CHECK(hugepool_reserve(2048, 1, &e) < 0);
	CHECK(strstr(e.msg, "another process") != NULL);
	setenv("COWBENCH_HUGEPOOL_WAIT", "10", 1);
	CHECK(hugepool_reserve(2048, 1, &e) == 0); /* waits for the holder */
	hugepool_restore_all();
	CHECK(nr() == before);

	for (size_t i = 0; i < CB_ARRAY_SIZE(hugepool_stop_signals); i++)
		signal_restores(hugepool_stop_signals[i], before);
	kill9_recovered(before);
	writable_record_ignored(lock, before);
	return check_done();
}
