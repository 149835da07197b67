#include <errno.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "check.h"

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/cowbench-afile-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *path = cb_path_join(dir, "out.csv");
	cb_error e;

	CHECK(afile_write_all(path, "one\n", 4, &e) == 0);
	char *s = cb_read_text(path);
	CHECK_STR(s, "one");
	free(s);

	/* an aborted rewrite leaves the old content and no temporary */
	struct afile af;
	CHECK(afile_open(&af, path, &e) == 0);
	fputs("half-written", af.fp);
	afile_abort(&af);
	s = cb_read_text(path);
	CHECK_STR(s, "one");
	free(s);
	CHECK(count_entries(dir) == 1);

	/* appending: new bytes behind the old ones, no temporary; an aborted
	 * append is cut back off; only an existing regular file takes one */
	CHECK(afile_open_append(&af, path, &e) == 0);
	fputs("two\n", af.fp);
	CHECK(afile_commit(&af, &e) == 0);
	CHECK(afile_open_append(&af, path, &e) == 0);
	fputs("torn row, never committed", af.fp);
	fflush(af.fp);
	afile_abort(&af);
	s = cb_read_text(path);
	CHECK_STR(s, "one\ntwo");
	free(s);
	CHECK(count_entries(dir) == 1);
	char *none = cb_path_join(dir, "absent.csv");
	CHECK(afile_open_append(&af, none, &e) < 0 && strstr(e.msg, "absent.csv"));
	free(none);
	CHECK(afile_open_append(&af, "/dev/null", &e) < 0 && strstr(e.msg, "not a regular file"));

	/* reading with a cap: at the cap is fine, one byte more is refused,
	 * and so is anything but a regular file */
	void *data = NULL;
	size_t len = 0;
	CHECK(cb_read_file_max(path, 8, &data, &len, &e) == 0 && len == 8);
	free(data);
	CHECK(cb_read_file_max(path, 7, &data, &len, &e) == -2 && strstr(e.msg, "at most 7"));
	CHECK(cb_read_file_max(dir, 100, &data, &len, &e) == -2);
	CHECK(cb_read_file_max("/dev/zero", 100, &data, &len, &e) == -2);
	CHECK(cb_read_file_max("/nonexistent/x", 100, &data, &len, &e) == -1 && errno == ENOENT);

	/* nested out dirs are created; a file in the way is an error */
	char *nested = cb_path_join(dir, "a/b/c");
	CHECK(cb_make_out_dir(nested, &e) == 0);
	CHECK(cb_make_out_dir(path, &e) < 0);
	if (geteuid() != 0) {
		chmod(nested, 0500);
		CHECK(cb_make_out_dir(nested, &e) < 0);
		chmod(nested, 0700);
	}
	CHECK(cb_make_out_dir("/proc/cowbench-cannot-exist", &e) < 0);
	CHECK(strstr(e.msg, "/proc/cowbench-cannot-exist") != NULL);
	free(nested);

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	free(path);
	return check_done();
}
