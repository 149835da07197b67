/* One cross-check run as a measurement: QEMU's (the guest's debugcon text
 * and QMP query-stats replies) or `cowbench vm`'s (its CSVs).  Everything
 * read here was made by a guest or by another program: it is checked,
 * and a malformed file ends the tool with a one-line reason. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "cb_counters.h"
#include "cb_kvm_stats.h"
#include "xcheck.h"

static const char me[] = "qemu-crosscheck";

/* --- measurements --- */

static size_t meas_find(const struct meas *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->kv[i].name, name))
			return i;
	return m->n;
}

void meas_set(struct meas *m, const char *name, int64_t v)
{
	size_t i = meas_find(m, name);
	if (i == m->n) {
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 64;
			m->kv = cb_xrealloc(m->kv, m->cap * sizeof(*m->kv));
		}
		m->kv[m->n].name = cb_xstrdup(name);
		m->n++;
	}
	m->kv[i].v = v;
}

void meas_add(struct meas *m, const char *name, int64_t v)
{
	int64_t old = 0;
	meas_get(m, name, &old);
	meas_set(m, name, old + v);
}

bool meas_get(const struct meas *m, const char *name, int64_t *v)
{
	size_t i = meas_find(m, name);
	if (i == m->n)
		return false;
	*v = m->kv[i].v;
	return true;
}

void meas_free(struct meas *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->kv[i].name);
	free(m->kv);
	memset(m, 0, sizeof(*m));
}

void meas_exits_net(struct meas *m)
{
	static const char *const minus[] = {"transport_exits", "irq_exits", "signal_exits"};
	int64_t net = 0, v;
	meas_get(m, "exits", &net);
	for (size_t i = 0; i < CB_ARRAY_SIZE(minus); i++)
		if (meas_get(m, minus[i], &v))
			net -= v;
	meas_set(m, "exits_net", net);
}

/* --- files --- */

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char *path = cb_path_join(dir, name);
	void *data;
	size_t n;
	cb_error e;
	if (cb_read_file(path, &data, &n, &e) < 0)
		cb_die(1, me, "%s", e.msg);
	free(path);
	char *s = cb_xrealloc(data, n + 1);
	s[n] = '\0';
	if (len)
		*len = n;
	return s;
}

/* A signed decimal integer filling the whole field. */
static bool int_field(const char *s, int64_t *v)
{
	char *end;
	errno = 0;
	long long x = strtoll(s, &end, 10);
	if (end == s || *end || errno)
		return false;
	*v = x;
	return true;
}

/* $EPOCHREALTIME as ns: "<seconds>.<microseconds>" (',' in some locales). */
static int64_t epoch_ns(const char *dir, const char *name)
{
	char *s = slurp(dir, name, NULL);
	char *end;
	errno = 0;
	long long sec = strtoll(s, &end, 10), us = 0;
	if (errno || end == s || (*end != '.' && *end != ','))
		cb_die(1, me, "%s/%s: '%.40s' is not a time from $EPOCHREALTIME", dir, name, s);
	char *frac = end + 1;
	us = strtoll(frac, &end, 10);
	if (end - frac != 6 || (*end && *end != '\n'))
		cb_die(1, me, "%s/%s: '%.40s' is not a time from $EPOCHREALTIME", dir, name, s);
	free(s);
	return (int64_t)sec * 1000000000 + us * 1000;
}

void xcheck_show_tail(const char *path, int lines)
{
	void *data;
	size_t n;
	cb_error e;
	if (cb_read_file(path, &data, &n, &e) < 0)
		return;
	const char *s = data;
	size_t end = n && s[n - 1] == '\n' ? n - 1 : n, start = end;
	for (int k = 0; start > 0; start--)
		if (s[start - 1] == '\n' && ++k == lines)
			break;
	for (size_t i = start; i < end;) {
		const char *nl = memchr(s + i, '\n', end - i);
		size_t l = nl ? (size_t)(nl - (s + i)) : end - i;
		fprintf(stderr, "    | %.*s\n", (int)l, s + i);
		i += l + 1;
	}
	free(data);
}

/* --- QEMU --- */

/* The guest's text: the last "cowbench-exit status=N" (into *status) and,
 * summed over its "cowbench-phase ... name=value ..." lines, every counter
 * of common/cb_counters.h. */
