#include "vm_resume.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "parse.h"
#include "vm_plan.h"

/* A sorted multiset of ids: each file is read once, then every lookup is
 * a binary search, however many rows a long sweep left. */
struct ids {
	uint64_t *v;
	size_t n, cap;
};

static void ids_add(struct ids *s, uint64_t id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = cb_xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = id;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void ids_sort(struct ids *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
}

/* The first index whose id is not below id. */
static size_t ids_lower(const struct ids *s, uint64_t id)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Ids are below UINT64_MAX (id_at refuses it), so id + 1 cannot wrap. */
static size_t ids_count(const struct ids *s, uint64_t id)
{
	return ids_lower(s, id + 1) - ids_lower(s, id);
}

static bool ids_has(const struct ids *s, uint64_t id)
{
	return ids_count(s, id) > 0;
}

/* One past the largest id, 0 for none (sorted). */
static uint64_t ids_next(const struct ids *s)
{
	return s->n ? s->v[s->n - 1] + 1 : 0;
}

static void ids_free(struct ids *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The end of the last whole record: one ends at a newline outside quotes
 * (a quoted field may hold a newline; a doubled quote toggles twice). */
static size_t whole_end(const char *text, size_t len)
{
	size_t end = 0;
	bool quoted = false;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '"')
			quoted = !quoted;
		else if (text[i] == '\n' && !quoted)
			end = i + 1;
	}
	return end;
}

/* Reads dir's file f: -1 and errno ENOENT when it is not there. */
static int read_csv_file(const char *dir, enum vm_csv_file f, char **text, size_t *len,
			 cb_error *e)
{
	char *path = cb_path_join(dir, vm_csv_names[f]);
	void *data;
	int rc = cb_read_file_max(path, SIZE_MAX - 1, &data, len, e);
	free(path);
	*text = rc == 0 ? data : NULL;
	return rc;
}

/* Loads file f as far as its rows are whole; a file that is not there (or
 * holds not even its header) is an empty one, made again by the cut. */
static int load(const char *dir, enum vm_csv_file f, struct vm_resume *r, cb_error *e)
{
	char *text, *header = vm_store_header(f);
	size_t len, hl = strlen(header);
	if (read_csv_file(dir, f, &text, &len, e) < 0) {
		if (errno != ENOENT) {
			free(header);
			return -1;
		}
		text = NULL;
		len = 0;
	}
	size_t end = text ? whole_end(text, len) : 0;
	if (end == 0) {
		r->missing[f] = true;
		free(text);
		text = header;
		len = end = hl;
		header = NULL;
	} else if (end < hl || memcmp(text, header, hl) != 0) {
		cb_error_set(e, "%s/%s: its columns are not the ones this cowbench writes (an older "
			     "version's?): cannot append to it", dir, vm_csv_names[f]);
		free(text);
		free(header);
		return -1;
	}
	r->torn_bytes[f] = len - end;
	char name[512];
	snprintf(name, sizeof(name), "%s/%s", dir, vm_csv_names[f]);
	r->t[f] = csv_parse(text, end, name, e);
	free(text);
	free(header);
	if (!r->t[f])
		return -1;
	r->keep[f] = cb_xcalloc(r->t[f]->nrows + 1, sizeof(bool));
	for (size_t i = 0; i < r->t[f]->nrows; i++)
		r->keep[f][i] = true;
	return 0;
}

/* The id in column `name` of a row: ids join the files, so one that does
 * not parse is a broken folder, not something to guess about. */
static int id_at(const struct vm_resume *r, enum vm_csv_file f, size_t row, const char *name,
		 uint64_t *out, cb_error *e)
{
	const struct csv_table *t = r->t[f];
	const char *s = csv_get(t, row, csv_col(t, name));
	cb_error why;
	if (parse_u64(s, out, &why) < 0 || *out == UINT64_MAX) {
		cb_error_set(e, "%s: row %zu: %s '%.40s' is not an id", vm_csv_names[f], row + 1, name,
			     s);
		return -1;
	}
	return 0;
}

static const char *field(const struct csv_table *t, size_t row, const char *name)
{
	return csv_get(t, row, csv_col(t, name));
}

/* Whether vm-boots.csv's row is the plan's boot j; else e names the first
 * column that differs. */
