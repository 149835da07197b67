/* The resume scan and cut (vm_resume.h) and the plan (vm_plan.h) on
 * synthetic sweeps written by the store itself: every state a kill can
 * leave is cut back to the boots finished in every file, and appending
 * the rest then gives the bytes an uninterrupted sweep writes. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "check.h"
#include "vm_kstats.h"
#include "vm_plan.h"
#include "vm_resume.h"

#define PLAN_BOOTS 4
static struct vm_config cfgs[PLAN_BOOTS];

static void init_cfgs(void)
{
	for (size_t i = 0; i < PLAN_BOOTS; i++)
		cfgs[i] = (struct vm_config){.gpage = VM_GPAGE_4K, .backing = VM_BACKING_ANON4K,
					     .region_bytes = 1u << 20, .dirty_pages = 1 + i};
	snprintf(cfgs[1].skip, sizeof(cfgs[1].skip), "cannot run here");
}

static void labels(struct vm_store *s, const char *where)
{
	s->where = where;
	s->mmu = "pvm-shadow";
	s->prims = "fork";
	s->reps = 2;
	s->kernel = "guest.elf";
}

/* Boots [from, to) of the plan, as cowbench vm runs them: boot 1 is
 * skipped, the others run 2 reps of 2 phases with 2 statistics each and
 * report one result.  Everything derives from the boot's index, so two
 * runs write the same bytes. */
static void add_boots(struct vm_store *s, const char *dir, size_t from, size_t to)
{
	cb_error e;
	uint32_t exits = vm_store_intern(s, "exits"), hc = vm_store_intern(s, "hc"),
		 none = vm_store_intern(s, "");
	for (size_t i = from; i < to; i++) {
		uint32_t b = vm_store_add_boot(s, &cfgs[i]);
		s->boots[b].status = cfgs[i].skip[0] ? VM_BOOT_SKIPPED : VM_BOOT_OK;
		s->boots[b].exited = !cfgs[i].skip[0];
		for (uint32_t rep = 0; rep < 2 && !cfgs[i].skip[0]; rep++) {
			static const uint32_t phases[] = {CB_PHASE_DIRTY, CB_PHASE_CREATE};
			for (size_t p = 0; p < 2; p++) {
				size_t first = s->nstats;
				vm_store_add_stat(s, VM_SRC_VCPU, exits, none, KSTATS_CUMULATIVE,
						  (int64_t)(10 * i + rep));
				vm_store_add_stat(s, VM_SRC_VMM, hc, none, KSTATS_CUMULATIVE, 2);
				struct cb_phase_record rec = {.phase = phases[p],
							      .primitive = CB_PRIM_FORK, .rep = rep,
							      .size = sizeof(rec), .cow_copies = i + 1};
				vm_store_add_phase(s, b, &rec, first, 2, 3);
			}
		}
		if (!cfgs[i].skip[0])
			vm_store_add_result(s, b, "spurious_debug_traps", i);
		CHECK(vm_store_write(s, dir, &e) == 0);
	}
}

/* A fresh sweep of the plan's first n boots into dir, as vm_main starts
 * one: the headers first. */
static void gen(const char *dir, size_t n)
{
	struct vm_store s;
	vm_store_init(&s);
	labels(&s, "host");
	cb_error e;
	CHECK(vm_store_write(&s, dir, &e) == 0);
	add_boots(&s, dir, 0, n);
	vm_store_free(&s);
}

static char *path_of(const char *dir, const char *name)
{
	return cb_path_join(dir, name);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char *p = path_of(dir, name);
	void *data = NULL;
	cb_error e;
	if (cb_read_file(p, &data, len, &e) < 0) {
		data = NULL;
		*len = 0;
	}
	free(p);
	return data;
}

static void put(const char *dir, const char *name, const char *text, size_t len)
{
	char *p = path_of(dir, name);
	cb_error e;
	CHECK(afile_write_all(p, text, len, &e) == 0);
	free(p);
}

/* Keeps the lines for which keep(line, arg) holds. */
static void filter(const char *dir, const char *name, bool (*keep)(const char *line, const void *arg),
		   const void *arg)
{
	size_t len, n = 0;
	char *text = slurp(dir, name, &len), *out = cb_xmalloc(len + 1);
	for (char *line = text; line < text + len;) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		size_t l = nl ? (size_t)(nl - line) + 1 : (size_t)(text + len - line);
		char saved = line[l - 1];
		line[l - 1] = '\0';
		bool k = line == text || keep(line, arg);
		line[l - 1] = saved;
		if (k) {
			memcpy(out + n, line, l);
			n += l;
		}
		line += l;
	}
	put(dir, name, out, n);
	free(text);
	free(out);
}

