/* Atomic result files: write to a temporary beside the target, fsync, then
 * rename over it.  A reader (or a crash) never sees half a file, and an
 * aborted write leaves the previous version in place. */
#ifndef COWBENCH_AFILE_H
#define COWBENCH_AFILE_H

#include <jansson.h>
#include <stdio.h>
#include <sys/types.h>

#include "cb.h"

struct afile {
	FILE *fp;
	char *path;
	char *tmp;	  /* NULL when appending */
	off_t append_from; /* appending: the length to cut back to on failure */
};

int afile_open(struct afile *af, const char *path, cb_error *e);
/* Appends to an existing file instead: the cost is that of the new bytes
 * alone, however long the file already is.  A write that fails is cut
 * back off (ftruncate), so the file then holds its old bytes; commit
 * fsyncs.  A crash in the middle of a commit can leave a partial last
 * line, which readers must reject. */
int afile_open_append(struct afile *af, const char *path, cb_error *e);
int afile_commit(struct afile *af, cb_error *e);
void afile_abort(struct afile *af);

/* Writes a whole buffer atomically. */
int afile_write_all(const char *path, const void *data, size_t len, cb_error *e);

/* A JSON value as cowbench's JSON files hold it: indented by 2, keys in
 * insertion order, one trailing newline, and any further json_dumps flags
 * (JSON_REAL_PRECISION(10) for the dashboards' files); malloc'ed, NULL when
 * jansson cannot serialise it (a string that is not UTF-8). */
char *cb_json_text(const json_t *j, size_t flags);
/* cb_json_text(j, flags) written atomically to path; what names the file
 * in the error when it cannot be serialised. */
int afile_write_json(const char *path, const json_t *j, size_t flags, const char *what,
		     cb_error *e);

/* Creates a directory (and its parents) and checks it is writable by
 * creating and removing a probe file, so an unwritable --out fails before
 * any measurement starts. */
int cb_make_out_dir(const char *dir, cb_error *e);

/* Joins dir and name into a malloc'ed path. */
char *cb_path_join(const char *dir, const char *name);

#endif
