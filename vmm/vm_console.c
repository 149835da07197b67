#include "vm_console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* A pipe or a terminal reopened through /proc gets a file description of
 * its own, so O_NONBLOCK there leaves the shell's and our other writers'
 * stderr as it was.  A regular file never blocks for long: it is used as
 * is. */
static void open_out(struct vm_console *c, FILE *out)
{
	fflush(out);
	int fd = fileno(out);
	c->fd = fd;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || S_ISREG(st.st_mode))
		return;
	c->is_pipe = S_ISFIFO(st.st_mode);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int nfd = open(path, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (nfd >= 0) {
		c->fd = nfd;
		c->own_fd = true;
	}
}

void vm_console_init(struct vm_console *c, FILE *out)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->deadline_ns = UINT64_MAX;
	if (out)
		open_out(c, out);
}

void vm_console_set_deadline(struct vm_console *c, uint64_t deadline_ns)
{
	c->deadline_ns = deadline_ns;
}

/* Room for n more bytes in the pipe with a quarter of it kept free;
 * true when that cannot be told (then poll alone decides). */
static bool pipe_room(int fd, size_t n)
{
	int queued = 0, cap = fcntl(fd, F_GETPIPE_SZ);
	if (cap <= 0 || ioctl(fd, FIONREAD, &queued) != 0 || queued < 0)
		return true;
	return (uint64_t)queued + n + (uint64_t)cap / 4 <= (uint64_t)cap;
}

/* Writes all of buf, or drops the rest when the deadline passes first. */
static void out_write(struct vm_console *c, const char *buf, size_t n)
{
	if (c->fd < 0)
		return;
	while (n) {
		uint64_t now = cb_now_ns();
		if (now >= c->deadline_ns) {
			c->dropped += n;
			return;
		}
		uint64_t left_ms = (c->deadline_ns - now) / 1000000 + 1;
		int wait_ms = left_ms > 100 ? 100 : (int)left_ms;
		if (c->is_pipe && !pipe_room(c->fd, n)) {
			poll(NULL, 0, wait_ms); /* a pipe polls writable while one page is free */
			continue;
		}
		struct pollfd p = {c->fd, POLLOUT, 0};
		int pr = poll(&p, 1, wait_ms);
		if (pr < 0 && errno != EINTR) {
			c->dropped += n;
			return;
		}
		if (pr <= 0)
			continue;
		if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) {
			c->dropped += n;
			return;
		}
		ssize_t w = write(c->fd, buf, n);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			c->dropped += n;
			return;
		}
		c->printed += (uint64_t)w;
		buf += w;
		n -= (size_t)w;
	}
}

static char clean(unsigned char ch)
{
	if (ch == '\n' || ch == '\t' || (ch >= 0x20 && ch < 0x7f))
		return (char)ch;
	return '?';
}

static void print_line(struct vm_console *c)
{
	char buf[VM_CONSOLE_LINE + 16];
	int n = snprintf(buf, sizeof(buf), "guest: %.*s\n", (int)c->line_len, c->line);
	out_write(c, buf, (size_t)n);
}

void vm_console_flush(struct vm_console *c)
{
	if (c->line_len)
		print_line(c);
	c->line_len = 0;
}

void vm_console_put(struct vm_console *c, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	for (size_t i = 0; i < n; i++) {
		char ch = clean(p[i]);
		c->tail[c->total++ % VM_CONSOLE_TAIL] = ch;
		if (ch == '\n') {
			print_line(c);
			c->line_len = 0;
			continue;
		}
		if (c->line_len == VM_CONSOLE_LINE)
			vm_console_flush(c);
		c->line[c->line_len++] = ch;
	}
}

void vm_console_fini(struct vm_console *c)
{
	vm_console_flush(c);
	if (c->own_fd)
		close(c->fd);
	c->fd = -1;
	c->own_fd = false;
}

size_t vm_console_tail(const struct vm_console *c, char *buf, size_t len)
{
	if (len == 0)
		return 0;
	uint64_t have = c->total < VM_CONSOLE_TAIL ? c->total : VM_CONSOLE_TAIL;
	size_t n = have < len - 1 ? (size_t)have : len - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = c->tail[(c->total - n + i) % VM_CONSOLE_TAIL];
	buf[n] = '\0';
	return n;
}
