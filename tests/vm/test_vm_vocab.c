/* One vocabulary, one definition: what results/README.md lists, what
 * --help says and what the analysis keys on must match the lists the code
 * expands (common/cb_*.h, vmm/vm_dims.c).  Fails when one drifts. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "compare.h"
#include "csv.h"
#include "run.h"
#include "vm_dims.h"
#include "vm_store.h"

#define MAXN 128

struct names {
	char v[MAXN][48];
	size_t n;
};

/* Backticked names in cell `cell` (0 = first) of the table rows of the
 * README section "## <section>" that start with `row` ("| `": rows naming
 * columns), in order. */
static void documented(const char *readme, const char *section, const char *row, int cell,
		       struct names *out)
{
	char head[96];
	snprintf(head, sizeof(head), "\n## %s\n", section);
	out->n = 0;
	const char *p = strstr(readme, head);
	CHECK(p != NULL);
	if (!p)
		return;
	p += strlen(head);
	const char *end = strstr(p, "\n## ");
	for (const char *line = p; line && (!end || line < end); line = strchr(line + 1, '\n')) {
		const char *l = line + 1;
		if (strncmp(l, row, strlen(row)))
			continue;
		const char *c = l;
		for (int k = 0; k <= cell && c; k++)
			c = strchr(c + 1, '|');
		const char *start = l;
		for (int k = 0; k < cell && start; k++)
			start = strchr(start + 1, '|');
		if (!c || !start)
			continue;
		for (const char *q = start; (q = strchr(q, '`')) && q < c;) {
			const char *r = strchr(q + 1, '`');
			if (!r || r > c || out->n == MAXN)
				break;
			/* names only: `timing_valid=true` is prose */
			if (strspn(q + 1, "abcdefghijklmnopqrstuvwxyz0123456789_") == (size_t)(r - q - 1))
				snprintf(out->v[out->n++], sizeof(out->v[0]), "%.*s", (int)(r - q - 1),
					 q + 1);
			q = r + 1;
		}
	}
}

static void same_list(const char *what, const struct names *doc, const char *const *code,
		      size_t ncode)
{
	bool ok = doc->n == ncode;
	for (size_t i = 0; ok && i < ncode; i++)
		ok = !strcmp(doc->v[i], code[i]);
	CHECK(ok);
	if (ok)
		return;
	fprintf(stderr, "%s: results/README.md lists %zu names, the code %zu:\n", what, doc->n,
		ncode);
	for (size_t i = 0; i < doc->n || i < ncode; i++)
		fprintf(stderr, "  %-24s %s\n", i < doc->n ? doc->v[i] : "-", i < ncode ? code[i] : "-");
}

static void header_of(const char *dir, const char *file, const char **cols, size_t *n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	cb_error e;
	struct csv_table *t = csv_read(path, &e);
	CHECK(t != NULL);
	*n = 0;
	for (size_t i = 0; t && i < t->ncols && i < MAXN; i++)
		cols[(*n)++] = strdup(t->header[i]);
	csv_free(t);
}

static size_t count(const char *const *list)
{
	size_t n = 0;
	while (list[n])
		n++;
	return n;
}

int main(void)
{
	const char *src = getenv("COWBENCH_SRC"), *build = getenv("COWBENCH_BUILD");
	if (!src || !build)
		SKIP("COWBENCH_SRC or COWBENCH_BUILD not set (run through ctest)");
	char path[512];
	snprintf(path, sizeof(path), "%s/results/README.md", src);
	char *readme = cb_read_text(path);
	if (!readme)
		SKIP("%s not readable", path);

	/* The files cowbench vm writes, from an empty store: their headers. */
	char dir[] = "/tmp/cowbench-vocab-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	struct vm_store s;
	vm_store_init(&s);
	s.where = s.mmu = s.prims = s.kernel = "";
	cb_error e;
	CHECK(vm_store_write(&s, dir, &e) == 0);
	vm_store_free(&s);
	struct names doc;
	static const char *const files[] = {"vm.csv", "vm-boots.csv"};
	for (size_t f = 0; f < CB_ARRAY_SIZE(files); f++) {
		const char *cols[MAXN];
		size_t n;
		header_of(dir, files[f], cols, &n);
		documented(readme, files[f], "| `", 0, &doc);
		same_list(files[f], &doc, cols, n);
		for (size_t i = 0; i < n; i++)
			free((char *)cols[i]);
		char p[600];
		snprintf(p, sizeof(p), "%s/%s", dir, files[f]);
		unlink(p);
	}
	static const char *const other[] = {"vm-stats.csv", "vm-results.csv"};
	for (size_t f = 0; f < CB_ARRAY_SIZE(other); f++) {
		char p[600];
		snprintf(p, sizeof(p), "%s/%s", dir, other[f]);
		unlink(p);
	}
	rmdir(dir);

	/* qemu-crosscheck.csv: cowbench-xcheck's columns. */
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "%s/scripts/nested-tools/cowbench-xcheck columns", build);
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	char line[8192] = "";
	if (p) {
		CHECK(fgets(line, sizeof(line), p) != NULL);
		CHECK(pclose(p) == 0);
	}
	const char *xcols[MAXN];
	size_t nx = 0;
	for (char *save = NULL, *t = strtok_r(line, ",\n", &save); t && nx < MAXN;
	     t = strtok_r(NULL, ",\n", &save))
		xcols[nx++] = t;
	CHECK(nx > 20);
	documented(readme, "qemu-crosscheck.csv", "| `", 0, &doc);
	same_list("qemu-crosscheck.csv", &doc, xcols, nx);

	/* compare: vm.csv's keys and metrics, the second and third cells of
	 * its row. */
	documented(readme, "compare/", "| vm.csv |", 1, &doc);
	same_list("compare vm.csv keys", &doc, run_vm_phase_keys, count(run_vm_phase_keys));
	documented(readme, "compare/", "| vm.csv |", 2, &doc);
	same_list("compare vm.csv metrics", &doc, compare_vm_metrics, count(compare_vm_metrics));

	/* Every dimension's column is a key the analysis groups by, in the
	 * table's order; its --help text names each of its values. */
	size_t at = 0;
	for (int d = 0; d < VM_DIM_COUNT; d++) {
		size_t k = at;
		while (run_vm_keys[k] && strcmp(run_vm_keys[k], vm_dim_columns[d]))
			k++;
		CHECK(run_vm_keys[k] != NULL);
		if (!run_vm_keys[k])
			fprintf(stderr, "dimension column %s is not in run_vm_keys (in order)\n",
				vm_dim_columns[d]);
		else
			at = k + 1;
		for (size_t i = 0; vm_dims[d].names[i]; i++)
			CHECK(strstr(vm_dims[d].help, vm_dims[d].names[i]) != NULL);
		CHECK(vm_dim_find(vm_dims[d].option) == d);
	}
	free(readme);
	return check_done();
}
