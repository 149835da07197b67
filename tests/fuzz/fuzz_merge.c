/* nested_merge on guest-made files: the input, cut at NUL bytes, is the
 * run directory's vm.csv, vm-stats.csv, vm-boots.csv and vm-results.csv,
 * then the incoming directory's (an empty part: the file is absent).  The
 * directories live in /dev/shm (else TMPDIR) and are emptied after each
 * input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "fuzz.h"
#include "nested_merge.h"

static const char *const names[] = {"vm.csv", "vm-stats.csv", "vm-boots.csv", "vm-results.csv"};
static char base[64], *dirs[2];

static void remove_all(void)
{
	for (int d = 0; d < 2; d++) {
		for (size_t i = 0; i < CB_ARRAY_SIZE(names); i++) {
			char *p = cb_path_join(dirs[d], names[i]);
			unlink(p);
			free(p);
		}
	}
}

static void cleanup(void)
{
	remove_all();
	for (int d = 0; d < 2; d++)
		rmdir(dirs[d]);
	rmdir(base);
}

static void setup(void)
{
	snprintf(base, sizeof(base), "%s/cowbench-fuzz-merge-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(base))
		abort();
	dirs[0] = cb_path_join(base, "run");
	dirs[1] = cb_path_join(base, "in");
	for (int d = 0; d < 2; d++)
		if (mkdir(dirs[d], 0755) != 0)
			abort();
	atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dirs[0])
		setup();
	size_t part = 0, i = 0;
	while (i <= size && part < 8) {
		const uint8_t *nul = i < size ? memchr(data + i, 0, size - i) : NULL;
		size_t n = nul ? (size_t)(nul - (data + i)) : size - i;
		if (n) {
			char *p = cb_path_join(dirs[part / 4], names[part % 4]);
			FILE *f = fopen(p, "w");
			if (f) {
				fwrite(data + i, 1, n, f);
				fclose(f);
			}
			free(p);
		}
		part++;
		i += n + 1;
	}
	size_t added;
	cb_error e;
	nested_merge("nested-tcg", dirs[0], &dirs[1], 1, &added, &e);
	remove_all();
	return 0;
}
