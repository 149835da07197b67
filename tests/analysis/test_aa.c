/* The A/A table on synthetic runs with known answers: a time that goes as
 * the CPU probe to the power 0.5, runs in the fast state, the slow state,
 * and the fast state again.  The fit must find 0.5 and 0, the fitted mix
 * must make the runs agree where raw time does not, and spread, coverage
 * and the same-state pairs must be what those numbers give.  Also
 * norm.h's arithmetic. */
#include <sys/stat.h>
#include <unistd.h>

#include "aa.h"
#include "afile.h"
#include "check.h"
#include "csv.h"
#include "norm.h"

#define ROUNDS 6
#define PER 10

static const double fast = 1300, slow = 2800;

static void write_run(const char *dir, double cpu_state, unsigned salt)
{
	mkdir(dir, 0755);
	char *path = cb_path_join(dir, "host.csv");
	struct afile af;
	cb_error e;
	CHECK(afile_open(&af, path, &e) == 0);
	free(path);
	struct csv_writer w;
	csv_writer_init(&w, af.fp);
	static const char *const cols[] = {"primitive", "page_mode", "mem_bytes", "dirty_pages", "rep",
					   "round", "create_ns", "child_start_ns", "total_ns", "cow_ns",
					   "probe_cpu_ns", "probe_mem_ns", NULL};
	csv_header(&w, cols);
	static const struct {
		const char *prim;
		double base;
	} cfg[] = {{"fork", 100000}, {"vfork", 20000}};
	for (size_t c = 0; c < 2; c++) {
		for (int i = 0; i < ROUNDS * PER; i++) {
			/* the probe wobbles 1% around its state; memory speed is
			 * unrelated to the time; rounds differ by 1% in an order
			 * each run shuffles its own way */
			int r = i / PER + 1;
			double cpu = cpu_state * (1 + 0.01 * ((i % PER * 3) % 5 - 2));
			double mem = 1600 * (1 + 0.05 * ((i * 7 + (int)salt) % 3 - 1));
			double t = cfg[c].base * sqrt(cpu / fast) * (1 + 0.01 * ((r + (int)salt) % 3 - 1)) *
				   (1 + 0.001 * ((i * 11) % 5 - 2));
			csv_str(&w, cfg[c].prim);
			csv_str(&w, "4k");
			csv_u64(&w, 0);
			csv_u64(&w, 0);
			csv_u64(&w, (uint64_t)i);
			csv_u64(&w, (uint64_t)(i / PER + 1));
			csv_double(&w, t);
			csv_double(&w, 2 * t);
			csv_double(&w, 3 * t);
			csv_double(&w, 50);
			csv_double(&w, cpu);
			csv_double(&w, mem);
			csv_end_row(&w);
		}
	}
	CHECK(afile_commit(&af, &e) == 0);
}

static const struct aa_row *row(const struct aa_table *t, const char *cfg, const char *metric,
				enum aa_variant v)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].config, cfg) && !strcmp(t->rows[i].metric, metric) &&
		    t->rows[i].variant == v)
			return &t->rows[i];
	return NULL;
}