static void debugcon(const char *text, struct meas *m, int64_t *status)
{
	static const char *const counters[] = {
#define NAME(name, required) #name,
		CB_COUNTERS(NAME)
#undef NAME
	};
	int64_t recs = 0;
	for (size_t i = 0; i < CB_ARRAY_SIZE(counters); i++)
		meas_set(m, counters[i], 0);
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[2048];
		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		line += len + (nl ? 1 : 0);
		int64_t v;
		if (!strncmp(buf, "cowbench-exit status=", 21) && int_field(buf + 21, &v)) {
			*status = v;
			continue;
		}
		if (strncmp(buf, "cowbench-phase ", 15))
			continue;
		recs++;
		char *save = NULL;
		for (char *tok = strtok_r(buf + 15, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			char *eq = strchr(tok, '=');
			if (!eq)
				continue;
			*eq = '\0';
			for (size_t i = 0; i < CB_ARRAY_SIZE(counters); i++)
				if (!strcmp(tok, counters[i]) && int_field(eq + 1, &v))
					meas_add(m, counters[i], v);
		}
	}
	meas_set(m, "phase_records", recs);
}

/* A query-stats reply: {"return": [{"provider": ..., "stats": [{"name":
 * N, "value": V}, ...]}, ...]}; a histogram's value is an array (its
 * buckets add up to the events it counted). */
static size_t qmp_stats(const char *dir, const char *target, const char *run, struct meas *m,
			struct csv_writer *stats)
{
	char file[64];
	snprintf(file, sizeof(file), "query-stats-%s.json", target);
	char *path = cb_path_join(dir, file);
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	if (!j)
		cb_die(1, me, "%s: line %d: %s", path, je.line, je.text);
	json_t *err = json_object_get(j, "error");
	if (err)
		cb_die(1, me, "query-stats %s: %s", target,
		       json_string_value(json_object_get(err, "desc")) ?: "an error reply");
	size_t n = 0, i, k;
	json_t *prov, *st;
	json_array_foreach(json_object_get(j, "return"), i, prov) {
		json_array_foreach(json_object_get(prov, "stats"), k, st) {
			const char *name = json_string_value(json_object_get(st, "name"));
			json_t *val = json_object_get(st, "value"), *x;
			int64_t v = 0;
			size_t b;
			if (!name)
				continue;
			if (json_is_integer(val))
				v = json_integer_value(val);
			else if (json_is_array(val))
				json_array_foreach(val, b, x) v += json_integer_value(x);
			else if (json_is_boolean(val))
				v = json_is_true(val);
			else
				continue;
			/* vm and vCPU statistics of one name add up (one vCPU here). */
			meas_add(m, name, v);
			csv_str(stats, "qemu");
			csv_str(stats, run);
			csv_str(stats, target);
			csv_str(stats, name);
			csv_i64(stats, v);
			csv_end_row(stats);
			n++;
		}
	}
	json_decref(j);
	free(path);
	return n;
}

void xcheck_read_qemu(const char *dir, const char *run, struct meas *m, struct csv_writer *stats)
{
	size_t text_len, exit_len;
	char *text = slurp(dir, "debugcon.log", &text_len);
	char *exitb = slurp(dir, "exit.bin", &exit_len);
	if (!exit_len)
		cb_die(1, me, "%s run: the guest never wrote its exit port", run);
	int64_t byte = (unsigned char)exitb[0], status = byte;
	debugcon(text, m, &status);
	meas_set(m, "guest_status", status);
	int64_t t0 = epoch_ns(dir, "t0");
	meas_set(m, "startup_ns", epoch_ns(dir, "first") - t0);
	meas_set(m, "wall_ns", epoch_ns(dir, "end") - t0);
	if (qmp_stats(dir, "vm", run, m, stats) + qmp_stats(dir, "vcpu", run, m, stats) == 0)
		cb_die(1, me, "QEMU returned no KVM statistics (query-stats needs QEMU 7.1 or newer)");
	/* Every debugcon byte was one OUT, so one exit; plus the exit port's. */
	meas_set(m, "transport_exits", (int64_t)text_len + 1);
	meas_exits_net(m);
	free(text);
	free(exitb);
	if (status != 0 || byte != status) {
		char *log = cb_path_join(dir, "debugcon.log");
		xcheck_show_tail(log, 5);
		free(log);
		cb_die(1, me, "%s run: the guest exited with status %lld (exit port byte %lld)", run,
		       (long long)status, (long long)byte);
	}
}

/* --- cowbench vm --- */

static struct csv_table *load(const char *dir, const char *file)
{
	char sub[512];
	snprintf(sub, sizeof(sub), "%s/out/%s", dir, file);
	cb_error e;
	struct csv_table *t = csv_read(sub, &e);
	if (!t)
		cb_die(1, me, "%s", e.msg);
	return t;
}