static bool not_sample(const char *line, const void *arg)
{
	return strtoull(line, NULL, 10) != *(const uint64_t *)arg;
}

/* The vm.csv rows of boot b (the last column). */
static bool not_boot(const char *line, const void *arg)
{
	const char *comma = strrchr(line, ',');
	return !comma || strtoull(comma + 1, NULL, 10) != *(const uint64_t *)arg;
}

static size_t skip_left;
static bool drop_nth_of_boot(const char *line, const void *arg)
{
	return not_boot(line, arg) || skip_left-- != 0;
}

static void truncate_by(const char *dir, const char *name, size_t bytes)
{
	size_t len;
	char *text = slurp(dir, name, &len);
	put(dir, name, text, len - bytes);
	free(text);
}

static void append(const char *dir, const char *name, const char *s)
{
	char *p = path_of(dir, name);
	int fd = open(p, O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s));
	close(fd);
	free(p);
}

/* Appends a row of the given leading fields, padded with empty ones to the
 * header's width (a narrower row is a torn one, which csv_parse refuses);
 * returns the bytes appended. */
static size_t append_row(const char *dir, const char *name, const char *fields)
{
	size_t len;
	char *text = slurp(dir, name, &len);
	size_t want = 1, have = 1;
	for (size_t i = 0; i < len && text[i] != '\n'; i++)
		want += text[i] == ',';
	free(text);
	for (const char *c = fields; *c; c++)
		have += *c == ',';
	char row[1024];
	size_t n = (size_t)snprintf(row, sizeof(row), "%s", fields);
	for (; have < want && n + 2 < sizeof(row); have++)
		row[n++] = ',';
	row[n++] = '\n';
	row[n] = '\0';
	append(dir, name, row);
	return n;
}

static size_t rows(const char *dir, const char *name)
{
	size_t len, n = 0;
	char *text = slurp(dir, name, &len);
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	free(text);
	return n ? n - 1 : 0;
}

static char *fresh_dir(void)
{
	char *d = cb_xstrdup("/tmp/cowbench-resume-XXXXXX");
	CHECK(mkdtemp(d) != NULL);
	return d;
}

static void rm_dir(char *d)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	CHECK(system(cmd) == 0);
	free(d);
}

static int scan(const char *dir, const char *where, size_t ncfg, struct vm_resume *r,
		cb_error *e)
{
	struct vm_resume_in in = {dir, where, "pvm-shadow", "fork", 2, cfgs, ncfg};
	return vm_resume_scan(&in, r, e);
}

/* Whether the four files of a and b are byte for byte the same. */
static bool same_files(const char *a, const char *b)
{
	bool same = true;
	for (int f = 0; f < VM_CSV_COUNT; f++) {
		size_t la, lb;
		char *ta = slurp(a, vm_csv_names[f], &la), *tb = slurp(b, vm_csv_names[f], &lb);
		if (!ta || !tb || la != lb || memcmp(ta, tb, la) != 0) {
			fprintf(stderr, "%s differs between %s and %s\n", vm_csv_names[f], a, b);
			same = false;
		}
		free(ta);
		free(tb);
	}
	return same;
}

/* Cuts dir back, then runs the plan's unfinished boots into it as a
 * resumed vm_main does; the result must be the uninterrupted run's. */
static void cut_and_finish(const char *dir, const struct vm_resume *r, const char *ref)
{
	cb_error e;
	CHECK(vm_resume_cut(r, dir, &e) == 0);
	struct vm_store s;
	vm_store_init(&s);
	labels(&s, "host");
	s.files_made = true;
	s.boot_base = r->next_boot;
	s.next_sample = r->next_sample;
	add_boots(&s, dir, r->done, 3);
	vm_store_free(&s);
	CHECK(same_files(dir, ref));
	/* and a scan now finds it finished, with nothing to cut */
	struct vm_resume again;
	CHECK(scan(dir, "host", PLAN_BOOTS, &again, &e) == 0);
	CHECK_EQ_U64(again.done, 3);
	for (int f = 0; f < VM_CSV_COUNT; f++)
		CHECK(!again.dropped[f] && !again.torn_bytes[f] && !again.missing[f]);
	vm_resume_free(&again);
}

static bool has_note(const struct vm_resume *r, const char *needle)
{
	for (size_t i = 0; i < r->nnotes; i++)
		if (strstr(r->notes[i], needle))
			return true;
	return false;
}

