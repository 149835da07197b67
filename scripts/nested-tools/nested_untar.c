/* cowbench-nested-untar: unpacks a result block that a nested guest sent
 * (a tar.gz made by the guest's busybox), treating it as hostile.
 *
 *   cowbench-nested-untar [--max-bytes N] [--max-entries N] --under NAME ARCHIVE DIR
 *
 * The guest made every byte of the archive, its sha256 included, so the
 * checksum proves only that the serial line did not garble it.  Before
 * anything is written, the whole archive is read once and refused when a
 * member is anything but a plain file or directory (symbolic links, hard
 * links, devices, FIFOs), when a name is absolute, has a `..` or empty
 * component or a character outside [A-Za-z0-9._+-], lies outside NAME/,
 * or when the members add up to more than N bytes or N entries.  Then
 * DIR (which must not exist) is created and the members are written with
 * modes of our choosing (0644, 0755) and no owners, each path opened
 * component by component with O_NOFOLLOW and each file with O_EXCL, so
 * nothing the archive says can reach outside DIR or replace a file.
 *
 * Exit status: 0 unpacked, 1 refused or unreadable (one line on stderr;
 * DIR may then hold some members, and the caller discards it), 2 bad
 * usage. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cb.h"
#include "parse.h"

static const char me[] = "nested-untar";

struct limits {
	uint64_t max_bytes, max_entries;
	const char *under;
};

static struct archive *open_archive(const char *path, cb_error *e)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 64 << 10) != ARCHIVE_OK) {
		cb_error_set(e, "%s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '+' || c == '-';
}

/* The member's name without a leading "./" and a trailing "/", checked:
 * relative, components of safe characters, none empty, "." or "..",
 * and the first one `under`.  NULL (with why) when refused. */
static const char *clean_name(const char *name, const char *under, char *buf, size_t len,
			      cb_error *e)
{
	if (!name || !*name) {
		cb_error_set(e, "a member has no name");
		return NULL;
	}
	if (name[0] == '/') {
		cb_error_set(e, "member '%.100s' has an absolute name", name);
		return NULL;
	}
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	size_t n = strlen(name);
	while (n && name[n - 1] == '/')
		n--;
	if (n == 0 || n >= len) {
		cb_error_set(e, "member '%.100s' has an empty or overlong name", name);
		return NULL;
	}
	memcpy(buf, name, n);
	buf[n] = '\0';
	for (char *c = buf; *c;) {
		char *end = strchr(c, '/');
		size_t cl = end ? (size_t)(end - c) : strlen(c);
		if (cl == 0 || (cl == 1 && c[0] == '.') || (cl == 2 && c[0] == '.' && c[1] == '.')) {
			cb_error_set(e, "member '%.100s' has an empty, '.' or '..' component", name);
			return NULL;
		}
		for (size_t i = 0; i < cl; i++) {
			if (!name_char_ok(c[i])) {
				cb_error_set(e, "member '%.100s' has a character outside [A-Za-z0-9._+-]",
					     buf);
				return NULL;
			}
		}
		c += cl + (end ? 1 : 0);
	}
	size_t ul = strlen(under);
	if (strncmp(buf, under, ul) != 0 || (buf[ul] != '\0' && buf[ul] != '/')) {
		cb_error_set(e, "member '%.100s' lies outside %s/", buf, under);
		return NULL;
	}
	return buf;
}

static const char *type_name(mode_t t)
{
	switch (t) {
	case AE_IFLNK: return "a symbolic link";
	case AE_IFCHR: return "a character device";
	case AE_IFBLK: return "a block device";
	case AE_IFIFO: return "a FIFO";
	case AE_IFSOCK: return "a socket";
	}
	return "of an unknown type";
}

