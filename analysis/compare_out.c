/* compare's outputs: the Markdown verdict (for people and
 * $GITHUB_STEP_SUMMARY) and two JSON formats for benchmark dashboards:
 *   bench.json  github-action-benchmark, tool customSmallerIsBetter: an
 *               array of {"name", "unit", "value", "range", "extra"};
 *   bmf.json    Bencher Metric Format: {"<benchmark>": {"<measure>":
 *               {"value", "lower_value", "upper_value"}}}.
 * Both describe the new run (what a dashboard tracks over time), with the
 * median as the value and its 95% CI as the range; and each family (with
 * a baseline of several runs), benchmark "host/fork" say, whose value is
 * the base runs' family level times the change the family test found, and
 * whose range is that change's interval at the same level: the one line
 * per operation that the gate decides on. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "bench.h"
#include "compare.h"
#include "fmt.h"

static const char *value_text(const struct cmp_row *r, double v, char *buf, size_t len)
{
	return strcmp(r->unit, "ns") ? fmt_num(v, buf, len) : fmt_ns(v, buf, len);
}

/* "+21.3% [+18.0%, +24.9%]": the change new/base - 1 and its interval. */
static const char *change_text(const struct verdict *v, char *buf, size_t len)
{
	char a[32], lo[32], hi[32];
	fmt_change(v->ratio - 1, a, sizeof(a));
	if (isnan(v->lo))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s [%s, %s]", a, fmt_change(v->lo - 1, lo, sizeof(lo)),
			 fmt_change(v->hi - 1, hi, sizeof(hi)));
	return buf;
}

static const char *mde_text(const struct verdict *v, char *buf, size_t len)
{
	if (v->count && v->base == 0)
		return "1 event"; /* from zero any event shows */
	if (isinf(v->mde) || isnan(v->mde))
		return "none";
	snprintf(buf, len, "%.3g%%", v->mde * 100);
	return buf;
}

/* The q column: "exact" for counts, a dash where nothing was tested. */
static const char *q_text(const struct verdict *v, char *buf, size_t len)
{
	if (v->count)
		return "exact";
	if (isnan(v->q))
		return "\u2014";
	snprintf(buf, len, "%.2g", v->q);
	return buf;
}

static void row_md(FILE *f, const struct cmp_row *r, bool with_verdict)
{
	char a[32], b[32], ch[96], q[32], mde[32];
	fputs("| ", f);
	fmt_md_cell(f, r->bench);
	fprintf(f, " | %s | %s | %s | %s | ", r->metric, value_text(r, r->v.base, a, sizeof(a)),
		value_text(r, r->v.new_, b, sizeof(b)), change_text(&r->v, ch, sizeof(ch)));
	fputs(q_text(&r->v, q, sizeof(q)), f);
	fprintf(f, " | %s | %zu (%zu run%s) / %zu | ", mde_text(&r->v, mde, sizeof(mde)), r->v.nb,
		r->v.runs, r->v.runs == 1 ? "" : "s", r->v.nn);
	if (with_verdict)
		fprintf(f, "%s: ", r->gated ? verdict_name(r->v.kind) : "listed, not gated");
	fmt_md_cell(f, r->v.why);
	fputs(" |\n", f);
}

static const char *const cols[] = {"benchmark", "metric", "base", "new", "change [95% CI]",
				   "q (BH)", "MDE", "units base / new", "why", NULL};

static void head(FILE *f)
{
	fputc('\n', f);
	for (size_t i = 0; cols[i]; i++)
		fprintf(f, "| %s ", cols[i]);
	fputs("|\n", f);
	for (size_t i = 0; cols[i]; i++)
		fputs(i >= 2 && i <= 7 ? "|---:" : "|---", f);
	fputs("|\n", f);
}

