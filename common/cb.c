#include "cb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cb_error_set(cb_error *e, const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void cb_error_errno(cb_error *e, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	size_t len = strlen(e->msg);
	snprintf(e->msg + len, sizeof(e->msg) - len, "%s%s", len ? ": " : "", strerror(saved));
}

__attribute__((format(printf, 2, 0)))
static void vreport(const char *what, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "cowbench: %s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cb_die(int status, const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(what, fmt, ap);
	va_end(ap);
	exit(status);
}

void cb_die_err(int status, const char *what, const cb_error *e)
{
	cb_die(status, what, "%s", e->msg);
}

void cb_warn(const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fflush(stdout);
	fprintf(stderr, "cowbench: warning: %s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static _Noreturn void oom(size_t n)
{
	cb_die(CB_EXIT_FAIL, "memory", "cannot allocate %zu bytes", n);
}

void *cb_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *cb_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *cb_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

char *cb_xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom(strlen(s) + 1);
	return p;
}

/* Reads fd to its end, or to max bytes and one more (which fails). */
static int read_fd(int fd, const char *path, size_t max, void **data, size_t *len, cb_error *e)
{
	size_t cap = 4096, n = 0;
	char *buf = cb_xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = cb_xrealloc(buf, cap + 1);
		}
		size_t want = cap - n;
		if (max < SIZE_MAX && want > max + 1 - n)
			want = max + 1 - n;
		ssize_t r = read(fd, buf + n, want);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			cb_error_errno(e, "%s", path);
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			cb_error_set(e, "%s: larger than %zu bytes", path, max);
			free(buf);
			return -1;
		}
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int cb_read_file(const char *path, void **data, size_t *len, cb_error *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cb_error_errno(e, "%s", path);
		return -1;
	}
	int rc = read_fd(fd, path, SIZE_MAX, data, len, e);
	close(fd);
	return rc;
}

int cb_read_file_max(const char *path, size_t max, void **data, size_t *len, cb_error *e)
{
	/* O_NONBLOCK: a FIFO named as the file must not hang the open. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int saved = errno;
		cb_error_errno(e, "%s", path);
		errno = saved;
		return -1;
	}
	struct stat st;
	int rc = -2;
	if (fstat(fd, &st) != 0)
		cb_error_errno(e, "%s", path);
	else if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max)
		cb_error_set(e, "%s is not a regular file of at most %zu bytes", path, max);
	else if (read_fd(fd, path, max, data, len, e) == 0)
		rc = 0;
	close(fd);
	return rc;
}

char *cb_read_text(const char *path)
{
	void *data;
	size_t len;
	if (cb_read_file(path, &data, &len, NULL) < 0)
		return NULL;
	char *s = data;
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
	return s;
}
