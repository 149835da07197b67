#include "hugepool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const int hugepool_stop_signals[4] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

struct pool_change {
	unsigned long page_kib;
	volatile long orig; /* -1: slot unused */
	char nr_path[128];  /* its nr_hugepages, made before orig is set */
};

/* Two sizes exist on x86-64; a fixed table keeps the restore path free of
 * malloc and stdio so it can run from a signal handler. */
static struct pool_change changes[2] = {{.orig = -1}, {.orig = -1}};
static int atexit_done;

/* The pool is machine-wide.  Two cowbench processes growing it at once
 * would each record the other's reservation as "original" and leave it
 * behind (and measure each other), so a process holds this lock from its
 * first reservation until it restores the pool. */
static int lock_fd = -1;
#define LOCK_WAIT_S 300

static void pool_path(char *buf, size_t len, unsigned long page_kib, const char *file)
{
	snprintf(buf, len, "/sys/kernel/mm/hugepages/hugepages-%lukB/%s", page_kib, file);
}

static long read_long(const char *path)
{
	char *s = cb_read_text(path);
	if (!s)
		return -1;
	long v = strtol(s, NULL, 10);
	free(s);
	return v;
}

/* Async-signal-safe: open/write/close only, no stdio. */
static int write_long(const char *path, long v)
{
	char buf[32];
	int n = 0;
	char tmp[32];
	if (v == 0)
		tmp[n++] = '0';
	while (v > 0) {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	}
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n++] = '\n';
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, buf, (size_t)n);
	int saved = errno;
	close(fd);
	errno = saved;
	return w == n ? 0 : -1;
}

/* The lock file also holds what its holder changed, "page_kib original"
 * per line, written before each pool is grown and cut to nothing when it
 * is put back.  A holder killed outright (SIGKILL, the OOM killer) runs
 * no handler; its flock goes with it, and the next process to take the
 * lock finds the record and puts the pools back first. */
static void recover_dead_holder(int fd, const char *lock_path)
{
	/* Only a record this user wrote and no one else can have is acted on:
	 * the file lives in a shared folder. */
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid())
		return;
	if (st.st_mode & 022) {
		/* Ours, but others could write it (an older cowbench made it
		 * 0666, or someone chmod'ed it): whatever it says is not ours to
		 * trust.  Close the gap and drop the record; from now on only we
		 * write it (a process that opened it before keeps its
		 * descriptor: hence, below, records only ever shrink a pool). */
		if (fchmod(fd, st.st_mode & 07755) == 0 && st.st_size > 0 && ftruncate(fd, 0) == 0)
			fprintf(stderr,
				"cowbench: hugepool: %s could be written by other users; its record "
				"of a dead holder's pool sizes was dropped, not acted on: check "
				"/sys/kernel/mm/hugepages/*/nr_hugepages\n",
				lock_path);
		return;
	}
	char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return;
	buf[n] = '\0';
	char *line = buf, *next;
	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		unsigned long kib;
		long orig;
		if (sscanf(line, "%lu %ld", &kib, &orig) != 2 || orig < 0)
			continue;
		char path[128];
		pool_path(path, sizeof(path), kib, "nr_hugepages");
		/* the holder grew the pool from orig: a record that would grow it
		 * is not one of ours */
		long now = read_long(path);
		if (now > orig && write_long(path, orig) == 0)
			fprintf(stderr,
				"cowbench: hugepool: a cowbench process died holding the %lu KiB pool "
				"at %ld pages; put it back to %ld\n",
				kib, now, orig);
	}
	(void)!ftruncate(fd, 0);
}

static int pool_lock(cb_error *e)
{
	if (lock_fd >= 0)
		return 0;
	const char *path = access("/run/lock", W_OK) == 0 ? "/run/lock/cowbench-hugepool.lock"
							  : "/tmp/cowbench-hugepool.lock";
	/* 0644: only its owner may write the record below; anyone may lock it
	 * (flock needs no write access), so a user with free pages to use can
	 * still wait for root's sweep to finish. */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EACCES)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cb_error_errno(e, "cannot open %s", path);
		return -1;
	}
	const char *env = getenv("COWBENCH_HUGEPOOL_WAIT"); /* seconds; for tests */
	int wait_s = env ? atoi(env) : LOCK_WAIT_S;
	for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited++) {
		if (errno != EWOULDBLOCK || waited >= wait_s * 10) {
			cb_error_set(e, "another process has held the hugepage pool (%s) for %d s",
				     path, wait_s);
			close(fd);
			return -1;
		}
		nanosleep(&(struct timespec){0, 100000000}, NULL);
	}
	lock_fd = fd;
	recover_dead_holder(fd, path);
	return 0;
}