static void test_cuts(const char *ref)
{
	struct vm_resume r;
	cb_error e;

	/* Finished as far as it got: nothing dropped, ids continue. */
	char *d = fresh_dir();
	gen(d, 3);
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) == 0);
	CHECK_EQ_U64(r.done, 3);
	CHECK_EQ_U64(r.nok, 2);
	CHECK_EQ_U64(r.nskip, 1);
	CHECK_EQ_U64(r.phases, 8);
	CHECK_EQ_U64(r.next_boot, 3);
	CHECK_EQ_U64(r.next_sample, 4);
	for (int f = 0; f < VM_CSV_COUNT; f++)
		CHECK(!r.dropped[f] && !r.torn_bytes[f] && !r.missing[f]);
	CHECK(has_note(&r, "3 of the plan's 4 boots are done there (2 ok, 0 failed, 1 skipped)"));
	vm_resume_free(&r);
	rm_dir(d);

	/* A torn last row in each file: cut off, the boot before it kept. */
	for (int f = 0; f < VM_CSV_COUNT; f++) {
		d = fresh_dir();
		gen(d, 3);
		append(d, vm_csv_names[f], "2,host,pvm-sh");
		CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) == 0);
		CHECK_EQ_U64(r.torn_bytes[f], 13);
		CHECK_EQ_U64(r.done, 3);
		CHECK(has_note(&r, "cut off a torn last row"));
		cut_and_finish(d, &r, ref);
		vm_resume_free(&r);
		rm_dir(d);
	}

	/* Killed in the middle of boot 2's vm.csv append (a row boundary):
	 * the boot is dropped from every file and runs again. */
	d = fresh_dir();
	gen(d, 3);
	uint64_t boot2 = 2;
	skip_left = 3; /* keep its first 3 rows of 4 */
	filter(d, "vm.csv", drop_nth_of_boot, &boot2);
	CHECK_EQ_U64(rows(d, "vm.csv"), 7);
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) == 0);
	CHECK_EQ_U64(r.done, 2);
	CHECK_EQ_U64(r.next_boot, 2);
	CHECK_EQ_U64(r.next_sample, 2);
	CHECK_EQ_U64(r.dropped[VM_CSV_VM], 3);
	CHECK_EQ_U64(r.dropped[VM_CSV_STATS], 8);
	CHECK_EQ_U64(r.dropped[VM_CSV_RESULTS], 1);
	CHECK_EQ_U64(r.dropped[VM_CSV_BOOTS], 1);
	CHECK(has_note(&r, "boot 2 (4k copy anon4k prefault=no fork=full region=1M dirty=3) was "
		       "cut short: 3 of its 4 vm.csv rows are there"));
	CHECK(has_note(&r, "dropped the rows of unfinished boots: vm.csv 3, vm-results.csv 1, "
		       "vm-stats.csv 8"));
	cut_and_finish(d, &r, ref);
	vm_resume_free(&r);
	rm_dir(d);

	/* Killed before boot 2's vm-boots.csv row: its statistics and result
	 * are orphans, dropped; vm.csv never had its rows. */
	d = fresh_dir();
	gen(d, 3);
	filter(d, "vm.csv", not_boot, &boot2);
	truncate_by(d, "vm-boots.csv", 20); /* and the row torn */
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) == 0);
	CHECK_EQ_U64(r.done, 2);
	CHECK(r.torn_bytes[VM_CSV_BOOTS] > 0);
	CHECK_EQ_U64(r.dropped[VM_CSV_STATS], 8);
	CHECK_EQ_U64(r.dropped[VM_CSV_RESULTS], 1);
	cut_and_finish(d, &r, ref);
	vm_resume_free(&r);
	rm_dir(d);

	/* A phase without statistics (vm-stats.csv cut back further than a
	 * kill can): its boot and every later one run again. */
	d = fresh_dir();
	gen(d, 3);
	uint64_t sample0 = 0;
	filter(d, "vm-stats.csv", not_sample, &sample0);
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) == 0);
	CHECK_EQ_U64(r.done, 0);
	CHECK_EQ_U64(r.dropped[VM_CSV_BOOTS], 3);
	CHECK_EQ_U64(r.next_boot, 0);
	CHECK_EQ_U64(r.next_sample, 0);
	CHECK(has_note(&r, "a phase of it has no statistics"));
	cut_and_finish(d, &r, ref);
	vm_resume_free(&r);
	rm_dir(d);

	/* A file gone: made again; here vm.csv, so no boot with phases is
	 * finished, but the skipped boot 1 comes after boot 0 and goes too. */
	d = fresh_dir();
	gen(d, 3);
	char *p = path_of(d, "vm.csv");
	CHECK(unlink(p) == 0);
	free(p);
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) == 0);
	CHECK(r.missing[VM_CSV_VM]);
	CHECK_EQ_U64(r.done, 0);
	CHECK(has_note(&r, "made again, missing: vm.csv"));
	cut_and_finish(d, &r, ref);
	vm_resume_free(&r);
	rm_dir(d);
}