static const struct cmp_row **sorted(const struct cmp *c, enum verdict_kind kind, bool other,
				     size_t *n)
{
	const struct cmp_row **v = cb_xcalloc(c->n + 1, sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct cmp_row *r = &c->rows[i];
		if (!r->matched)
			continue;
		bool take = other ? !r->gated || r->v.kind == VERDICT_UNCHANGED ||
					    r->v.kind == VERDICT_NOISY
				  : r->gated && r->v.kind == kind;
		if (take)
			v[(*n)++] = r;
	}
	/* biggest change first among regressions/improvements; file order
	 * (configuration order) for the rest */
	if (!other)
		for (size_t i = 1; i < *n; i++)
			for (size_t j = i; j > 0 && fabs(log(v[j - 1]->v.ratio)) < fabs(log(v[j]->v.ratio)); j--) {
				const struct cmp_row *t = v[j];
				v[j] = v[j - 1];
				v[j - 1] = t;
			}
	return v;
}

/* The family table (family.h): regressions, then improvements, then the
 * rest, each in the compare's order; brief: only the first two. */
static void families_md(FILE *f, const struct cmp *c, bool brief)
{
	static const enum verdict_kind order[] = {VERDICT_REGRESSED, VERDICT_IMPROVED,
						  VERDICT_NOISY, VERDICT_UNCHANGED};
	size_t shown = 0;
	for (size_t o = 0; o < CB_ARRAY_SIZE(order); o++)
		for (size_t i = 0; i < c->nfam; i++) {
			const struct cmp_family *m = &c->fam[i];
			if (m->v.kind != order[o] || (brief && o >= 2))
				continue;
			if (!shown++)
				fputs("\n### Families\n\n| family | metric | verdict | base | new | "
				      "change [95% CI] | q (BH) | MDE | configurations / base runs | why |\n"
				      "|---|---|---|---:|---:|---:|---:|---:|---:|---|\n",
				      f);
			char a[32], b[32], ch[96], q[32], mde[32];
			fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | %s | %zu / %zu | ", m->name,
				m->metric, verdict_name(m->v.kind), fmt_ns(m->v.base, a, sizeof(a)),
				fmt_ns(m->v.new_, b, sizeof(b)), change_text(&m->v, ch, sizeof(ch)),
				q_text(&m->v, q, sizeof(q)),
				mde_text(&m->v, mde, sizeof(mde)), m->nconf, m->v.nruns_used);
			fmt_md_cell(f, m->v.why);
			fputs(" |\n", f);
		}
}

static void section(FILE *f, const char *title, const struct cmp_row **v, size_t n)
{
	if (!n)
		return;
	fprintf(f, "\n### %s\n", title);
	head(f);
	for (size_t i = 0; i < n; i++)
		row_md(f, v[i], false);
}