static bool is_plan_boot(const struct csv_table *t, size_t row, const struct vm_resume_in *in,
			 size_t j, cb_error *e)
{
	const struct vm_config *c = &in->cfgs[j];
	char region[24], dirty[24], reps[24];
	snprintf(region, sizeof(region), "%" PRIu64, c->region_bytes);
	snprintf(dirty, sizeof(dirty), "%" PRIu64, c->dirty_pages);
	snprintf(reps, sizeof(reps), "%" PRIu64, in->reps);
	const char *want[VM_DIM_COUNT + 5][2] = {
		{"mmu", in->mmu}, {"region_bytes", region}, {"dirty_pages", dirty},
		{"primitives", in->prims}, {"reps", reps},
	};
	size_t n = 5;
	for (int d = 0; d < VM_DIM_COUNT; d++, n++) {
		want[n][0] = vm_dim_columns[d];
		want[n][1] = vm_dim_value(c, (enum vm_dim)d);
	}
	for (size_t k = 0; k < n; k++) {
		const char *have = field(t, row, want[k][0]);
		if (strcmp(have, want[k][1]) != 0) {
			cb_error_set(e, "vm-boots.csv: row %zu (boot %.24s) has %s '%.60s', but the "
				     "plan's boot %zu has '%.60s': not this sweep's folder", row + 1,
				     field(t, row, "boot"), want[k][0], have, j, want[k][1]);
			return false;
		}
	}
	return true;
}

__attribute__((format(printf, 2, 3)))
static void note(struct vm_resume *r, const char *fmt, ...)
{
	if (r->nnotes == VM_RESUME_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], sizeof(r->notes[0]), fmt, ap);
	va_end(ap);
}

/* "vm.csv 12, vm-stats.csv 300" of the files where n[f] (or flag[f]) is set. */
static void list_files(char *buf, size_t len, const size_t *n, const bool *flag, const char *unit)
{
	size_t at = 0;
	buf[0] = '\0';
	for (int f = VM_CSV_COUNT - 1; f >= 0 && at < len; f--) {
		if (n ? !n[f] : !flag[f])
			continue;
		int w = n ? snprintf(buf + at, len - at, "%s%s %zu%s", at ? ", " : "", vm_csv_names[f],
				     n[f], unit)
			  : snprintf(buf + at, len - at, "%s%s", at ? ", " : "", vm_csv_names[f]);
		at += w > 0 ? (size_t)w : 0;
	}
}

/* Everything the scan builds, freed on every way out. */
struct scan {
	struct ids stat_samples, vm_boots, starved, boot_ids, ours, kept, kept_samples;
	uint64_t *bid; /* vm-boots.csv's ids, by row */
	char cut[300]; /* the boot cut short, if one was */
};

static void scan_free(struct scan *s)
{
	ids_free(&s->stat_samples);
	ids_free(&s->vm_boots);
	ids_free(&s->starved);
	ids_free(&s->boot_ids);
	ids_free(&s->ours);
	ids_free(&s->kept);
	ids_free(&s->kept_samples);
	free(s->bid);
}

/* vm.csv's rows of this place: which boots have how many, and which boots
 * have a phase without statistics. */
static int index_phases(const struct vm_resume_in *in, struct vm_resume *r, struct scan *s,
			cb_error *e)
{
	const struct csv_table *ts = r->t[VM_CSV_STATS], *tv = r->t[VM_CSV_VM];
	uint64_t id, boot;
	for (size_t i = 0; i < ts->nrows; i++) {
		if (id_at(r, VM_CSV_STATS, i, "sample", &id, e) < 0)
			return -1;
		ids_add(&s->stat_samples, id);
	}
	ids_sort(&s->stat_samples);
	for (size_t i = 0; i < tv->nrows; i++) {
		if (strcmp(field(tv, i, "where"), in->where) != 0)
			continue;
		if (id_at(r, VM_CSV_VM, i, "sample", &id, e) < 0 ||
		    id_at(r, VM_CSV_VM, i, "boot", &boot, e) < 0)
			return -1;
		ids_add(&s->vm_boots, boot);
		if (!ids_has(&s->stat_samples, id))
			ids_add(&s->starved, boot);
	}
	ids_sort(&s->vm_boots);
	ids_sort(&s->starved);
	return 0;
}

/* Walks vm-boots.csv: this place's rows must be the plan's boots in order;
 * keeps them while they are finished, drops them from the first that is
 * not. */
