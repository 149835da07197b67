/* cowbench history's outputs: history.csv and history.md with a timeline
 * per metric family (check), and the exports for Apache Otava and Bencher. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "bench.h"
#include "csv.h"
#include "fmt.h"
#include "gp.h"
#include "history.h"
#include "stats.h"
#include "verdict.h"

/* A metric family: one kind ("host", "vm") and one metric. */
static void family_of(const struct hseries *s, char *buf, size_t len)
{
	const char *slash = strchr(s->bench, '/');
	int kl = slash ? (int)(slash - s->bench) : (int)strlen(s->bench);
	snprintf(buf, len, "%.*s-%s", kl, s->bench, s->metric);
}

static int write_csv(const struct hist *h, const char *dir, cb_error *e)
{
	char *path = cb_path_join(dir, "history.csv");
	struct afile af;
	int rc = afile_open(&af, path, e);
	free(path);
	if (rc < 0)
		return -1;
	struct csv_writer w;
	csv_writer_init(&w, af.fp);
	static const char *const cols[] = {"benchmark", "metric", "index", "run", "before", "after",
					   "change", "p", "gated", NULL};
	csv_header(&w, cols);
	for (size_t i = 0; i < h->ns; i++)
		for (size_t c = 0; c < h->s[i].ncp; c++) {
			const struct hchange *hc = &h->s[i].cp[c];
			csv_str(&w, h->s[i].bench);
			csv_str(&w, h->s[i].metric);
			csv_u64(&w, hc->index);
			csv_str(&w, h->runs[hc->index].run_id);
			csv_double(&w, hc->before);
			csv_double(&w, hc->after);
			csv_double(&w, hc->before != 0 ? hc->after / hc->before - 1 : NAN);
			csv_double(&w, hc->p);
			csv_str(&w, hc->gated ? "true" : "false");
			csv_end_row(&w);
		}
	return afile_commit(&af, e);
}

/* One family's timeline: every series relative to its own median over the
 * history (so configurations microseconds and milliseconds apart share an
 * axis), grey; the series with change points in colour, each change point
 * marked where it happened. */
/* A series' median over the history; NaN when it has no positive value
 * (a log axis cannot draw it). */
static double series_median(const struct hist *h, const struct hseries *se)
{
	double *v = cb_xmalloc((h->nruns + 1) * sizeof(*v));
	size_t n = 0;
	for (size_t r = 0; r < h->nruns; r++)
		if (se->value[r] > 0)
			v[n++] = se->value[r];
	struct stats_summary st;
	stats_summarize(v, n, &st);
	free(v);
	return st.median > 0 ? st.median : NAN;
}

static bool in_family(const struct hseries *se, const char *fam)
{
	char f[160];
	family_of(se, f, sizeof(f));
	return !strcmp(f, fam);
}

static int family_plot(const struct hist *h, const char *plots, const char *fam, bool *drawn,
		       cb_error *e)
{
	*drawn = false;
	for (size_t i = 0; i < h->ns && !*drawn; i++)
		*drawn = in_family(&h->s[i], fam) && !isnan(series_median(h, &h->s[i]));
	if (!*drawn)
		return 0; /* every value 0 (a counter that never moved): nothing to draw */
	struct gp_plot p;
	char name[160], what[200];
	snprintf(name, sizeof(name), "history-%s", fam);
	snprintf(what, sizeof(what), "%s over the history, relative to each series' median", fam);
	if (gp_open(&p, plots, name, what, 1100, 620, e) < 0)
		return -1;
	FILE *s = gp_script(&p);
	fputs("set title ", s);
	char title[300];
	snprintf(title, sizeof(title), "%s: %zu runs of %s\n(each line: one configuration, "
		 "relative to its median; marks: change points)", fam, h->nruns, h->cls);
	gp_quote(s, title);
	fputs("\nset logscale y\nset xlabel \"run (in the order added)\"\n"
	      "set ylabel \"value / the series' median (log scale)\"\n"
	      "set key outside bottom center horizontal font \",9\"\nset grid ytics\n", s);
	fprintf(s, "set xrange [-0.5:%g]\nset xtics 1\n", (double)h->nruns - 0.5);
	const char *sep = "plot ";
	for (size_t i = 0; i < h->ns; i++) {
		const struct hseries *se = &h->s[i];
		double med = series_median(h, se);
		if (!in_family(se, fam) || isnan(med))
			continue;
		int blk = gp_block(&p, se->bench);
		for (size_t r = 0; r < h->nruns; r++)
			if (se->value[r] > 0)
				fprintf(gp_data(&p), "%zu %g\n", r, se->value[r] / med);
		if (!se->ncp) {
			fprintf(s, "%sdat index %d using 1:2 with lines lw 1 lc rgb \"#cccccc\" notitle", sep, blk);
		} else {
			fprintf(s, "%sdat index %d using 1:2 with linespoints lw 2 pt 7 ps 0.6 title ", sep, blk);
			gp_quote(s, se->bench);
			int cb = gp_block(&p, "change points: index, value / median");
			for (size_t c = 0; c < se->ncp; c++)
				fprintf(gp_data(&p), "%zu %g\n", se->cp[c].index,
					se->value[se->cp[c].index] / med);
			fprintf(s, ", \\\n  dat index %d using 1:2 with points pt 6 ps 2.5 lw 2 lc rgb \"#d62728\" notitle", cb);
		}
		sep = ", \\\n  ";
	}
	fputc('\n', s);
	return gp_render(&p, e);
}

