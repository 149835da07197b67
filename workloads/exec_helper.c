/* cowbench-exec-helper: the program the exec primitives start.
 *
 *   cowbench-exec-helper FD SEQ
 *
 * It stamps CLOCK_MONOTONIC_RAW first thing in main, writes the stamp and
 * SEQ into the shared page behind FD, and exits 0.  Linked -static so
 * that exec cost is the kernel's, not the dynamic loader's: what is timed
 * is process creation, not symbol resolution. */
#include <stddef.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "host_shared.h"

int main(int argc, char **argv)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	if (argc != 3)
		return 2;
	char *end;
	long fd = strtol(argv[1], &end, 10);
	if (*end || fd < 0)
		return 2;
	struct host_stamp st = {
		.start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec,
		.seq = strtoull(argv[2], &end, 10),
	};
	if (*end)
		return 2;
	if (pwrite((int)fd, &st, sizeof(st), offsetof(struct host_shared, stamp)) != sizeof(st))
		return 3;
	return 0;
}