void compare_markdown(const struct cmp *c, FILE *f, bool brief)
{
	const size_t *k = c->count;
	fprintf(f, "## cowbench compare: %s\n\n",
		c->gated ? "\u274c regression"
		: k[VERDICT_REGRESSED] ? "\u2705 no regression in event counts (time metrics not gated)"
				       : "\u2705 no significant regression");
	fprintf(f, "**%zu regressed**, %zu improved, %zu unchanged, %zu too noisy to tell",
		k[VERDICT_REGRESSED], k[VERDICT_IMPROVED], k[VERDICT_UNCHANGED], k[VERDICT_NOISY]);
	if (c->nob + c->non)
		fprintf(f, "; %zu configurations in one run only", c->nob + c->non);
	fputs(".\n\n", f);
	if (c->nfam)
		fprintf(f, "Families (one operation and metric over all its configurations): "
			   "**%zu regressed**, %zu improved, %zu unchanged, %zu too noisy to tell.\n\n",
			c->fam_count[VERDICT_REGRESSED], c->fam_count[VERDICT_IMPROVED],
			c->fam_count[VERDICT_UNCHANGED], c->fam_count[VERDICT_NOISY]);
	if (c->listed)
		fprintf(f, "Each time with a speed-normalized form (`create_norm` beside `create_ns`, "
			   "computed from the sample and the machine-state probe beside it) is gated on "
			   "whichever of the two the baseline shows steadier; the other is listed "
			   "(%zu of them), not gated.\n\n",
			c->listed);
	if (c->gate_counts)
		fprintf(f, "Gate: **event counts only** (`--gate counts`): %zu of the %zu regressions "
			   "are in counts and decide the verdict; time metrics are judged and listed "
			   "but do not fail the comparison, because on this machine class they drift "
			   "between runs by more than the threshold.\n\n",
			c->gated, k[VERDICT_REGRESSED]);
	const char *bc = run_meta_str(c->base[0].meta, "cowbench.commit");
	const char *nc = run_meta_str(c->new_.meta, "cowbench.commit");
	fprintf(f, "Base `%s` (%zu run%s, commit %s) \u2192 new `%s` (commit %s). Every metric is "
		   "smaller-is-better and compared on run-level units: round medians (run medians "
		   "for runs without rounds), so within-run noise cannot pass for a change. A time "
		   "**regressed** when its Benjamini\u2013Hochberg-adjusted p over the %zu time metrics "
		   "tested (q) is <= %g%s **and** the 95%% interval of new/base lies above +%g%%; "
		   "**unchanged** when that interval lies within \u00b1%g%%; otherwise **too noisy to "
		   "tell**. %s Event counts are compared as counts (more than one event, the base runs' "
		   "range and %g%% past every base run). MDE is the smallest slowdown this baseline could have detected for "
		   "the metric. A **family** is one operation's metric over every configuration: its change is the median "
		   "of theirs, judged against the base runs' own family medians, with Benjamini\u2013Hochberg over the "
		   "families; it sees what moves them all, a configuration's own test what moves it alone.\n",
		c->base_dir, c->nbase, c->nbase == 1 ? "" : "s", bc ? bc : "unknown", c->new_dir,
		nc ? nc : "unknown", c->tests, c->fdr_used,
		c->nfam ? " (half of --fdr; the families have the other half)" : "",
		c->o.threshold * 100, c->o.threshold * 100,
		c->nbase >= 2 ? "With several base runs, the test and the interval scale the change by "
				"the spread of the base runs' medians (a t prediction interval)."
			      : "With one base run its rounds cannot show how far a run moves from the "
				"next: that spread is borrowed across the compare's metrics (a robust "
				"scale of their changes), and families need a baseline of 3 or more runs.",
		c->o.threshold * 100);
	if (c->nnotes) {
		fputs("\n### Environment differences\n\n", f);
		for (size_t i = 0; i < c->nnotes; i++)
			fprintf(f, "- %s`%s`\n", i < c->nfp ? "**machine fingerprint** (compared anyway, "
							      "--allow-env-change): " : "",
				c->notes[i]);
	}
	size_t nr, ni, no;
	const struct cmp_row **reg = sorted(c, VERDICT_REGRESSED, false, &nr);
	const struct cmp_row **imp = sorted(c, VERDICT_IMPROVED, false, &ni);
	const struct cmp_row **rest = sorted(c, 0, true, &no);
	families_md(f, c, brief);
	section(f, "Regressions", reg, nr);
	section(f, "Improvements", imp, ni);
	if (brief) {
		if (no)
			fprintf(f, "\n%zu more: %zu unchanged, %zu too noisy to tell, %zu listed.\n", no,
				k[VERDICT_UNCHANGED], k[VERDICT_NOISY], c->listed);
	} else if (no) {
		fprintf(f, "\n<details><summary>%zu unchanged, %zu too noisy to tell, %zu listed"
			   "</summary>\n",
			k[VERDICT_UNCHANGED], k[VERDICT_NOISY], c->listed);
		head(f);
		for (size_t i = 0; i < no; i++)
			row_md(f, rest[i], true);
		fputs("\n</details>\n", f);
	}
	if (c->nob + c->non) {
		if (brief)
			fprintf(f, "\nIn one run only (listed, not compared): %zu in base, %zu in new.\n",
				c->nob, c->non);
		else {
			fprintf(f, "\n<details><summary>%zu configurations in one run only (not "
				   "compared)</summary>\n\n",
				c->nob + c->non);
			for (size_t i = 0; i < c->nob; i++)
				fprintf(f, "- only in base: `%s`\n", c->only_base[i]);
			for (size_t i = 0; i < c->non; i++)
				fprintf(f, "- only in new: `%s`\n", c->only_new[i]);
			fputs("\n</details>\n", f);
		}
	}
	free(reg);
	free(imp);
	free(rest);
}

