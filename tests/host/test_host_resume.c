/* `cowbench host --resume`: a sweep killed with SIGKILL mid-way and
 * resumed ends with exactly the (configuration, round) blocks of an
 * uninterrupted sweep of the same options, every row whole, no sample
 * twice, and the rows the killed sweep had finished kept as they were. */
#include <time.h>

#include "host_run.h"

/* Fewer than six rounds and no time cap: no configuration stops early,
 * so every configuration has a block in every round. */
#define ROUNDS 3
static const char *const args[] = {"--primitives", "fork,vfork", "--sizes", "0,16M",
				   "--pages", "4k", "--dirty", "0,1", "--rounds", "3",
				   "--min-reps", "150", "--max-time", "1000", "--seed", "4242",
				   "--min-writes", "0",
				   "--no-floor", NULL};

/* "primitive/page_mode/mem_bytes/dirty_pages/round" of each row, and
 * the number of rows whose (configuration, rep) repeats an earlier one. */
static size_t blocks(const struct csv_table *t, char keys[][96], size_t max, size_t *dups)
{
	size_t n = 0;
	*dups = 0;
	char (*reps)[96] = cb_xcalloc(t->nrows + 1, sizeof(*reps));
	for (size_t r = 0; r < t->nrows; r++) {
		char cfg[80];
		snprintf(cfg, sizeof(cfg), "%s/%s/%s/%s", run_str(t, r, "primitive"),
			 run_str(t, r, "page_mode"), run_str(t, r, "mem_bytes"),
			 run_str(t, r, "dirty_pages"));
		snprintf(reps[r], sizeof(reps[r]), "%s#%s", cfg, run_str(t, r, "rep"));
		for (size_t q = 0; q < r; q++)
			*dups += !strcmp(reps[q], reps[r]);
		char key[96];
		snprintf(key, sizeof(key), "%s/%s", cfg, run_str(t, r, "round"));
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = !strcmp(keys[k], key);
		if (!seen && n < max)
			snprintf(keys[n++], 96, "%s", key);
	}
	free(reps);
	return n;
}

static bool has_key(char keys[][96], size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return true;
	return false;
}

/* Every row whole: each documented column a number where host.csv has
 * numbers. */
static void check_rows(const struct csv_table *t)
{
	static const char *const num[] = {"mem_bytes", "dirty_pages", "rep", "round", "create_ns",
					  "probe_cpu_ns", "probe_mem_ns", NULL};
	for (size_t r = 0; r < t->nrows; r++) {
		for (int c = 0; num[c]; c++)
			CHECK(!isnan(run_num(t, r, num[c])));
		/* empty only where the sample held its child to count the copies */
		CHECK(!isnan(run_num(t, r, "total_ns")) || !isnan(run_num(t, r, "copied_bytes")));
	}
}

static char *file_text(const char *dir, const char *name)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *s = cb_read_text(path);
	return s ? s : cb_xstrdup("");
}

int main(void)
{
	char whole[200], cut[220];
	snprintf(whole, sizeof(whole), "%s", run_dir());
	int rc = run_host(whole, args);
	CHECK(rc == 0);
	struct csv_table *a = run_csv(whole, "host.csv");
	CHECK(a != NULL);
	if (!a)
		return check_done();
	static char ka[256][96], kb[256][96];
	size_t da, db;
	size_t na = blocks(a, ka, 256, &da);
	/* 2 + 2 + 1 + 1 configurations (dirty 1 of nothing is dirty 0) */
	CHECK_EQ_U64(na, 6 * ROUNDS);
	CHECK_EQ_U64(da, 0);

	/* The same sweep, killed once it has finished some blocks but not
	 * all: host.csv is rewritten after each point visited. */
	snprintf(cut, sizeof(cut), "%s-cut", whole);
	mkdir(cut, 0755);
	pid_t pid = run_start(cut, args);
	int st = 0;
	bool killed = false;
	char *snapshot = NULL;
	for (int i = 0; i < 6000 && !killed; i++) {
		nanosleep(&(struct timespec){0, 5000000}, NULL);
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		struct csv_table *t = run_csv(cut, "host.csv");
		size_t d, nb = t ? blocks(t, kb, 256, &d) : 0;
		if (t)
			csv_free(t);
		if (nb >= 4) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			killed = true;
			snapshot = file_text(cut, "host.csv");
		}
	}
	if (!killed)
		SKIP("the sweep finished before it could be killed mid-way (machine too fast)");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	struct csv_table *t = run_csv(cut, "host.csv");
	size_t before = t ? blocks(t, kb, 256, &db) : 0;
	CHECK(before > 0 && before < na);
	if (t)
		csv_free(t);

	/* resumed: only --out, the options and seed come from the run */
	const char *resume[] = {"--resume", NULL};
	rc = run_host(cut, resume);
	char *err = run_stderr(cut);
	if (rc != 0)
		fprintf(stderr, "resume exited %d:\n%s\n", rc, err);
	CHECK(rc == 0);
	struct csv_table *b = run_csv(cut, "host.csv");
	CHECK(b != NULL);
	if (b) {
		size_t nb = blocks(b, kb, 256, &db);
		CHECK_EQ_U64(nb, na);
		CHECK_EQ_U64(db, 0);
		for (size_t i = 0; i < na; i++) {
			if (!has_key(kb, nb, ka[i]))
				fprintf(stderr, "block %s missing after --resume\n", ka[i]);
			CHECK(has_key(kb, nb, ka[i]));
		}
		check_rows(b);
		/* what the killed sweep had finished is still there, byte for byte */
		char *final = file_text(cut, "host.csv");
		size_t lost = 0;
		for (char *line = strtok(snapshot, "\n"); line; line = strtok(NULL, "\n"))
			lost += strstr(final, line) == NULL;
		CHECK_EQ_U64(lost, 0);
		free(final);
		csv_free(b);
	}
	CHECK(run_tmp_files(cut) == 0);
	char *runfile = file_text(cut, "host-run.json");
	CHECK(strstr(runfile, "\"seed\": 4242") != NULL);
	CHECK(strstr(runfile, "\"resumed\": true") != NULL);
	free(runfile);

	/* a resumed run takes no other options */
	const char *bad[] = {"--resume", "--rounds", "5", NULL};
	CHECK(run_host(cut, bad) == 2);
	free(err);
	free(snapshot);
	csv_free(a);
	char cmd[500];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s.err'", cut, cut);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", cut);
	run_cleanup();
	return check_done();
}