/* One member's header: plain file or directory, a clean name. */
static const char *check_entry(struct archive_entry *en, const struct limits *l, char *buf,
			       size_t len, cb_error *e)
{
	const char *raw = archive_entry_pathname(en);
	const char *name = clean_name(raw, l->under, buf, len, e);
	if (!name)
		return NULL;
	if (archive_entry_hardlink(en)) {
		cb_error_set(e, "member '%s' is a hard link", name);
		return NULL;
	}
	mode_t t = archive_entry_filetype(en);
	if (t != AE_IFREG && t != AE_IFDIR) {
		cb_error_set(e, "member '%s' is %s", name, type_name(t));
		return NULL;
	}
	if (archive_entry_size(en) < 0) {
		cb_error_set(e, "member '%s' has a negative size", name);
		return NULL;
	}
	return name;
}

struct member {
	char *name;
	bool dir;
};

/* Byte order, except that '/' sorts first: a path is then directly
 * followed by the paths below it. */
static int path_cmp(const void *pa, const void *pb)
{
	const unsigned char *a = (const void *)((const struct member *)pa)->name;
	const unsigned char *b = (const void *)((const struct member *)pb)->name;
	for (; *a && *a == *b; a++, b++)
		;
	int ca = *a == '/' ? 1 : *a ? *a + 1 : 0, cb = *b == '/' ? 1 : *b ? *b + 1 : 0;
	return ca - cb;
}

/* The same path twice (unless both are directories), or a file with
 * paths below it: pass 2 would fail half-way, so refuse now. */
static int check_paths(struct member *m, size_t n, cb_error *e)
{
	qsort(m, n, sizeof(*m), path_cmp);
	for (size_t i = 0; i + 1 < n; i++) {
		size_t len = strlen(m[i].name);
		if (!strcmp(m[i].name, m[i + 1].name) && !(m[i].dir && m[i + 1].dir)) {
			cb_error_set(e, "member '%s' appears twice", m[i].name);
			return -1;
		}
		if (!m[i].dir && !strncmp(m[i].name, m[i + 1].name, len) && m[i + 1].name[len] == '/') {
			cb_error_set(e, "member '%s' is a file with members below it", m[i].name);
			return -1;
		}
	}
	return 0;
}

/* Pass 1: every header, and the sizes they add up to; nothing written. */
static int verify(const char *path, const struct limits *l, cb_error *e)
{
	struct archive *a = open_archive(path, e);
	if (!a)
		return -1;
	struct archive_entry *en;
	uint64_t bytes = 0;
	struct member *m = NULL;
	size_t n = 0, cap = 0;
	int rc = 0, r;
	char buf[512];
	while ((r = archive_read_next_header(a, &en)) == ARCHIVE_OK) {
		if (!check_entry(en, l, buf, sizeof(buf), e)) {
			rc = -1;
			break;
		}
		bytes += (uint64_t)archive_entry_size(en);
		if (n + 1 > l->max_entries || bytes > l->max_bytes) {
			cb_error_set(e, "more than %" PRIu64 " members or %" PRIu64 " bytes",
				     l->max_entries, l->max_bytes);
			rc = -1;
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			m = cb_xrealloc(m, cap * sizeof(*m));
		}
		m[n++] = (struct member){cb_xstrdup(buf), archive_entry_filetype(en) == AE_IFDIR};
	}
	if (rc == 0 && r != ARCHIVE_EOF) {
		cb_error_set(e, "%s", archive_error_string(a));
		rc = -1;
	}
	if (rc == 0)
		rc = check_paths(m, n, e);
	for (size_t i = 0; i < n; i++)
		free(m[i].name);
	free(m);
	archive_read_free(a);
	return rc;
}

/* Opens (creating when asked) the directory `name` below dirfd without
 * following a symbolic link anywhere on the way. */