int main(void)
{
	/* norm.h: the reference speed is the identity, a probe twice as slow
	 * halves what its exponent lets it, and what is missing is NaN */
	CHECK_NEAR(norm_value("create_ns", 1000, NORM_REF_CPU_NS, NORM_REF_MEM_NS), 1000, 1e-9);
	CHECK(isnan(norm_value("create_ns", NAN, 1000, 1000)));
	CHECK(isnan(norm_value("create_ns", 1000, NAN, NAN)));
	CHECK(isnan(norm_value("create_ns", 1000, 0, 0)));
	CHECK(isnan(norm_value("minflt", 1000, 1000, 1000)));
	CHECK_STR(norm_metric_name("create_ns"), "create_norm");
	CHECK_STR(norm_metric_name("cow_ns"), "cow_norm");
	CHECK(norm_metric_name("cow_faults") == NULL);
	double one = norm_value("create_ns", 1000, NORM_REF_CPU_NS, NORM_REF_MEM_NS);
	double two = norm_value("create_ns", 1000, 2 * NORM_REF_CPU_NS, 2 * NORM_REF_MEM_NS);
	CHECK(two < one && two >= one / 2); /* slower probes, smaller normalized time */
	/* the CPU exponent falls with the time: a short create follows the
	 * probe more than a long one, and the two ends are where norm.c puts
	 * them (0.65 up to 20 us, 0.38 from 4 ms on) */
	double half = 2 * NORM_REF_CPU_NS;
	CHECK_NEAR(norm_value("create_ns", 10e3, half, NAN), 10e3 * pow(0.5, 0.65), 1e-6);
	CHECK_NEAR(norm_value("create_ns", 10e6, half, NAN), 10e6 * pow(0.5, 0.38), 1e-3);
	double mid = norm_value("create_ns", 300e3, half, NAN) / 300e3;
	CHECK(mid > pow(0.5, 0.65) && mid < pow(0.5, 0.38));
	/* ... yet a longer raw time is never a shorter normalized one */
	double prev = 0;
	for (double t = 1e3; t < 1e8; t *= 1.1) {
		double v = norm_value("total_ns", t, half, NAN);
		CHECK(v > prev);
		prev = v;
	}
	for (size_t i = 0; norm_raw_metrics[i]; i++)
		CHECK(norm_metric_name(norm_raw_metrics[i]) != NULL);

	char tmpl[] = "/tmp/cowbench-aa-XXXXXX";
	const char *top = mkdtemp(tmpl);
	CHECK(top != NULL);
	if (!top)
		return check_done();
	char d[3][256];
	const double state[3] = {fast, slow, fast};
	for (int i = 0; i < 3; i++) {
		snprintf(d[i], sizeof(d[i]), "%s/run-%d", top, i + 1);
		write_run(d[i], state[i], (unsigned)i);
	}
	const char *dirs[] = {d[0], d[1], d[2]};
	struct aa_table t;
	cb_error e;
	CHECK(aa_table_build(dirs, 1, true, &t, &e) < 0); /* one run compares with nothing */
	CHECK(aa_table_build(dirs, 3, true, &t, &e) == 0);
	if (t.nrows == 0)
		return check_done();
	/* the fit finds the exponents the data were made with */
	CHECK_NEAR(t.fit_cpu[0], 0.5, 0.02);
	CHECK_NEAR(t.fit_mem[0], 0, 0.02);
	/* states: runs 1 and 3 fast, run 2 slow, two together */
	CHECK(t.states[0].k == 1 && t.states[1].k == 1 && t.pooled.k == 2);
	CHECK_NEAR(t.pooled.center[0], fast, 0.02 * fast);
	CHECK_NEAR(t.pooled.center[1], slow, 0.02 * slow);

	const struct aa_row *raw = row(&t, "fork/4k/mem=0/dirty=0", "create_ns", AA_RAW);
	const struct aa_row *fit = row(&t, "fork/4k/mem=0/dirty=0", "create_ns", AA_FIT);
	CHECK(raw && fit);
	if (raw && fit) {
		/* raw: the slow run sits sqrt(2800/1300) above the others */
		CHECK_NEAR(raw->spread, sqrt(slow / fast), 0.02);
		CHECK_EQ_U64(raw->pairs, 6);
		CHECK_EQ_U64(raw->covered, 2); /* runs 1 and 3 cover each other, 2 nobody */
		/* only runs 1 and 3 sat in one state */
		CHECK_EQ_U64(raw->same_pairs, 2);
		CHECK_EQ_U64(raw->same_covered, 2);
		CHECK(raw->cells[0].state == 0 && raw->cells[1].state == 1);
		/* the fitted mix undoes the slowdown */
		CHECK(fit->spread < 1.01);
		CHECK_EQ_U64(fit->covered, 6);
		/* every cell: median inside its own interval, 6 rounds */
		for (int i = 0; i < 3; i++) {
			CHECK(raw->cells[i].ci_lo <= raw->cells[i].median &&
			      raw->cells[i].median <= raw->cells[i].ci_hi);
			CHECK_EQ_U64(raw->cells[i].nrounds, ROUNDS);
		}
	}
	/* the fast-state variant keeps only fast samples: nothing in run 2 */
	const struct aa_row *fastrow = row(&t, "fork/4k/mem=0/dirty=0", "create_ns", AA_FAST);
	CHECK(fastrow && isnan(fastrow->cells[1].median) && isnan(fastrow->spread));
	char csv[300];
	snprintf(csv, sizeof(csv), "%s/aa.csv", top);
	CHECK(aa_table_write_csv(&t, csv, &e) == 0);
	struct csv_table *c = csv_read(csv, &e);
	CHECK(c && c->nrows == t.nrows * 3);
	csv_free(c);
	FILE *out = fopen("/dev/null", "w");
	aa_table_print(&t, out);
	fclose(out);
	aa_table_free(&t);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	CHECK(system(cmd) == 0);
	return check_done();
}