static int walk_boots(const struct vm_resume_in *in, struct vm_resume *r, struct scan *s,
		      cb_error *e)
{
	const struct csv_table *tb = r->t[VM_CSV_BOOTS];
	s->bid = cb_xcalloc(tb->nrows + 1, sizeof(*s->bid));
	for (size_t i = 0; i < tb->nrows; i++) {
		if (id_at(r, VM_CSV_BOOTS, i, "boot", &s->bid[i], e) < 0)
			return -1;
		ids_add(&s->boot_ids, s->bid[i]);
	}
	ids_sort(&s->boot_ids);
	for (size_t i = 1; i < s->boot_ids.n; i++) {
		if (s->boot_ids.v[i] == s->boot_ids.v[i - 1]) {
			cb_error_set(e, "vm-boots.csv: boot %" PRIu64 " appears twice", s->boot_ids.v[i]);
			return -1;
		}
	}
	bool cut = false;
	for (size_t i = 0; i < tb->nrows; i++) {
		uint64_t id = s->bid[i], phases;
		if (strcmp(field(tb, i, "where"), in->where) != 0) {
			ids_add(&s->kept, id);
			continue;
		}
		r->keep[VM_CSV_BOOTS][i] = false;
		if (cut) {
			r->dropped[VM_CSV_BOOTS]++;
			continue;
		}
		size_t j = r->done;
		if (j == in->ncfg) {
			cb_error_set(e, "vm-boots.csv: more boots of '%s' than the plan's %zu: not this "
				     "sweep's folder", in->where, in->ncfg);
			return -1;
		}
		if (!is_plan_boot(tb, i, in, j, e))
			return -1;
		cb_error why;
		int status = parse_name(field(tb, i, "status"), vm_boot_status_names, "status", &why);
		if (status < 0 || parse_u64(field(tb, i, "phases"), &phases, &why) < 0) {
			cb_error_set(e, "vm-boots.csv: row %zu: status '%.20s', phases '%.20s'", i + 1,
				     field(tb, i, "status"), field(tb, i, "phases"));
			return -1;
		}
		size_t have = ids_count(&s->vm_boots, id);
		bool starved = ids_has(&s->starved, id);
		if (have != phases || starved) {
			char label[160];
			vm_config_label(&in->cfgs[j], label, sizeof(label));
			if (starved)
				snprintf(s->cut, sizeof(s->cut), "boot %" PRIu64 " (%s) was cut short: a "
					 "phase of it has no statistics in vm-stats.csv; it runs again",
					 id, label);
			else
				snprintf(s->cut, sizeof(s->cut), "boot %" PRIu64 " (%s) was cut short: %zu "
					 "of its %" PRIu64 " vm.csv rows are there; it runs again", id,
					 label, have, phases);
			cut = true;
			r->dropped[VM_CSV_BOOTS]++;
			continue;
		}
		r->keep[VM_CSV_BOOTS][i] = true;
		ids_add(&s->ours, id);
		ids_add(&s->kept, id);
		r->nok += status == VM_BOOT_OK;
		r->nfail += status == VM_BOOT_ERROR;
		r->nskip += status == VM_BOOT_SKIPPED;
		r->phases += phases;
		r->done++;
	}
	ids_sort(&s->ours);
	return 0;
}

/* vm.csv keeps other places' rows and the kept boots' rows; statistics
 * and results stay when a kept row is theirs. */
static int keep_rows(const struct vm_resume_in *in, struct vm_resume *r, struct scan *s,
		     cb_error *e)
{
	const struct csv_table *tv = r->t[VM_CSV_VM], *ts = r->t[VM_CSV_STATS],
			       *tr = r->t[VM_CSV_RESULTS];
	uint64_t sample, boot;
	for (size_t i = 0; i < tv->nrows; i++) {
		if (id_at(r, VM_CSV_VM, i, "sample", &sample, e) < 0 ||
		    id_at(r, VM_CSV_VM, i, "boot", &boot, e) < 0)
			return -1;
		if (!strcmp(field(tv, i, "where"), in->where) && !ids_has(&s->ours, boot)) {
			r->keep[VM_CSV_VM][i] = false;
			r->dropped[VM_CSV_VM]++;
			continue;
		}
		ids_add(&s->kept_samples, sample);
		ids_add(&s->kept, boot);
	}
	ids_sort(&s->kept_samples);
	ids_sort(&s->kept);
	for (size_t i = 0; i < ts->nrows; i++) {
		if (id_at(r, VM_CSV_STATS, i, "sample", &sample, e) < 0)
			return -1;
		r->keep[VM_CSV_STATS][i] = ids_has(&s->kept_samples, sample);
		r->dropped[VM_CSV_STATS] += !r->keep[VM_CSV_STATS][i];
	}
	for (size_t i = 0; i < tr->nrows; i++) {
		if (id_at(r, VM_CSV_RESULTS, i, "boot", &boot, e) < 0)
			return -1;
		r->keep[VM_CSV_RESULTS][i] = ids_has(&s->kept, boot);
		r->dropped[VM_CSV_RESULTS] += !r->keep[VM_CSV_RESULTS][i];
	}
	return 0;
}