long hugepool_free(unsigned long page_kib)
{
	char path[128];
	pool_path(path, sizeof(path), page_kib, "free_hugepages");
	return read_long(path);
}

/* Async-signal-safe: open, write and close on paths made beforehand. */
void hugepool_restore_all(void)
{
	for (size_t i = 0; i < CB_ARRAY_SIZE(changes); i++) {
		long orig = changes[i].orig;
		if (orig < 0)
			continue;
		write_long(changes[i].nr_path, orig);
		changes[i].orig = -1;
	}
	int fd = lock_fd;
	if (fd >= 0) {
		lock_fd = -1;
		/* Everything is back: no record for the next holder to act on. */
		(void)!ftruncate(fd, 0);
		close(fd); /* releases the flock */
	}
}

static void restore_and_reraise(int sig)
{
	int saved = errno;
	hugepool_restore_all();
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig); /* delivered when the handler returns: the default action */
	errno = saved;
}

void hugepool_restore_on_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_and_reraise;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < CB_ARRAY_SIZE(hugepool_stop_signals); i++)
		sigaddset(&sa.sa_mask, hugepool_stop_signals[i]);
	for (size_t i = 0; i < CB_ARRAY_SIZE(hugepool_stop_signals); i++)
		sigaction(hugepool_stop_signals[i], &sa, NULL);
}

static void restore_at_exit(void)
{
	hugepool_restore_all();
}

/* Rewrites the record of every pool changed so far (never from a signal
 * handler: only hugepool_reserve calls it). */
static void record_changes(void)
{
	char buf[256];
	size_t len = 0;
	for (size_t i = 0; i < CB_ARRAY_SIZE(changes); i++)
		if (changes[i].orig >= 0)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%lu %ld\n",
						changes[i].page_kib, changes[i].orig);
	if (lock_fd >= 0 && (ftruncate(lock_fd, 0) < 0 || pwrite(lock_fd, buf, len, 0) != (ssize_t)len))
		fprintf(stderr, "cowbench: hugepool: cannot record the pool sizes in the lock "
				"file: a kill -9 would leave the pool grown\n");
}

int hugepool_reserve(unsigned long page_kib, uint64_t pages, cb_error *e)
{
	char nr_path[128];
	pool_path(nr_path, sizeof(nr_path), page_kib, "nr_hugepages");
	if (access(nr_path, F_OK) != 0) {
		cb_error_set(e, "this kernel has no %lu KiB huge pages", page_kib);
		return -1;
	}
	/* Even when enough pages are free, hold the lock: another process
	 * growing the pool for itself must not find them taken. */
	if (pool_lock(e) < 0)
		return -1;
	long total = read_long(nr_path), free_now = hugepool_free(page_kib);
	if (total < 0 || free_now < 0) {
		cb_error_set(e, "cannot read the %lu KiB hugepage pool", page_kib);
		goto fail;
	}
	if ((uint64_t)free_now >= pages)
		return 0;
	if (geteuid() != 0) {
		cb_error_set(e, "%ld free %lu KiB huge pages, %llu needed, and only root can reserve more",
			     free_now, page_kib, (unsigned long long)pages);
		goto fail;
	}
	struct pool_change *slot = NULL;
	for (size_t i = 0; i < CB_ARRAY_SIZE(changes); i++)
		if (changes[i].orig >= 0 && changes[i].page_kib == page_kib)
			slot = &changes[i];
	for (size_t i = 0; !slot && i < CB_ARRAY_SIZE(changes); i++)
		if (changes[i].orig < 0)
			slot = &changes[i];
	if (!slot) {
		cb_error_set(e, "too many hugepage pool sizes changed");
		goto fail;
	}
	if (slot->orig < 0) {
		slot->page_kib = page_kib;
		snprintf(slot->nr_path, sizeof(slot->nr_path), "%s", nr_path);
		slot->orig = total;
		record_changes();
	}
	if (!atexit_done) {
		atexit(restore_at_exit);
		atexit_done = 1;
	}
	long want = total + (long)(pages - (uint64_t)free_now);
	if (write_long(nr_path, want) < 0) {
		cb_error_errno(e, "cannot grow the %lu KiB hugepage pool to %ld", page_kib, want);
		goto fail;
	}
	long got = hugepool_free(page_kib);
	if (got < 0 || (uint64_t)got < pages) {
		cb_error_set(e, "asked the kernel for %llu free %lu KiB huge pages, got %ld "
			     "(memory too fragmented?)",
			     (unsigned long long)pages, page_kib, got);
		goto fail;
	}
	return 0;
fail:
	/* Puts back what this process changed and releases the lock, so a
	 * skipped point leaves the machine as it found it. */
	hugepool_restore_all();
	return -1;
}
