#include "afile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *cb_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	char *p = cb_xmalloc(dl + strlen(name) + 2);
	strcpy(p, dir);
	if (dl && dir[dl - 1] != '/')
		strcat(p, "/");
	strcat(p, name);
	return p;
}

int afile_open(struct afile *af, const char *path, cb_error *e)
{
	memset(af, 0, sizeof(*af));
	af->path = cb_xstrdup(path);
	af->tmp = cb_xmalloc(strlen(path) + 16);
	sprintf(af->tmp, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(af->tmp);
	if (fd < 0) {
		cb_error_errno(e, "cannot create %s", af->tmp);
		free(af->path);
		free(af->tmp);
		return -1;
	}
	/* mkstemp makes 0600; results are meant to be shared. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	af->fp = fdopen(fd, "w");
	if (!af->fp) {
		cb_error_errno(e, "cannot open %s", af->tmp);
		close(fd);
		unlink(af->tmp);
		free(af->path);
		free(af->tmp);
		return -1;
	}
	return 0;
}

int afile_open_append(struct afile *af, const char *path, cb_error *e)
{
	memset(af, 0, sizeof(*af));
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		cb_error_errno(e, "cannot append to %s", path);
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cb_error_set(e, "cannot append to %s: not a regular file", path);
		close(fd);
		return -1;
	}
	af->fp = fdopen(fd, "a");
	if (!af->fp) {
		cb_error_errno(e, "cannot open %s", path);
		close(fd);
		return -1;
	}
	af->path = cb_xstrdup(path);
	af->append_from = st.st_size;
	return 0;
}

/* Appending: puts the file back to its length before this append. */
static void cut_back(struct afile *af)
{
	if (af->fp)
		(void)!ftruncate(fileno(af->fp), af->append_from);
}

void afile_abort(struct afile *af)
{
	if (!af->tmp)
		cut_back(af);
	if (af->fp)
		fclose(af->fp);
	if (af->tmp)
		unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof(*af));
}

int afile_commit(struct afile *af, cb_error *e)
{
	int rc = 0;
	if (fflush(af->fp) != 0 || ferror(af->fp)) {
		cb_error_errno(e, "cannot write %s", af->path);
		rc = -1;
	} else if (fsync(fileno(af->fp)) != 0 && errno != EINVAL) {
		cb_error_errno(e, "cannot sync %s", af->path);
		rc = -1;
	}
	if (rc != 0 && !af->tmp)
		cut_back(af);
	if (fclose(af->fp) != 0 && rc == 0) {
		cb_error_errno(e, "cannot write %s", af->path);
		rc = -1;
	}
	af->fp = NULL;
	if (af->tmp && rc == 0 && rename(af->tmp, af->path) != 0) {
		cb_error_errno(e, "cannot rename %s to %s", af->tmp, af->path);
		rc = -1;
	}
	if (af->tmp && rc != 0)
		unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof(*af));
	return rc;
}

int afile_write_all(const char *path, const void *data, size_t len, cb_error *e)
{
	struct afile af;
	if (afile_open(&af, path, e) < 0)
		return -1;
	if (len && fwrite(data, 1, len, af.fp) != len) {
		cb_error_errno(e, "cannot write %s", path);
		afile_abort(&af);
		return -1;
	}
	return afile_commit(&af, e);
}

int cb_make_out_dir(const char *dir, cb_error *e)
{
	if (!dir || !*dir) {
		cb_error_set(e, "empty directory name");
		return -1;
	}
	char *p = cb_xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			cb_error_errno(e, "cannot create %s", p);
			free(p);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST) {
		cb_error_errno(e, "cannot create %s", p);
		free(p);
		return -1;
	}
	free(p);
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cb_error_set(e, "%s is not a directory", dir);
		return -1;
	}
	char *probe = cb_path_join(dir, ".cowbench-probe.XXXXXX");
	int fd = mkstemp(probe);
	if (fd < 0) {
		cb_error_errno(e, "%s is not writable", dir);
		free(probe);
		return -1;
	}
	close(fd);
	unlink(probe);
	free(probe);
	return 0;
}

char *cb_json_text(const json_t *j, size_t flags)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | flags);
	if (!text)
		return NULL;
	size_t len = strlen(text);
	text = cb_xrealloc(text, len + 2);
	strcpy(text + len, "\n");
	return text;
}

int afile_write_json(const char *path, const json_t *j, size_t flags, const char *what,
		     cb_error *e)
{
	char *text = cb_json_text(j, flags);
	if (!text) {
		cb_error_set(e, "cannot write %s: text that is not UTF-8", what);
		return -1;
	}
	int rc = afile_write_all(path, text, strlen(text), e);
	free(text);
	return rc;
}
