/* The cost model of fork recovers known coefficients from a synthetic
 * host.csv: sizes x page modes x mappings as the default sweep has them,
 * a known cost per term, 2% noise and a few samples spoiled 3x; rows the
 * model does not describe (other primitives, several threads) are left
 * out, and a run without the dimensions' columns reads as one thread and
 * one mapping. */
#include "check.h"
#include "fork_model.h"

static const double truth[FORK_TERM_COUNT] = {30000, 1200, 8, 150};

static double gauss(unsigned long long *st)
{
	double u[2];
	for (int i = 0; i < 2; i++) {
		*st = *st * 6364136223846793005ull + 1442695040888963407ull;
		u[i] = ((double)(*st >> 11) + 0.5) / 9007199254740992.0;
	}
	return sqrt(-2 * log(u[0])) * cos(2 * M_PI * u[1]);
}

/* One host.csv row's create_ns from the truth. */
static double cost(const char *mode, double bytes, double vmas, double huge)
{
	double pte = 0, pmd = 0;
	if (!strcmp(mode, "hugetlb2m"))
		pmd = bytes / (2 << 20);
	else if (strcmp(mode, "hugetlb1g"))
		pte = bytes / 4096 * (1 - huge), pmd = bytes / (2 << 20) * huge;
	return truth[0] + truth[1] * (bytes ? vmas : 0) + truth[2] * pte + truth[3] * pmd;
}

static char *synth(bool with_dims, size_t *rows)
{
	static const char *const modes[] = {"4k", "thp", "hugetlb2m", "hugetlb1g"};
	static const double sizes[] = {0, 16 << 20, 64 << 20, 256 << 20, 1 << 30};
	static const double vmas[] = {1, 16, 256};
	size_t cap = 1 << 20, at = 0;
	char *s = cb_xmalloc(cap);
	at += (size_t)snprintf(s, cap, "primitive,page_mode,mem_bytes,dirty_pages,%shuge_fraction,"
			       "create_ns\n", with_dims ? "writer,pattern,threads,vmas," : "");
	unsigned long long st = 11;
	*rows = 0;
	for (int m = 0; m < 4; m++)
		for (int z = 0; z < 5; z++)
			for (int v = 0; v < (with_dims ? 3 : 1); v++)
				for (int rep = 0; rep < 6; rep++) {
					const char *mode = modes[m];
					double bytes = sizes[z];
					if ((m == 3 && bytes != (1 << 30)) || (bytes == 0 && (m || v)))
						continue;
					double huge = m == 0 ? 0 : m == 1 ? 0.97 : 1;
					double y = cost(mode, bytes, vmas[v], huge) * (1 + 0.02 * gauss(&st));
					if (++*rows % 23 == 5)
						y *= 3;
					at += (size_t)snprintf(s + at, cap - at, "fork,%s,%.0f,0,", mode, bytes);
					if (with_dims)
						at += (size_t)snprintf(s + at, cap - at, "child,dense,1,%.0f,",
								       vmas[v]);
					at += (size_t)snprintf(s + at, cap - at, "%s,%.0f\n",
							       bytes ? (m == 1 ? "0.97" : m ? "1" : "0") : "", y);
				}
	if (with_dims) {
		/* not the model's: a threaded parent's fork, and a vfork */
		at += (size_t)snprintf(s + at, cap - at, "fork,4k,%d,0,child,dense,2,1,0,%d\n"
				       "vfork,4k,%d,0,child,dense,1,1,0,10\n",
				       1 << 30, 900000000, 1 << 30);
	}
	return s;
}

static void recovers(void)
{
	size_t rows;
	char *text = synth(true, &rows);
	cb_error e;
	struct csv_table *t = csv_parse(text, strlen(text), "host.csv", &e);
	CHECK(t != NULL);
	double x[FORK_TERM_COUNT], y;
	CHECK(!fork_model_row(t, t->nrows - 1, x, &y)); /* vfork */
	CHECK(!fork_model_row(t, t->nrows - 2, x, &y)); /* two threads */
	CHECK(fork_model_row(t, 0, x, &y));
	CHECK(x[FORK_TERM_BASE] == 1 && x[FORK_TERM_VMA] == 0); /* size 0: no region, no mapping */
	struct fork_model m;
	CHECK(fork_model_fit(t, &m, &e) == 0);
	CHECK_EQ_U64(m.fit.n, rows);
	CHECK(m.configs >= 20);
	for (int j = 0; j < FORK_TERM_COUNT; j++) {
		CHECK(m.fit.identified[j]);
		CHECK_NEAR(m.fit.coef[j], truth[j], 0.05 * truth[j]);
		CHECK(m.fit.ci_lo[j] <= truth[j] && truth[j] <= m.fit.ci_hi[j]);
	}
	char buf[256];
	fork_model_sentence(&m, buf, sizeof(buf));
	CHECK(strstr(buf, "fork here costs ") == buf);
	CHECK(strstr(buf, " per mapping + ") && strstr(buf, " per 4 KiB page + ") &&
	      strstr(buf, " per 2 MiB page"));
	printf("%s\n", buf);
	csv_free(t);
	free(text);
}

/* A run from before the dimensions reads as one mapping per region (the
 * per-mapping term is then only the step from no region to one, poorly
 * told apart from the base by a few size-0 samples); the page terms come
 * out the same. */
static void old_run(void)
{
	size_t rows;
	char *text = synth(false, &rows);
	cb_error e;
	struct csv_table *t = csv_parse(text, strlen(text), "host.csv", &e);
	struct fork_model m;
	CHECK(t && fork_model_fit(t, &m, &e) == 0);
	for (int j = FORK_TERM_PTE; j <= FORK_TERM_PMD; j++) {
		CHECK(m.fit.identified[j]);
		CHECK_NEAR(m.fit.coef[j], truth[j], 0.05 * truth[j]);
	}
	csv_free(t);
	free(text);
	/* too few configurations for four terms */
	const char *few = "primitive,page_mode,mem_bytes,dirty_pages,create_ns\n"
			  "fork,4k,0,0,100\nfork,4k,0,0,101\nfork,4k,4096,0,200\n";
	t = csv_parse(few, strlen(few), "host.csv", &e);
	CHECK(t && fork_model_fit(t, &m, &e) < 0);
	csv_free(t);
}

int main(void)
{
	recovers();
	old_run();
	return check_done();
}