static int open_dir_at(int dirfd, const char *name, bool create)
{
	if (create && mkdirat(dirfd, name, 0755) != 0 && errno != EEXIST)
		return -1;
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The directory holding the last component of name (created as needed);
 * *base points at that component. */
static int parent_of(int root, char *name, const char **base)
{
	int fd = dup(root);
	char *c = name;
	for (char *slash; fd >= 0 && (slash = strchr(c, '/')); c = slash + 1) {
		*slash = '\0';
		int next = open_dir_at(fd, c, true);
		*slash = '/';
		close(fd);
		fd = next;
	}
	*base = c;
	return fd;
}

static int write_member(struct archive *a, struct archive_entry *en, int root, char *name,
			cb_error *e)
{
	const char *base;
	int dfd = parent_of(root, name, &base);
	if (dfd < 0) {
		cb_error_errno(e, "cannot create the directories of '%s'", name);
		return -1;
	}
	int rc = 0;
	if (archive_entry_filetype(en) == AE_IFDIR) {
		int fd = open_dir_at(dfd, base, true);
		if (fd < 0) {
			cb_error_errno(e, "cannot create directory '%s'", name);
			rc = -1;
		} else {
			close(fd);
		}
		close(dfd);
		return rc;
	}
	int fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	close(dfd);
	if (fd < 0) {
		cb_error_errno(e, "cannot create '%s' (a member appears twice?)", name);
		return -1;
	}
	int64_t want = archive_entry_size(en), got = 0;
	char buf[64 << 10];
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
		if (n < 0) {
			cb_error_set(e, "'%s': %s", name, archive_error_string(a));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		got += n;
		if (got > want || write(fd, buf, (size_t)n) != n) {
			cb_error_set(e, "'%s': more data than its header says, or a write failed",
				     name);
			rc = -1;
			break;
		}
	}
	if (close(fd) != 0 && rc == 0) {
		cb_error_errno(e, "cannot write '%s'", name);
		rc = -1;
	}
	return rc;
}

/* Pass 2: the members, into root (a fresh directory).  Checks each header
 * again: the file is read twice, and what it says must not change. */
static int extract(const char *path, int root, const struct limits *l, cb_error *e)
{
	struct archive *a = open_archive(path, e);
	if (!a)
		return -1;
	struct archive_entry *en;
	int rc = 0, r;
	char buf[512];
	while ((r = archive_read_next_header(a, &en)) == ARCHIVE_OK) {
		const char *name = check_entry(en, l, buf, sizeof(buf), e);
		if (!name || write_member(a, en, root, buf, e) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && r != ARCHIVE_EOF) {
		cb_error_set(e, "%s", archive_error_string(a));
		rc = -1;
	}
	archive_read_free(a);
	return rc;
}

static void usage_exit(void)
{
	fputs("usage: cowbench-nested-untar [--max-bytes N] [--max-entries N] --under NAME "
	      "ARCHIVE DIR\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct limits l = {256u << 20, 4096, NULL};
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		cb_error pe;
		const char *opt = argv[i], *val = argv[i + 1];
		if (!strcmp(opt, "--under"))
			l.under = val;
		else if (!(!strcmp(opt, "--max-bytes") && parse_u64(val, &l.max_bytes, &pe) == 0) &&
			 !(!strcmp(opt, "--max-entries") && parse_u64(val, &l.max_entries, &pe) == 0))
			usage_exit();
	}
	char ubuf[128];
	cb_error e;
	if (argc - i != 2 || !l.under || !clean_name(l.under, l.under, ubuf, sizeof(ubuf), &e) ||
	    strchr(ubuf, '/'))
		usage_exit();
	const char *path = argv[i], *dir = argv[i + 1];
	if (verify(path, &l, &e) < 0)
		cb_die(1, me, "%s: refused: %s", path, e.msg);
	if (mkdir(dir, 0755) != 0)
		cb_die(1, me, "cannot create %s: %s", dir, strerror(errno));
	int root = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		cb_die(1, me, "cannot open %s: %s", dir, strerror(errno));
	if (extract(path, root, &l, &e) < 0)
		cb_die(1, me, "%s: refused: %s", path, e.msg);
	close(root);
	return 0;
}
