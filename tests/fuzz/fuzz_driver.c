/* main() for the harnesses outside libFuzzer: runs LLVMFuzzerTestOneInput
 * on every file named, and on every file in every directory named, so the
 * seed corpus and the inputs that once crashed replay as an ordinary test
 * (under ASan+UBSan in CI).  Exits 1 when a path cannot be read. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "afile.h"
#include "cb.h"
#include "fuzz.h"

static int run_file(const char *path)
{
	void *data;
	size_t len;
	cb_error e;
	if (cb_read_file(path, &data, &len, &e) < 0) {
		fprintf(stderr, "fuzz driver: %s\n", e.msg);
		return -1;
	}
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0, n = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "fuzz driver: no such file or directory: %s\n", argv[i]);
			bad = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]) < 0;
			n++;
			continue;
		}
		struct dirent **list;
		int k = scandir(argv[i], &list, NULL, alphasort);
		for (int j = 0; j < k; j++) {
			if (list[j]->d_name[0] != '.') {
				char *p = cb_path_join(argv[i], list[j]->d_name);
				bad |= run_file(p) < 0;
				free(p);
				n++;
			}
			free(list[j]);
		}
		free(list);
	}
	printf("%d input(s) replayed\n", n);
	return bad;
}
