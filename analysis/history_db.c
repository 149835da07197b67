#include "history_db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct hdb {
	sqlite3 *db;
	char *path;
	bool created;
};

static const char *const schema =
	"CREATE TABLE runs (seq INTEGER PRIMARY KEY, class TEXT NOT NULL, run_id TEXT NOT NULL,"
	" commit_id TEXT, date_utc TEXT, added_utc TEXT NOT NULL, UNIQUE (class, run_id));"
	"CREATE TABLE series (id INTEGER PRIMARY KEY, benchmark TEXT NOT NULL, metric TEXT NOT NULL,"
	" UNIQUE (benchmark, metric));"
	"CREATE TABLE units (run INTEGER NOT NULL REFERENCES runs(seq),"
	" series INTEGER NOT NULL REFERENCES series(id), unit INTEGER NOT NULL, value REAL NOT NULL,"
	" PRIMARY KEY (run, series, unit)) WITHOUT ROWID;";

static int fail(struct hdb *h, cb_error *e, const char *what)
{
	cb_error_set(e, "%s: %s: %s", h->path, what, sqlite3_errmsg(h->db));
	return -1;
}

static int pragma_int(struct hdb *h, const char *sql, long long *v, cb_error *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(h, e, "not a cowbench history (not an SQLite database, or corrupt)");
	int rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return fail(h, e, "not a cowbench history (not an SQLite database, or corrupt)");
	return 0;
}