/* Rows of another place (scripts/nested merges them in, with ids past
 * ours) stay where they are; ids continue past them. */
static void test_other_place(void)
{
	struct vm_resume r;
	cb_error e;
	char *d = fresh_dir();
	gen(d, 3);
	struct vm_store s;
	vm_store_init(&s);
	labels(&s, "nested-tcg");
	s.files_made = true;
	s.boot_base = 10;
	s.next_sample = 100;
	add_boots(&s, d, 0, 1);
	vm_store_free(&s);
	uint64_t boot2 = 2;
	skip_left = 0;
	filter(d, "vm.csv", drop_nth_of_boot, &boot2); /* not the last line now */
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) == 0);
	CHECK_EQ_U64(r.done, 2);
	CHECK_EQ_U64(r.next_boot, 11);
	CHECK_EQ_U64(r.next_sample, 102);
	CHECK(vm_resume_cut(&r, d, &e) == 0);
	vm_resume_free(&r);
	CHECK_EQ_U64(rows(d, "vm.csv"), 4 + 4);
	CHECK_EQ_U64(rows(d, "vm-boots.csv"), 2 + 1);
	CHECK_EQ_U64(rows(d, "vm-stats.csv"), 8 + 8);
	CHECK_EQ_U64(rows(d, "vm-results.csv"), 1 + 1);
	/* the other place's sweep, resumed, sees its own boot finished */
	struct vm_resume_in in = {d, "nested-tcg", "pvm-shadow", "fork", 2, cfgs, PLAN_BOOTS};
	CHECK(vm_resume_scan(&in, &r, &e) == 0);
	CHECK_EQ_U64(r.done, 1);
	vm_resume_free(&r);
	rm_dir(d);
}

/* Folders that are not this plan's, or not readable as one: refused. */
static void test_refused(void)
{
	struct vm_resume r;
	cb_error e;
	char *d = fresh_dir();
	gen(d, 3);
	CHECK(scan(d, "host", 2, &r, &e) < 0);
	CHECK(strstr(e.msg, "more boots of 'host' than the plan's 2") != NULL);
	cfgs[2].dirty_pages = 99;
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) < 0);
	CHECK(strstr(e.msg, "row 3 (boot 2) has dirty_pages '3', but the plan's boot 2 has '99'"));
	cfgs[2].dirty_pages = 3;
	struct vm_resume_in in = {d, "host", "ept", "fork", 2, cfgs, PLAN_BOOTS};
	CHECK(vm_resume_scan(&in, &r, &e) < 0 && strstr(e.msg, "has mmu 'pvm-shadow'"));
	in.mmu = "pvm-shadow";
	in.reps = 3;
	CHECK(vm_resume_scan(&in, &r, &e) < 0 && strstr(e.msg, "has reps '2'"));

	size_t added = append_row(d, "vm-boots.csv", "0,nested-tcg,x,4k,copy,anon4k,no,full,1,1,fork,2,ok");
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) < 0 && strstr(e.msg, "boot 0 appears twice"));
	truncate_by(d, "vm-boots.csv", added);
	added = append_row(d, "vm-results.csv", "x,y,1");
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) < 0 && strstr(e.msg, "boot 'x' is not an id"));
	truncate_by(d, "vm-results.csv", added);
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) == 0);
	vm_resume_free(&r);

	size_t len;
	char *text = slurp(d, "vm-results.csv", &len);
	text[0] = 'B'; /* "Boot,name,value": another layout */
	put(d, "vm-results.csv", text, len);
	free(text);
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) < 0);
	CHECK(strstr(e.msg, "vm-results.csv: its columns are not the ones this cowbench writes"));
	rm_dir(d);
}