static int col(const struct csv_table *t, const char *name, const char *file)
{
	int c = csv_col(t, name);
	if (c < 0)
		cb_die(1, me, "%s: no column '%s'", file, name);
	return c;
}

static int64_t num(const struct csv_table *t, size_t row, int c, const char *file)
{
	int64_t v;
	const char *f = csv_get(t, row, c);
	if (!int_field(f, &v))
		cb_die(1, me, "%s: row %zu: column %s: '%s' is not an integer", file, row + 1,
		       t->header[c], f);
	return v;
}

void xcheck_read_cowbench(const char *dir, const char *run, const char *scope_phase,
			  const struct meas *qemu_has, struct meas *m, struct csv_writer *stats)
{
	struct csv_table *boots = load(dir, "vm-boots.csv"), *vm = load(dir, "vm.csv"),
			 *st = load(dir, "vm-stats.csv");
	if (!boots->nrows || !vm->nrows)
		cb_die(1, me, "%s run: cowbench vm wrote no rows", run);
	meas_set(m, "guest_status", num(boots, 0, col(boots, "guest_status", "vm-boots.csv"),
					"vm-boots.csv"));
	meas_set(m, "startup_ns", num(boots, 0, col(boots, "boot_from_start_ns", "vm-boots.csv"),
				      "vm-boots.csv"));
	meas_set(m, "wall_ns", epoch_ns(dir, "end") - epoch_ns(dir, "t0"));
	snprintf(m->mmu, sizeof(m->mmu), "%s", csv_get(vm, 0, col(vm, "mmu", "vm.csv")));

	/* The guest counters, summed over the phase rows in scope. */
	int vphase = col(vm, "phase", "vm.csv");
	int64_t recs = 0;
#define SUM(name, required) meas_set(m, #name, 0);
	CB_COUNTERS(SUM)
#undef SUM
	for (size_t r = 0; r < vm->nrows; r++) {
		if (scope_phase && strcmp(csv_get(vm, r, vphase), scope_phase))
			continue;
		recs++;
#define SUM(name, required) meas_add(m, #name, num(vm, r, col(vm, #name, "vm.csv"), "vm.csv"));
		CB_COUNTERS(SUM)
#undef SUM
	}
	meas_set(m, "phase_records", recs);

	/* The KVM statistics, cumulative ones only (an instant value summed
	 * over phases means nothing), and the transport: the VMM's own count
	 * of the exits it handled. */
	int sphase = col(st, "phase", "vm-stats.csv"), ssrc = col(st, "source", "vm-stats.csv"),
	    sstat = col(st, "stat", "vm-stats.csv"), sdelta = col(st, "delta", "vm-stats.csv"),
	    skind = csv_col(st, "kind");
	int64_t tx = 0;
	struct meas all = {0}; /* source,stat -> sum over every phase, for the stats file */
	for (size_t r = 0; r < st->nrows; r++) {
		const char *src = csv_get(st, r, ssrc), *stat = csv_get(st, r, sstat);
		int64_t d = num(st, r, sdelta, "vm-stats.csv");
		if (strcmp(src, "vmm")) {
			char key[256];
			snprintf(key, sizeof(key), "%s,%s", src, stat);
			meas_add(&all, key, d);
		}
		if (scope_phase && strcmp(csv_get(st, r, sphase), scope_phase))
			continue;
		if (!strcmp(src, "vmm")) {
			if (!strcmp(stat, "exits"))
				tx += d;
			continue;
		}
		const char *kind = skind >= 0 ? csv_get(st, r, skind) : "";
		if (*kind && strcmp(kind, "cumulative"))
			continue;
		meas_add(m, stat, d);
	}
	/* vm-stats.csv lists only statistics that changed: one QEMU has but
	 * absent here did not move. */
	int64_t v;
#define ZERO(name, in_vm_csv, required) \
	if (!meas_get(m, #name, &v) && meas_get(qemu_has, #name, &v)) \
		meas_set(m, #name, 0);
	CB_KVM_STATS(ZERO)
#undef ZERO
	meas_set(m, "transport_exits", tx);
	meas_exits_net(m);
	for (size_t i = 0; stats && i < all.n; i++) {
		char *comma = strchr(all.kv[i].name, ',');
		*comma = '\0';
		csv_str(stats, "cowbench");
		csv_str(stats, run);
		csv_str(stats, all.kv[i].name);
		csv_str(stats, comma + 1);
		csv_i64(stats, all.kv[i].v);
		csv_end_row(stats);
	}
	meas_free(&all);
	csv_free(boots);
	csv_free(vm);
	csv_free(st);
}
