/* cowbench history add|check|export: a project's runs over time in one
 * SQLite file, and the change points in them. */
#include "history.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "bench.h"
#include "ediv.h"
#include "family.h"
#include "gp.h"
#include "mclass.h"
#include "parse.h"
#include "run.h"
#include "stats.h"

#define HISTORY_DEFAULT_DB "results/history.sqlite"

static void usage(FILE *f)
{
	fputs("usage: cowbench history add [--db FILE] RUN_DIR...\n"
	      "       cowbench history check [--db FILE] [--class C] [--max-p P] [--threshold 5%]\n"
	      "                              --out DIR\n"
	      "       cowbench history export [--db FILE] [--class C] --format otava-csv|bmf\n"
	      "                               [--out FILE]\n"
	      "add: stores each run's round medians per benchmark and metric (computed from\n"
	      "  host.csv and vm.csv), keyed by machine class and run (date and host from\n"
	      "  meta.json), in the order added; a run already there is refused.  One\n"
	      "  transaction: on any error the file is left as it was.\n"
	      "check: E-Divisive means change points with a t-test (as Apache Otava) per\n"
	      "  benchmark and metric within one machine class (--class; needed when the file\n"
	      "  holds several); keeps those with p < --max-p (default 0.001, Bonferroni over\n"
	      "  the splits tried) that move the metric by more than --threshold.  Writes\n"
	      "  history.csv, history.md and plots/ (a timeline per metric family) into DIR.\n"
	      "  Exit 1 when a change point makes a gated metric worse: a family (one\n"
	      "  operation's metric over all its configurations, e.g. host/fork create_norm)\n"
	      "  or an event count; one configuration's times are listed, not gated, as is\n"
	      "  the raw or the speed-normalized form of a family, whichever compare's rule\n"
	      "  does not choose (the normalized one unless it moves more from run to run).\n"
	      "export: the class's run medians for Apache Otava (otava-csv) or Bencher (bmf),\n"
	      "  with the family series check gates (benchmark = the family, e.g. host/fork;\n"
	      "  a family's level is relative to the runs in the file, so a past run's value\n"
	      "  moves a little as runs are added).\n"
	      "--db defaults to " HISTORY_DEFAULT_DB ".  Exit 2 on bad input, including a file\n"
	      "that is not a cowbench history, is corrupt, or comes from a newer cowbench.\n",
	      f);
}

/* --- add --- */