static void test_rows_and_temporaries(void)
{
	char *d = fresh_dir();
	CHECK(!vm_resume_has_rows(d));
	struct vm_store s;
	vm_store_init(&s);
	labels(&s, "host");
	cb_error e;
	CHECK(vm_store_write(&s, d, &e) == 0); /* headers alone */
	vm_store_free(&s);
	CHECK(!vm_resume_has_rows(d));
	append(d, "vm-results.csv", "0,x"); /* a torn row is a row */
	CHECK(vm_resume_has_rows(d));

	static const char *const junk[] = {"vm.csv.tmp.AbC123", "vm-plan.json.tmp.zzzzzz"};
	static const char *const kept[] = {"vm.csv.tmp.toolong7", "other.tmp.AbC123"};
	for (size_t i = 0; i < 2; i++) {
		put(d, junk[i], "x", 1);
		put(d, kept[i], "x", 1);
	}
	struct vm_resume r;
	CHECK(scan(d, "host", PLAN_BOOTS, &r, &e) == 0);
	CHECK(vm_resume_cut(&r, d, &e) == 0);
	vm_resume_free(&r);
	for (size_t i = 0; i < 2; i++) {
		char *a = path_of(d, junk[i]), *b = path_of(d, kept[i]);
		CHECK(access(a, F_OK) != 0);
		CHECK(access(b, F_OK) == 0);
		free(a);
		free(b);
	}
	rm_dir(d);
}

static void test_plan(void)
{
	char *cmd[PLAN_BOOTS] = {"a=1", "a=2", "a=3", "a=4"};
	uint64_t ram[PLAN_BOOTS] = {64 << 20, 64 << 20, 66 << 20, 66 << 20};
	struct vm_plan_in in = {"host", "npt", false, "\x7f" "ELF", 4, cfgs, PLAN_BOOTS, cmd, ram};
	struct vm_plan a, b, c;
	vm_plan_build(&in, &a);
	CHECK_EQ_U64(a.n, 5 + PLAN_BOOTS);
	CHECK_STR(a.lines[0], "where host");
	CHECK_STR(a.lines[4], "boots 4");
	CHECK_STR(a.lines[7], "boot 2: 4k copy anon4k prefault=no fork=full region=1M dirty=3 "
			      "ram=69206016: a=3");

	char *d = fresh_dir();
	cb_error e;
	CHECK(vm_plan_read(d, &b, NULL, NULL, &e) == 0);
	char *args[] = {"--quick", "--guest-args", "x=\"y\" z"};
	CHECK(vm_plan_write(d, &a, args, 3, &e) == 0);
	char **rec;
	size_t nrec;
	CHECK(vm_plan_read(d, &b, &rec, &nrec, &e) == 1);
	CHECK_EQ_U64(nrec, 3);
	if (nrec == 3)
		CHECK_STR(rec[2], "x=\"y\" z");
	vm_plan_free_args(rec, nrec);
	CHECK(vm_plan_compare(&b, &a, &e) == 0);

	ram[2] += 2 << 20;
	vm_plan_build(&in, &c);
	CHECK(vm_plan_compare(&b, &c, &e) < 0);
	CHECK(strstr(e.msg, "another plan: 'boot 2: 4k copy anon4k prefault=no fork=full "
		     "region=1M dirty=3 ram=69206016: a=3' there, '") != NULL);
	vm_plan_free(&c);
	in.ncfg = 3;
	vm_plan_build(&in, &c);
	CHECK(vm_plan_compare(&b, &c, &e) < 0 && strstr(e.msg, "'boots 4' there, 'boots 3' here"));
	vm_plan_free(&c);
	in.ncfg = PLAN_BOOTS;
	in.kernel = "\x7f" "ELG";
	vm_plan_build(&in, &c);
	CHECK(vm_plan_compare(&b, &c, &e) < 0 && strstr(e.msg, "'kernel 4 bytes fnv1a-64 "));
	vm_plan_free(&c);

	char *p = path_of(d, VM_PLAN_FILE);
	CHECK(afile_write_all(p, "{\"plan\": [1]}", 13, &e) == 0);
	CHECK(vm_plan_read(d, &c, NULL, NULL, &e) < 0 && strstr(e.msg, "list of strings"));
	CHECK(afile_write_all(p, "{", 1, &e) == 0);
	CHECK(vm_plan_read(d, &c, NULL, NULL, &e) < 0);
	free(p);
	vm_plan_free(&a);
	vm_plan_free(&b);
	rm_dir(d);
}

int main(void)
{
	init_cfgs();
	char *ref = fresh_dir();
	gen(ref, 3);
	test_cuts(ref);
	rm_dir(ref);
	test_other_place();
	test_refused();
	test_rows_and_temporaries();
	test_plan();
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}