static int write_md(const struct hist *h, const char *dir, const char **fams, size_t nfams,
		    double max_p, double threshold, cb_error *e)
{
	char *path = cb_path_join(dir, "history.md");
	struct afile af;
	int rc = afile_open(&af, path, e);
	free(path);
	if (rc < 0)
		return -1;
	FILE *f = af.fp;
	size_t all, worse, listed;
	hist_tally(h, &all, &worse, &listed);
	fprintf(f, "## cowbench history: %s %s\n\n**%zu change point%s**, %zu making a gated metric "
		   "worse (and %zu more making one worse, listed), in %zu series over %zu runs.\n\n",
		worse ? "\u274c" : "\u2705", h->cls, all, all == 1 ? "" : "s", worse, listed, h->ns,
		h->nruns);
	fprintf(f, "Change points by E-Divisive means with a t-test (as Apache Otava finds them) on "
		   "each benchmark's run medians (log scale for times), kept when p < %g (Bonferroni "
		   "over the splits tried) and the metric moved by more than %g%% (and, for event "
		   "counts, by at least one event). `index` is the first run after the change. "
		   "Gated, deciding the exit status: families (an operation's metric over all its "
		   "configurations, the series of their median change) and event counts; one "
		   "configuration's times are listed, not gated (their run medians have heavy tails "
		   "and drift with the machine). Of a family's raw time and its speed-normalized "
		   "form one gates, by compare's rule: the normalized one unless its configurations "
		   "move from run to run over %g times as much as the raw ones; the other is "
		   "listed.\n",
		max_p, threshold * 100, VERDICT_NORM_SLACK);
	if (all) {
		fputs("\n| benchmark | metric | index | run | before | after | change | p | gated |\n"
		      "|---|---|---:|---|---:|---:|---:|---:|---|\n", f);
		for (size_t i = 0; i < h->ns; i++)
			for (size_t c = 0; c < h->s[i].ncp; c++) {
				const struct hchange *hc = &h->s[i].cp[c];
				char b[32], a[32], ch[32];
				bool ns = !h->s[i].count;
				fprintf(f, "| %s | %s | %zu | %s | %s | %s | %s%s | %.2g | %s |\n", h->s[i].bench,
					h->s[i].metric, hc->index, h->runs[hc->index].run_id,
					ns ? fmt_ns(hc->before, b, sizeof(b)) : fmt_num(hc->before, b, sizeof(b)),
					ns ? fmt_ns(hc->after, a, sizeof(a)) : fmt_num(hc->after, a, sizeof(a)),
					fmt_change(hc->after / hc->before - 1, ch, sizeof(ch)),
					hc->worse ? " (worse)" : "", hc->p, hc->gated ? "yes" : "listed");
			}
	}
	fputs("\n### Runs\n\n| index | run | commit | date |\n|---:|---|---|---|\n", f);
	for (size_t r = 0; r < h->nruns; r++)
		fprintf(f, "| %zu | %s | %s | %s |\n", r, h->runs[r].run_id, h->runs[r].commit,
			h->runs[r].date);
	fputs("\n### Timelines\n", f);
	for (size_t i = 0; i < nfams; i++)
		fprintf(f, "\n![%s](plots/history-%s.png)\n\n[SVG](plots/history-%s.svg)\n", fams[i],
			fams[i], fams[i]);
	return afile_commit(&af, e);
}