static void make_notes(const struct vm_resume_in *in, struct vm_resume *r, const char *cut)
{
	char buf[300];
	note(r, "%zu of the plan's %zu boots are done there (%zu ok, %zu failed, %zu skipped); "
	     "ids continue at boot %" PRIu64 ", sample %" PRIu64, r->done, in->ncfg, r->nok,
	     r->nfail, r->nskip, r->next_boot, r->next_sample);
	if (cut[0])
		note(r, "%s", cut);
	list_files(buf, sizeof(buf), r->torn_bytes, NULL, " bytes");
	if (buf[0])
		note(r, "cut off a torn last row: %s", buf);
	size_t rows[VM_CSV_COUNT];
	memcpy(rows, r->dropped, sizeof(rows));
	rows[VM_CSV_BOOTS] = 0; /* the boots are the note above */
	list_files(buf, sizeof(buf), rows, NULL, "");
	char made[120];
	list_files(made, sizeof(made), NULL, r->missing, "");
	if (buf[0] || made[0])
		note(r, "%s%s%s%s%s", buf[0] ? "dropped the rows of unfinished boots: " : "", buf,
		     buf[0] && made[0] ? "; " : "", made[0] ? "made again, missing: " : "", made);
}

int vm_resume_scan(const struct vm_resume_in *in, struct vm_resume *r, cb_error *e)
{
	memset(r, 0, sizeof(*r));
	struct scan s = {0};
	int rc = -1;
	for (int f = 0; f < VM_CSV_COUNT; f++)
		if (load(in->dir, (enum vm_csv_file)f, r, e) < 0)
			goto out;
	if (index_phases(in, r, &s, e) < 0 || walk_boots(in, r, &s, e) < 0 ||
	    keep_rows(in, r, &s, e) < 0)
		goto out;
	r->next_boot = ids_next(&s.kept);
	r->next_sample = ids_next(&s.kept_samples);
	make_notes(in, r, s.cut);
	rc = 0;
out:
	scan_free(&s);
	if (rc < 0)
		vm_resume_free(r);
	return rc;
}

/* The temporary files a killed atomic write leaves: "<name>.tmp.XXXXXX". */
static void remove_temporaries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	const char *names[VM_CSV_COUNT + 1] = {VM_PLAN_FILE};
	memcpy(names + 1, vm_csv_names, sizeof(vm_csv_names));
	for (struct dirent *de; (de = readdir(d));) {
		for (size_t i = 0; i < CB_ARRAY_SIZE(names); i++) {
			size_t n = strlen(names[i]);
			if (!strncmp(de->d_name, names[i], n) && !strncmp(de->d_name + n, ".tmp.", 5) &&
			    strlen(de->d_name + n + 5) == 6) {
				char *p = cb_path_join(dir, de->d_name);
				unlink(p);
				free(p);
			}
		}
	}
	closedir(d);
}

static int rewrite(const struct vm_resume *r, const char *dir, enum vm_csv_file f, cb_error *e)
{
	const struct csv_table *t = r->t[f];
	char *path = cb_path_join(dir, vm_csv_names[f]), *header = vm_store_header(f);
	struct afile af;
	int rc = afile_open(&af, path, e);
	free(path);
	if (rc == 0) {
		fputs(header, af.fp);
		struct csv_writer w;
		csv_writer_init(&w, af.fp);
		for (size_t i = 0; i < t->nrows; i++) {
			if (!r->keep[f][i])
				continue;
			for (size_t c = 0; c < t->ncols; c++)
				csv_str(&w, t->rows[i][c]);
			csv_end_row(&w);
		}
		rc = afile_commit(&af, e);
	}
	free(header);
	return rc;
}

int vm_resume_cut(const struct vm_resume *r, const char *dir, cb_error *e)
{
	remove_temporaries(dir);
	/* Any order is safe: a cut only drops rows that a scan of the
	 * half-cut folder drops again. */
	for (int f = 0; f < VM_CSV_COUNT; f++) {
		if ((r->missing[f] || r->torn_bytes[f] || r->dropped[f]) &&
		    rewrite(r, dir, (enum vm_csv_file)f, e) < 0)
			return -1;
	}
	return 0;
}

void vm_resume_free(struct vm_resume *r)
{
	for (int f = 0; f < VM_CSV_COUNT; f++) {
		csv_free(r->t[f]);
		free(r->keep[f]);
		r->t[f] = NULL;
		r->keep[f] = NULL;
	}
}

bool vm_resume_has_rows(const char *dir)
{
	bool rows = false;
	for (int f = 0; f < VM_CSV_COUNT && !rows; f++) {
		char *text;
		size_t len;
		cb_error e;
		if (read_csv_file(dir, (enum vm_csv_file)f, &text, &len, &e) < 0)
			continue;
		const char *nl = memchr(text, '\n', len);
		rows = nl && (size_t)(nl + 1 - text) < len;
		free(text);
	}
	return rows;
}