static json_t *bench_json(const struct cmp *c)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < c->n; i++) {
		const struct cmp_row *r = &c->rows[i];
		if (!isfinite(r->median))
			continue;
		json_t *o = json_object();
		char name[600], range[64], extra[640], ch[96], mde[32];
		snprintf(name, sizeof(name), "%s/%s", r->bench, r->metric);
		snprintf(range, sizeof(range), "\u00b1 %.6g", (r->ci_hi - r->ci_lo) / 2);
		if (r->matched)
			snprintf(extra, sizeof(extra),
				 "median of %zu samples, 95%% CI [%.6g, %.6g]\nbase %.6g (%zu runs), "
				 "change %s, q=%.2g, MDE %s: %s",
				 r->nsamples, r->ci_lo, r->ci_hi, r->v.base, r->v.runs,
				 change_text(&r->v, ch, sizeof(ch)), r->v.q,
				 mde_text(&r->v, mde, sizeof(mde)), verdict_name(r->v.kind));
		else
			snprintf(extra, sizeof(extra),
				 "median of %zu samples, 95%% CI [%.6g, %.6g]\nnot in the base run",
				 r->nsamples, r->ci_lo, r->ci_hi);
		json_object_set_new(o, "name", json_string(name));
		json_object_set_new(o, "unit", json_string(r->unit));
		json_object_set_new(o, "value", json_real(r->median));
		json_object_set_new(o, "range", json_string(range));
		json_object_set_new(o, "extra", json_string(extra));
		json_array_append_new(arr, o);
	}
	for (size_t i = 0; i < c->nfam; i++) {
		const struct cmp_family *m = &c->fam[i];
		if (!isfinite(m->v.new_))
			continue;
		char name[600], range[64], extra[400], ch[96], mde[32];
		snprintf(name, sizeof(name), "%s/%s", m->name, m->metric);
		snprintf(range, sizeof(range), "\u00b1 %.6g", m->v.base * (m->v.hi - m->v.lo) / 2);
		snprintf(extra, sizeof(extra),
			 "family: median change of %zu configurations against %zu base runs, "
			 "change %s, q=%.2g, MDE %s: %s",
			 m->nconf, m->v.runs, change_text(&m->v, ch, sizeof(ch)), m->v.q,
			 mde_text(&m->v, mde, sizeof(mde)), verdict_name(m->v.kind));
		json_array_append_new(arr, json_pack("{s:s,s:s,s:f,s:s,s:s}", "name", name, "unit",
						     "ns", "value", m->v.new_, "range", range,
						     "extra", extra));
	}
	return arr;
}

static json_t *bmf_json(const struct cmp *c)
{
	json_t *root = json_object();
	for (size_t i = 0; i < c->n; i++) {
		const struct cmp_row *r = &c->rows[i];
		if (isfinite(r->median))
			bmf_put(root, r->bench, r->metric, r->median, r->ci_lo, r->ci_hi);
	}
	for (size_t i = 0; i < c->nfam; i++) {
		const struct cmp_family *f = &c->fam[i];
		if (isfinite(f->v.new_))
			bmf_put(root, f->name, f->metric, f->v.new_, f->v.base * f->v.lo,
				f->v.base * f->v.hi);
	}
	return root;
}

static int write_json(const char *dir, const char *name, json_t *j, cb_error *e)
{
	char *path = cb_path_join(dir, name);
	int rc = afile_write_json(path, j, JSON_REAL_PRECISION(10), name, e);
	json_decref(j);
	free(path);
	return rc;
}

int compare_write(const struct cmp *c, const char *dir, cb_error *e)
{
	char *path = cb_path_join(dir, "verdict.md");
	struct afile af;
	int rc = afile_open(&af, path, e);
	free(path);
	if (rc < 0)
		return -1;
	compare_markdown(c, af.fp, false);
	if (afile_commit(&af, e) < 0)
		return -1;
	if (write_json(dir, "bench.json", bench_json(c), e) < 0)
		return -1;
	return write_json(dir, "bmf.json", bmf_json(c), e);
}