int hist_write(const struct hist *h, const char *dir, double max_p, double threshold, cb_error *e)
{
	if (write_csv(h, dir, e) < 0)
		return -1;
	char *plots = cb_path_join(dir, "plots");
	if (cb_make_out_dir(plots, e) < 0) {
		free(plots);
		return -1;
	}
	/* families in first-seen order */
	char **fams = cb_xcalloc(h->ns + 1, sizeof(*fams));
	size_t nf = 0;
	for (size_t i = 0; i < h->ns; i++) {
		char f[160];
		family_of(&h->s[i], f, sizeof(f));
		bool seen = false;
		for (size_t k = 0; k < nf && !seen; k++)
			seen = !strcmp(fams[k], f);
		if (!seen)
			fams[nf++] = cb_xstrdup(f);
	}
	int rc = 0;
	const char **drawn = cb_xcalloc(nf + 1, sizeof(*drawn));
	size_t nd = 0;
	for (size_t k = 0; k < nf && rc == 0; k++) {
		bool yes;
		rc = family_plot(h, plots, fams[k], &yes, e);
		if (yes)
			drawn[nd++] = fams[k];
	}
	if (rc == 0)
		rc = write_md(h, dir, drawn, nd, max_p, threshold, e);
	free(drawn);
	for (size_t k = 0; k < nf; k++)
		free(fams[k]);
	free(fams);
	free(plots);
	return rc;
}

/* --- exports --- */

static int write_text(const char *path, const char *text, cb_error *e)
{
	if (!strcmp(path, "-")) {
		fputs(text, stdout);
		return 0;
	}
	return afile_write_all(path, text, strlen(text), e);
}

/* Both exports: every configuration's series and the families that gate
 * (not the `off` one of a raw/normalized pair).
 * Otava's CSV importer: a time column, attribute columns, then one column
 * per metric (here "benchmark/metric"), a row per run. */
static int export_otava(const struct hist *h, const char *path, cb_error *e)
{
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	struct csv_writer w;
	csv_writer_init(&w, f);
	csv_str(&w, "time");
	csv_str(&w, "run");
	csv_str(&w, "commit");
	for (size_t i = 0; i < h->ns; i++) {
		if (h->s[i].off)
			continue;
		char name[600];
		snprintf(name, sizeof(name), "%s/%s", h->s[i].bench, h->s[i].metric);
		csv_str(&w, name);
	}
	csv_end_row(&w);
	for (size_t r = 0; r < h->nruns; r++) {
		csv_str(&w, h->runs[r].date);
		csv_str(&w, h->runs[r].run_id);
		csv_str(&w, h->runs[r].commit);
		for (size_t i = 0; i < h->ns; i++)
			if (!h->s[i].off)
				csv_double(&w, h->s[i].value[r]);
		csv_end_row(&w);
	}
	fclose(f);
	int rc = write_text(path, buf, e);
	free(buf);
	return rc;
}

/* One Bencher Metric Format object per run, with the run's identity
 * beside it: [{"run", "commit", "date", "class", "results": BMF}]. */
static int export_bmf(const struct hist *h, const char *path, cb_error *e)
{
	json_t *arr = json_array();
	for (size_t r = 0; r < h->nruns; r++) {
		json_t *res = json_object();
		for (size_t i = 0; i < h->ns; i++) {
			const struct hseries *s = &h->s[i];
			if (isfinite(s->value[r]) && !s->off)
				bmf_put(res, s->bench, s->metric, s->value[r], s->lo[r], s->hi[r]);
		}
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:o}", "run", h->runs[r].run_id,
						     "commit", h->runs[r].commit, "date", h->runs[r].date,
						     "class", h->cls, "results", res));
	}
	char *text = cb_json_text(arr, JSON_REAL_PRECISION(10));
	json_decref(arr);
	if (!text) {
		cb_error_set(e, "cannot write %s: text that is not UTF-8", path);
		return -1;
	}
	int rc = write_text(path, text, e);
	free(text);
	return rc;
}

int hist_export(const struct hist *h, const char *format, const char *path, cb_error *e)
{
	return !strcmp(format, "bmf") ? export_bmf(h, path, e) : export_otava(h, path, e);
}
