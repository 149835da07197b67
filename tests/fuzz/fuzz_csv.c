/* The CSV reader behind report and compare, then the schema check of the
 * result file the first byte picks (analysis/run.c's table). */
#include <stdlib.h>

#include "csv.h"
#include "fuzz.h"
#include "run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t nfiles = 0;
	while (run_file_name(nfiles))
		nfiles++;
	const char *name = run_file_name(data[0] % nfiles);
	cb_error e;
	struct csv_table *t = csv_parse((const char *)data + 1, size - 1, name, &e);
	if (!t)
		return 0;
	run_check_table(t, name, &e);
	volatile double sum = 0;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			sum += csv_get_double(t, r, (int)c);
	(void)sum;
	csv_free(t);
	return 0;
}