static int add_units(struct hdb *db, long long seq, const struct run *r, cb_error *e)
{
	for (size_t k = 0; k < bench_nkinds; k++) {
		const struct bench_kind *kind = &bench_kinds[k];
		const struct csv_table *t = !strcmp(kind->name, "host") ? r->host : r->vm;
		if (!t)
			continue;
		struct grouping gr;
		grouping_build(&gr, t, kind->keys, NULL, NULL);
		int rc = 0;
		for (size_t i = 0; i < gr.n && rc == 0; i++) {
			const struct group *g = &gr.g[i];
			char *name = bench_name(kind, &gr, g);
			double *x = cb_xmalloc(g->nrows * sizeof(*x)), *u = cb_xmalloc(g->nrows * sizeof(*u));
			int *unit = cb_xmalloc(g->nrows * sizeof(*unit));
			for (const struct bench_metric *m = kind->metrics; m->name && rc == 0; m++) {
				if (!bench_samples(kind, &gr, g, m, x, unit))
					continue;
				size_t nu = bench_units(x, unit, g->nrows, u);
				for (size_t j = 0; j < nu && rc == 0; j++)
					rc = hdb_add_unit(db, seq, name, m->name, (int)j, u[j], e);
			}
			free(x);
			free(u);
			free(unit);
			free(name);
		}
		grouping_free(&gr);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int add_one(struct hdb *db, const char *dir, cb_error *e)
{
	struct run r;
	if (run_load(dir, &r, e) < 0)
		return -1;
	char cls[256], run_id[256];
	const char *date = run_meta_str(r.meta, "date_utc"), *host = run_meta_str(r.meta, "hostname");
	const char *commit = run_meta_str(r.meta, "cowbench.commit");
	int rc = -1;
	if (!r.meta)
		cb_error_set(e, "%s: no meta.json, so its machine class is unknown", dir);
	else if (mclass_from_meta(r.meta, cls, sizeof(cls), e) < 0)
		cb_error_set(e, "%s: meta.json has no fingerprint.cpu_brand (machine class unknown)", dir);
	else if (!date || !host)
		cb_error_set(e, "%s: meta.json has no date_utc or hostname (the run's identity)", dir);
	else {
		long long seq;
		snprintf(run_id, sizeof(run_id), "%s-%s", date, host);
		rc = hdb_add_run(db, cls, run_id, commit ? commit : "", date, &seq, e);
		if (rc == 0)
			rc = add_units(db, seq, &r, e);
		if (rc == 0)
			fprintf(stderr, "cowbench: history: added %s (%s, class %s)\n", dir, run_id, cls);
	}
	run_free(&r);
	return rc;
}

static int cmd_add(const char *path, int argc, char **argv)
{
	if (argc < 1)
		cb_die(CB_EXIT_USAGE, "history add", "needs at least one RUN_DIR (try --help)");
	cb_error e;
	struct hdb *db = hdb_open(path, true, &e);
	if (!db)
		cb_die_err(CB_EXIT_USAGE, "history add", &e);
	int rc = hdb_begin(db, &e);
	for (int i = 0; i < argc && rc == 0; i++)
		rc = add_one(db, argv[i], &e);
	if (rc == 0)
		rc = hdb_commit(db, &e);
	if (rc < 0) {
		hdb_rollback(db);
		bool created = hdb_created(db);
		hdb_close(db);
		if (created) /* no file for a history that never held a run */
			unlink(path);
		cb_die_err(CB_EXIT_USAGE, "history add", &e);
	}
	hdb_close(db);
	return 0;
}

/* --- the class's series --- */

struct loader {
	struct hist *h;
	char *bench, *metric;
	long long seq;
	double *units;
	size_t nunits, cap;
	cb_error *e;
};

static size_t run_index(const struct hist *h, long long seq)
{
	for (size_t i = 0; i < h->nruns; i++)
		if (h->runs[i].seq == seq)
			return i;
	return h->nruns;
}

static bool metric_is_count(const char *bench, const char *metric)
{
	for (size_t k = 0; k < bench_nkinds; k++) {
		size_t l = strlen(bench_kinds[k].name);
		if (strncmp(bench, bench_kinds[k].name, l) || bench[l] != '/')
			continue;
		for (const struct bench_metric *m = bench_kinds[k].metrics; m->name; m++)
			if (!strcmp(m->name, metric))
				return m->count;
	}
	return false;
}

/* The run median (and its interval over rounds) of the units gathered. */
static void flush_run(struct loader *l)
{
	if (!l->nunits)
		return;
	struct hseries *s = &l->h->s[l->h->ns - 1];
	size_t i = run_index(l->h, l->seq);
	struct stats_summary st;
	stats_summarize(l->units, l->nunits, &st);
	if (i < l->h->nruns) {
		s->value[i] = st.median;
		s->lo[i] = st.ci_lo;
		s->hi[i] = st.ci_hi;
	}
	l->nunits = 0;
}

static int load_unit(void *arg, const char *bench, const char *metric, long long seq, double v)
{
	struct loader *l = arg;
	struct hist *h = l->h;
	bool same = l->bench && !strcmp(l->bench, bench) && !strcmp(l->metric, metric);
	if (!same || seq != l->seq)
		flush_run(l);
	if (!same) {
		free(l->bench);
		free(l->metric);
		l->bench = cb_xstrdup(bench);
		l->metric = cb_xstrdup(metric);
		h->s = cb_xrealloc(h->s, (h->ns + 1) * sizeof(*h->s));
		struct hseries *s = &h->s[h->ns++];
		memset(s, 0, sizeof(*s));
		s->bench = cb_xstrdup(bench);
		s->metric = cb_xstrdup(metric);
		s->count = metric_is_count(bench, metric);
		s->value = cb_xmalloc((h->nruns + 1) * sizeof(double));
		s->lo = cb_xmalloc((h->nruns + 1) * sizeof(double));
		s->hi = cb_xmalloc((h->nruns + 1) * sizeof(double));
		for (size_t i = 0; i < h->nruns; i++)
			s->value[i] = s->lo[i] = s->hi[i] = NAN;
	}
	l->seq = seq;
	if (l->nunits == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->units = cb_xrealloc(l->units, l->cap * sizeof(double));
	}
	l->units[l->nunits++] = v;
	return 0;
}

int hist_load(struct hdb *db, const char *cls, struct hist *h, cb_error *e)
{
	memset(h, 0, sizeof(*h));
	h->cls = cb_xstrdup(cls);
	if (hdb_runs(db, cls, &h->runs, &h->nruns, e) < 0)
		return -1;
	struct loader l = {.h = h, .e = e};
	int rc = hdb_each_unit(db, cls, load_unit, &l, e);
	if (h->ns)
		flush_run(&l);
	free(l.bench);
	free(l.metric);
	free(l.units);
	return rc;
}

void hist_free(struct hist *h)
{
	for (size_t i = 0; i < h->ns; i++) {
		free(h->s[i].bench);
		free(h->s[i].metric);
		free(h->s[i].value);
		free(h->s[i].lo);
		free(h->s[i].hi);
		free(h->s[i].cp);
	}
	free(h->s);
	hdb_runs_free(h->runs, h->nruns);
	free(h->cls);
}

/* The series of family f, metric m: members[0..n) are its series. */
static void family_series(struct hist *h, const char *f, const char *m, const size_t *members,
			  size_t n)
{
	size_t nr = h->nruns;
	double *lm = cb_xmalloc((nr + 1) * n * sizeof(*lm)), *mean = cb_xmalloc(n * sizeof(*mean));
	double *e = cb_xmalloc((nr + 1) * sizeof(*e));
	for (size_t r = 0; r < nr; r++)
		for (size_t j = 0; j < n; j++) {
			double v = h->s[members[j]].value[r];
			lm[r * n + j] = v > 0 && isfinite(v) ? log(v) : NAN;
		}
	if (family_effects(lm, nr, nr, n, 2, mean, e) >= FAMILY_MIN_CONFIGS) {
		h->s = cb_xrealloc(h->s, (h->ns + 1) * sizeof(*h->s));
		struct hseries *fs = &h->s[h->ns++];
		memset(fs, 0, sizeof(*fs));
		fs->bench = cb_xstrdup(f);
		fs->metric = cb_xstrdup(m);
		fs->family = true;
		fs->value = cb_xmalloc((nr + 1) * sizeof(double));
		fs->lo = cb_xmalloc((nr + 1) * sizeof(double));
		fs->hi = cb_xmalloc((nr + 1) * sizeof(double));
		double level = exp(stats_median(mean, n));
		for (size_t r = 0; r < nr; r++) {
			fs->value[r] = level * exp(e[r]);
			fs->lo[r] = fs->hi[r] = NAN;
		}
	}
	free(lm);
	free(mean);
	free(e);
}

/* The runs in which a series has a value. */
static size_t runs_with_value(const struct hseries *s, size_t nruns)
{
	size_t n = 0;
	for (size_t r = 0; r < nruns; r++)
		n += s->value[r] > 0 && isfinite(s->value[r]);
	return n;
}

/* How far a series moves from one run to the next: the median |change of
 * log value| between runs that have one (NaN with fewer than two). */
static double run_to_run_spread(const struct hseries *s, size_t nruns, double *tmp)
{
	size_t n = 0;
	double prev = NAN;
	for (size_t r = 0; r < nruns; r++) {
		double v = s->value[r];
		if (!(v > 0) || !isfinite(v))
			continue;
		if (!isnan(prev))
			tmp[n++] = fabs(log(v) - prev);
		prev = log(v);
	}
	return n ? stats_median(tmp, n) : NAN;
}

/* The raw metric a normalized one rescales, or NULL. */
static const char *raw_sibling(const struct hseries *s)
{
	char kind[16];
	size_t l = strcspn(s->bench, "/");
	if (l >= sizeof(kind))
		return NULL;
	memcpy(kind, s->bench, l);
	kind[l] = '\0';
	const struct bench_kind *k = bench_kind_by_name(kind);
	const struct bench_metric *m = k ? bench_metric_by_name(k, s->metric) : NULL;
	return m ? m->raw : NULL;
}

/* The series sorted by (family, bench, metric), to find a sibling. */
static int by_name(const void *a, const void *b)
{
	const struct hseries *x = *(const struct hseries *const *)a;
	const struct hseries *y = *(const struct hseries *const *)b;
	if (x->family != y->family)
		return x->family - y->family;
	int c = strcmp(x->bench, y->bench);
	return c ? c : strcmp(x->metric, y->metric);
}

static struct hseries *find_series(struct hseries **idx, size_t n, bool family, const char *bench,
				   const char *metric)
{
	struct hseries key = {.bench = (char *)bench, .metric = (char *)metric, .family = family};
	const struct hseries *k = &key;
	struct hseries **hit = bsearch(&k, idx, n, sizeof(*idx), by_name);
	return hit ? *hit : NULL;
}

/* Per normalized metric, the evidence for gating it: the sum of n log
 * spread ratios normalized/raw. */
struct norm_evidence {
	const char *metric;
	double sum;
	size_t n;
};

/* The evidence of metric in ev[0..*n), a new entry when there is room
 * (NULL when there is not). */
static struct norm_evidence *evidence_of(struct norm_evidence *ev, size_t *n, size_t cap,
					 const char *metric, bool add)
{
	for (size_t k = 0; k < *n; k++)
		if (!strcmp(ev[k].metric, metric))
			return &ev[k];
	if (!add || *n == cap)
		return NULL;
	ev[*n] = (struct norm_evidence){metric, 0, 0};
	return &ev[(*n)++];
}

/* One of each raw/normalized pair of family series gates.  As compare
 * decides per metric over all its configurations' pairs, so does this,
 * over the configurations' series (many pairs; a family's own series are
 * too few to tell two spreads apart over a handful of runs). */
static void pick_gated_families(struct hist *h)
{
	struct hseries **idx = cb_xmalloc((h->ns + 1) * sizeof(*idx));
	for (size_t i = 0; i < h->ns; i++)
		idx[i] = &h->s[i];
	qsort(idx, h->ns, sizeof(*idx), by_name);
	double *tmp = cb_xmalloc((h->nruns + 1) * sizeof(*tmp));
	struct norm_evidence ev[16];
	size_t nev = 0;
	/* pass 0: the configurations' pairs give the evidence; pass 1: the
	 * families' pairs are decided by it */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < h->ns; i++) {
			struct hseries *norm = &h->s[i];
			const char *raw_name = norm->family == (pass == 1) ? raw_sibling(norm) : NULL;
			struct hseries *raw =
				raw_name ? find_series(idx, h->ns, pass == 1, norm->bench, raw_name)
					 : NULL;
			if (!raw)
				continue;
			struct norm_evidence *m =
				evidence_of(ev, &nev, CB_ARRAY_SIZE(ev), norm->metric, pass == 0);
			if (pass == 0) {
				double sn = run_to_run_spread(norm, h->nruns, tmp);
				double sr = run_to_run_spread(raw, h->nruns, tmp);
				if (m && sn > 0 && sr > 0) {
					m->sum += log(sn / sr);
					m->n++;
				}
				continue;
			}
			/* a normalized series missing from runs the raw one has
			 * (its probes failed there) would leave those runs ungated */
			bool use_norm = (!m || verdict_norm_gated(m->sum, m->n)) &&
					runs_with_value(norm, h->nruns) >= runs_with_value(raw, h->nruns);
			(use_norm ? raw : norm)->off = true;
		}
	free(tmp);
	free(idx);
}

void hist_add_families(struct hist *h)
{
	size_t ns = h->ns;
	char **fam = cb_xcalloc(ns + 1, sizeof(*fam));
	size_t *members = cb_xmalloc((ns + 1) * sizeof(*members));
	for (size_t i = 0; i < ns; i++)
		fam[i] = h->s[i].count ? NULL : bench_family_of(h->s[i].bench);
	for (size_t i = 0; i < ns; i++) {
		if (!fam[i])
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = fam[j] && !strcmp(fam[j], fam[i]) && !strcmp(h->s[j].metric, h->s[i].metric);
		if (seen)
			continue;
		size_t n = 0;
		for (size_t j = i; j < ns; j++)
			if (fam[j] && !strcmp(fam[j], fam[i]) && !strcmp(h->s[j].metric, h->s[i].metric))
				members[n++] = j;
		/* the strings outlive a move of h->s; only its entries move */
		family_series(h, fam[i], h->s[i].metric, members, n);
	}
	for (size_t i = 0; i < ns; i++)
		free(fam[i]);
	free(fam);
	free(members);
	pick_gated_families(h);
}

void hist_tally(const struct hist *h, size_t *all, size_t *worse, size_t *listed)
{
	size_t a = 0, w = 0, l = 0;
	for (size_t i = 0; i < h->ns; i++)
		for (size_t c = 0; c < h->s[i].ncp; c++) {
			const struct hchange *hc = &h->s[i].cp[c];
			a++;
			w += hc->worse && hc->gated;
			l += hc->worse && !hc->gated;
		}
	if (all)
		*all = a;
	if (worse)
		*worse = w;
	if (listed)
		*listed = l;
}

size_t hist_detect(struct hist *h, double max_p, double threshold)
{
	size_t worse = 0;
	double *z = cb_xmalloc((h->nruns + 1) * sizeof(*z));
	size_t *at = cb_xmalloc((h->nruns + 1) * sizeof(*at));
	struct ediv_cp *cp = cb_xmalloc((h->nruns + 1) * sizeof(*cp));
	for (size_t i = 0; i < h->ns; i++) {
		struct hseries *s = &h->s[i];
		/* times on the log scale, where run-to-run noise is a ratio;
		 * counts as they are (they may be 0) */
		size_t n = 0;
		for (size_t r = 0; r < h->nruns; r++) {
			double v = s->value[r];
			if (isnan(v) || (!s->count && !(v > 0)))
				continue;
			z[n] = s->count ? v : log(v);
			at[n++] = r;
		}
		struct ediv_opts o = {.max_p = max_p, .min_seg = 2};
		size_t ncp = ediv_change_points(z, n, &o, cp);
		s->cp = cb_xcalloc(ncp + 1, sizeof(*s->cp));
		for (size_t c = 0; c < ncp; c++) {
			double b = s->count ? cp[c].before : exp(cp[c].before);
			double a = s->count ? cp[c].after : exp(cp[c].after);
			double rel = b != 0 ? a / b - 1 : a > 0 ? INFINITY : 0;
			if (!(fabs(rel) > threshold) || (s->count && fabs(a - b) < 1))
				continue;
			struct hchange *hc = &s->cp[s->ncp++];
			*hc = (struct hchange){at[cp[c].index], b, a, cp[c].p, a > b,
					       (s->family && !s->off) || s->count};
			worse += hc->worse && hc->gated;
		}
	}
	free(z);
	free(at);
	free(cp);
	return worse;
}

/* --- the command --- */

static const char *pick_class(struct hdb *db, const char *want, cb_error *e, char **own)
{
	char **cls;
	size_t n;
	*own = NULL;
	if (hdb_classes(db, &cls, &n, e) < 0)
		return NULL;
	const char *pick = NULL;
	if (want) {
		for (size_t i = 0; i < n && !pick; i++)
			if (!strcmp(cls[i], want))
				pick = want;
		if (!pick)
			cb_error_set(e, "no runs of machine class '%s' in the history", want);
	} else if (n == 1) {
		pick = *own = cb_xstrdup(cls[0]);
	} else if (n == 0) {
		cb_error_set(e, "the history holds no runs");
	} else {
		char list[1024];
		size_t at = 0;
		for (size_t i = 0; i < n && at < sizeof(list); i++)
			at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s", i ? ", " : "", cls[i]);
		cb_error_set(e, "the history holds several machine classes (%s): name one with --class",
			     list);
	}
	for (size_t i = 0; i < n; i++)
		free(cls[i]);
	free(cls);
	return pick;
}

int history_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},	  {"class", required_argument, NULL, 'c'},
		{"out", required_argument, NULL, 'o'},	  {"format", required_argument, NULL, 'f'},
		{"max-p", required_argument, NULL, 'p'},  {"threshold", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},	  {0},
	};
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CB_EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "add") && strcmp(sub, "check") && strcmp(sub, "export"))
		cb_die(CB_EXIT_USAGE, "history", "unknown subcommand '%s' (add, check, export)", sub);
	const char *db_path = HISTORY_DEFAULT_DB, *want = NULL, *out = NULL, *format = NULL;
	double max_p = 0.001, threshold = 0.05;
	cb_error e;
	bool pct;
	int opt;
	/* the subcommand is argv[0] of what getopt sees; optind = 0, not 1:
	 * glibc then also forgets a "-xy" an earlier parse left half-read */
	argc--;
	argv++;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': db_path = optarg; break;
		case 'c': want = optarg; break;
		case 'o': out = optarg; break;
		case 'f': format = optarg; break;
		case 'p':
			if (parse_double(optarg, &max_p, &e) < 0 || !(max_p > 0 && max_p < 1))
				cb_die(CB_EXIT_USAGE, "--max-p", "'%s' is not between 0 and 1", optarg);
			break;
		case 't':
			if (parse_ratio(optarg, &threshold, &pct, &e) < 0 || !(threshold >= 0) ||
			    (!pct && threshold >= 1))
				cb_die(CB_EXIT_USAGE, "--threshold", "'%s' is not a fraction below 1 or a "
					"percentage", optarg);
			break;
		case 'h': usage(stdout); return 0;
		default: cb_die(CB_EXIT_USAGE, "history", "bad option (try --help)");
		}
	}
	if (!strcmp(sub, "add"))
		return cmd_add(db_path, argc - optind, argv + optind);
	if (optind != argc)
		cb_die(CB_EXIT_USAGE, "history", "unexpected argument '%s'", argv[optind]);
	bool check = !strcmp(sub, "check");
	if (check && !out)
		cb_die(CB_EXIT_USAGE, "history check", "needs --out DIR");
	if (!check && (!format || (strcmp(format, "otava-csv") && strcmp(format, "bmf"))))
		cb_die(CB_EXIT_USAGE, "history export", "--format must be otava-csv or bmf");
	if (check && gp_check_installed(&e) < 0)
		cb_die_err(CB_EXIT_USAGE, "gnuplot", &e);
	struct hdb *db = hdb_open(db_path, false, &e);
	if (!db)
		cb_die_err(CB_EXIT_USAGE, "history", &e);
	char *own;
	const char *cls = pick_class(db, want, &e, &own);
	if (!cls)
		cb_die_err(CB_EXIT_USAGE, "history", &e);
	struct hist h;
	if (hist_load(db, cls, &h, &e) < 0)
		cb_die_err(CB_EXIT_USAGE, "history", &e);
	hdb_close(db);
	free(own);
	int rc = 0;
	/* the family series are what check gates, so exports carry them too */
	hist_add_families(&h);
	if (check) {
		size_t worse = hist_detect(&h, max_p, threshold);
		if (cb_make_out_dir(out, &e) < 0)
			cb_die_err(CB_EXIT_USAGE, "--out", &e);
		if (hist_write(&h, out, max_p, threshold, &e) < 0)
			cb_die_err(CB_EXIT_FAIL, "history check", &e);
		size_t all, listed;
		hist_tally(&h, &all, NULL, &listed);
		printf("cowbench history: class %s, %zu runs, %zu series: %zu change point%s, %zu "
		       "making a gated metric worse (and %zu more making one worse, listed); "
		       "%s/history.md\n",
		       h.cls, h.nruns, h.ns, all, all == 1 ? "" : "s", worse, listed, out);
		rc = worse ? CB_EXIT_FAIL : 0;
	} else if (hist_export(&h, format, out ? out : "-", &e) < 0) {
		cb_die_err(CB_EXIT_FAIL, "history export", &e);
	}
	hist_free(&h);
	return rc;
}