static int check(struct hdb *h, cb_error *e)
{
	long long app, ver;
	if (pragma_int(h, "PRAGMA application_id", &app, e) < 0 ||
	    pragma_int(h, "PRAGMA user_version", &ver, e) < 0)
		return -1;
	if (app != HISTORY_APP_ID) {
		cb_error_set(e, "%s: not a cowbench history (an SQLite file of another kind)", h->path);
		return -1;
	}
	if (ver > HISTORY_SCHEMA) {
		cb_error_set(e, "%s: made by a newer cowbench (history schema %lld; this one reads %d)",
			     h->path, ver, HISTORY_SCHEMA);
		return -1;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK)
		return fail(h, e, "corrupt");
	int rc = sqlite3_step(st);
	bool ok = rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	if (!ok) {
		cb_error_set(e, "%s: corrupt (PRAGMA quick_check failed)", h->path);
		return -1;
	}
	/* the tables must be ours too: a file that only carries the marks */
	if (sqlite3_exec(h->db, "SELECT seq, class, run_id, commit_id, date_utc FROM runs LIMIT 0;"
				"SELECT id, benchmark, metric FROM series LIMIT 0;"
				"SELECT run, series, unit, value FROM units LIMIT 0;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return fail(h, e, "not a cowbench history (its tables are not cowbench's)");
	return 0;
}

struct hdb *hdb_open(const char *path, bool create, cb_error *e)
{
	struct stat st;
	bool exists = stat(path, &st) == 0;
	if (!exists && !create) {
		cb_error_set(e, "%s: no such history (cowbench history add makes one)", path);
		return NULL;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		cb_error_set(e, "%s: not a file", path);
		return NULL;
	}
	struct hdb *h = cb_xcalloc(1, sizeof(*h));
	h->path = cb_xstrdup(path);
	int flags = SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE);
	if (sqlite3_open_v2(path, &h->db, flags, NULL) != SQLITE_OK) {
		fail(h, e, "cannot open");
		hdb_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h->db, 5000);
	sqlite3_exec(h->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (exists && st.st_size > 0) {
		if (check(h, e) < 0) {
			hdb_close(h);
			return NULL;
		}
		return h;
	}
	/* new (or empty) file: the schema, marked, in one transaction */
	char sql[1024];
	snprintf(sql, sizeof(sql), "BEGIN; %s PRAGMA application_id = %d; PRAGMA user_version = %d; COMMIT;",
		 schema, HISTORY_APP_ID, HISTORY_SCHEMA);
	if (sqlite3_exec(h->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fail(h, e, "cannot create");
		hdb_close(h);
		if (!exists)
			remove(path);
		return NULL;
	}
	h->created = !exists;
	return h;
}

void hdb_close(struct hdb *h)
{
	if (!h)
		return;
	sqlite3_close(h->db);
	free(h->path);
	free(h);
}

bool hdb_created(const struct hdb *h)
{
	return h->created;
}

int hdb_begin(struct hdb *h, cb_error *e)
{
	return sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0
										       : fail(h, e, "begin");
}

int hdb_commit(struct hdb *h, cb_error *e)
{
	return sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(h, e, "commit");
}

void hdb_rollback(struct hdb *h)
{
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
}

int hdb_add_run(struct hdb *h, const char *cls, const char *run_id, const char *commit,
		const char *date, long long *seq, cb_error *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h->db, "SELECT 1 FROM runs WHERE class = ?1 AND run_id = ?2", -1, &st,
			       NULL) != SQLITE_OK)
		return fail(h, e, "query");
	sqlite3_bind_text(st, 1, cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, run_id, -1, SQLITE_STATIC);
	bool dup = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (dup) {
		cb_error_set(e, "run %s is already in the history (class %s): not added twice", run_id,
			     cls);
		return -1;
	}
	char added[32];
	time_t now = time(NULL);
	strftime(added, sizeof(added), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (sqlite3_prepare_v2(h->db, "INSERT INTO runs (class, run_id, commit_id, date_utc, added_utc)"
				      " VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL) != SQLITE_OK)
		return fail(h, e, "insert");
	sqlite3_bind_text(st, 1, cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, run_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, commit, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, added, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(h, e, "insert");
	*seq = sqlite3_last_insert_rowid(h->db);
	return 0;
}

int hdb_add_unit(struct hdb *h, long long seq, const char *bench, const char *metric, int unit,
		 double value, cb_error *e)
{
	/* a benchmark name is stored once, however many runs have it */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h->db, "INSERT OR IGNORE INTO series (benchmark, metric) VALUES (?1, ?2)",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(h, e, "insert");
	sqlite3_bind_text(st, 1, bench, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(h, e, "insert");
	static const char *const sql =
		"INSERT INTO units (run, series, unit, value) SELECT ?1, id, ?4, ?5 FROM series"
		" WHERE benchmark = ?2 AND metric = ?3";
	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(h, e, "insert");
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, bench, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, metric, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, unit);
	sqlite3_bind_double(st, 5, value);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(h, e, "insert");
}

int hdb_classes(struct hdb *h, char ***classes, size_t *n, cb_error *e)
{
	*classes = NULL;
	*n = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h->db, "SELECT DISTINCT class FROM runs ORDER BY class", -1, &st,
			       NULL) != SQLITE_OK)
		return fail(h, e, "query");
	while (sqlite3_step(st) == SQLITE_ROW) {
		*classes = cb_xrealloc(*classes, (*n + 1) * sizeof(**classes));
		(*classes)[(*n)++] = cb_xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return 0;
}

static char *text_or_empty(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return cb_xstrdup(t ? (const char *)t : "");
}

int hdb_runs(struct hdb *h, const char *cls, struct hdb_run **runs, size_t *n, cb_error *e)
{
	*runs = NULL;
	*n = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h->db, "SELECT seq, run_id, commit_id, date_utc FROM runs WHERE "
				      "class = ?1 ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		return fail(h, e, "query");
	sqlite3_bind_text(st, 1, cls, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*runs = cb_xrealloc(*runs, (*n + 1) * sizeof(**runs));
		struct hdb_run *r = &(*runs)[(*n)++];
		r->seq = sqlite3_column_int64(st, 0);
		r->run_id = text_or_empty(st, 1);
		r->commit = text_or_empty(st, 2);
		r->date = text_or_empty(st, 3);
	}
	sqlite3_finalize(st);
	return 0;
}

void hdb_runs_free(struct hdb_run *runs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(runs[i].run_id);
		free(runs[i].commit);
		free(runs[i].date);
	}
	free(runs);
}

int hdb_each_unit(struct hdb *h, const char *cls, hdb_unit_fn fn, void *arg, cb_error *e)
{
	static const char *const sql =
		"SELECT s.benchmark, s.metric, u.run, u.value FROM units u JOIN runs r ON r.seq = u.run"
		" JOIN series s ON s.id = u.series WHERE r.class = ?1"
		" ORDER BY s.benchmark, s.metric, u.run, u.unit";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(h, e, "query");
	sqlite3_bind_text(st, 1, cls, -1, SQLITE_STATIC);
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = fn(arg, (const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2),
			sqlite3_column_double(st, 3));
	sqlite3_finalize(st);
	return rc;
}
