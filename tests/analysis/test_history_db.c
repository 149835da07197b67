/* The history store: its schema and marks, one transaction per add,
 * duplicate refusal, classes kept apart, and every kind of file that is not
 * a cowbench history refused without being changed. */
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "afile.h"
#include "history_db.h"

static char dir[] = "/tmp/cowbench-hdb-XXXXXX";

static char *path_of(const char *name)
{
	return cb_path_join(dir, name);
}

static long long pragma(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

static int count_unit(void *arg, const char *bench, const char *metric, long long seq, double v)
{
	(*(int *)arg)++;
	return 0;
}

static void store(void)
{
	char *p = path_of("h.sqlite");
	cb_error e;
	CHECK(hdb_open(p, false, &e) == NULL); /* check/export never create one */
	struct hdb *h = hdb_open(p, true, &e);
	CHECK(h != NULL);
	if (!h)
		return;
	CHECK(hdb_created(h));
	long long a, b, c;
	CHECK(hdb_begin(h, &e) == 0);
	CHECK(hdb_add_run(h, "class-a", "run1", "c1", "2026-01-01", &a, &e) == 0);
	CHECK(hdb_add_unit(h, a, "host/fork/4k/mem=0/dirty=0", "create_ns", 0, 100, &e) == 0);
	CHECK(hdb_add_unit(h, a, "host/fork/4k/mem=0/dirty=0", "create_ns", 1, 110, &e) == 0);
	CHECK(hdb_add_run(h, "class-a", "run2", "c2", "2026-01-02", &b, &e) == 0);
	CHECK(hdb_add_unit(h, b, "host/fork/4k/mem=0/dirty=0", "create_ns", 0, 120, &e) == 0);
	/* the same run id in another class is another run */
	CHECK(hdb_add_run(h, "class-b", "run1", "c1", "2026-01-01", &c, &e) == 0);
	CHECK(hdb_add_unit(h, c, "host/fork/4k/mem=0/dirty=0", "create_ns", 0, 999, &e) == 0);
	CHECK(hdb_commit(h, &e) == 0);
	/* a duplicate is refused, and its transaction leaves nothing */
	CHECK(hdb_begin(h, &e) == 0);
	long long d;
	CHECK(hdb_add_run(h, "class-a", "run3", "c3", "2026-01-03", &d, &e) == 0);
	CHECK(hdb_add_run(h, "class-a", "run1", "c1", "2026-01-01", &d, &e) < 0);
	CHECK(strstr(e.msg, "already in the history") != NULL);
	hdb_rollback(h);
	hdb_close(h);

	CHECK(pragma(p, "PRAGMA application_id") == HISTORY_APP_ID);
	CHECK(pragma(p, "PRAGMA user_version") == HISTORY_SCHEMA);
	CHECK(pragma(p, "SELECT count(*) FROM runs") == 3);
	CHECK(pragma(p, "SELECT count(*) FROM series") == 1);
	CHECK(pragma(p, "SELECT count(*) FROM units") == 4);

	h = hdb_open(p, false, &e);
	CHECK(h && !hdb_created(h));
	if (!h)
		return;
	char **cls;
	size_t n;
	CHECK(hdb_classes(h, &cls, &n, &e) == 0);
	CHECK_EQ_U64(n, 2);
	if (n == 2) {
		CHECK_STR(cls[0], "class-a");
		CHECK_STR(cls[1], "class-b");
	}
	for (size_t i = 0; i < n; i++)
		free(cls[i]);
	free(cls);
	struct hdb_run *runs;
	CHECK(hdb_runs(h, "class-a", &runs, &n, &e) == 0);
	CHECK_EQ_U64(n, 2); /* run3 was rolled back */
	if (n == 2) {
		CHECK_STR(runs[0].run_id, "run1");
		CHECK_STR(runs[1].run_id, "run2");
		CHECK_STR(runs[1].commit, "c2");
	}
	hdb_runs_free(runs, n);
	int units = 0;
	CHECK(hdb_each_unit(h, "class-a", count_unit, &units, &e) == 0);
	CHECK_EQ_U64(units, 3); /* class-b's unit is not class-a's */
	hdb_close(h);

	/* a newer schema is refused, the file left as it was */
	sqlite3 *db;
	sqlite3_open(p, &db);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	CHECK(hdb_open(p, true, &e) == NULL);
	CHECK(strstr(e.msg, "newer cowbench") != NULL);
	CHECK(pragma(p, "SELECT count(*) FROM runs") == 3);
	free(p);
}

static void not_histories(void)
{
	cb_error e;
	/* another application's SQLite file */
	char *p = path_of("other.sqlite");
	sqlite3 *db;
	sqlite3_open(p, &db);
	sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL, NULL);
	sqlite3_close(db);
	CHECK(hdb_open(p, true, &e) == NULL);
	CHECK(strstr(e.msg, "not a cowbench history") != NULL);
	CHECK(pragma(p, "SELECT count(*) FROM t") == 1);
	free(p);
	/* text */
	p = path_of("text.sqlite");
	FILE *f = fopen(p, "w");
	fputs("this is not a database, but it is long enough to look like a file of some kind\n", f);
	fclose(f);
	CHECK(hdb_open(p, true, &e) == NULL);
	CHECK(strstr(e.msg, "not a cowbench history") != NULL);
	free(p);
	/* a history whose pages were overwritten: corrupt */
	char *good = path_of("h2.sqlite");
	struct hdb *h = hdb_open(good, true, &e);
	long long s;
	hdb_begin(h, &e);
	hdb_add_run(h, "c", "r", "x", "d", &s, &e);
	for (int i = 0; i < 2000; i++)
		hdb_add_unit(h, s, "host/fork", "create_ns", i, i, &e);
	hdb_commit(h, &e);
	hdb_close(h);
	f = fopen(good, "r+");
	fseek(f, 200, SEEK_SET); /* the schema page and the next */
	for (int i = 0; i < 8000; i++)
		fputc(0xa5, f);
	fclose(f);
	CHECK(hdb_open(good, true, &e) == NULL);
	free(good);
	/* a folder */
	CHECK(hdb_open(dir, true, &e) == NULL);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	store();
	not_histories();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return check_done();
}
