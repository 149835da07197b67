/* cowbench-exec-helper: the program the exec primitives start.
 *
 *   cowbench-exec-helper FD SEQ
 *
 * It reads the parent's clock (cb_now_ns) first thing in main, writes
 * that stamp and SEQ into the shared page behind FD, and exits 0.  Linked
 * -static so that exec cost is the kernel's, not the dynamic loader's:
 * what is timed is process creation, not symbol resolution. */
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "cb.h"
#include "host_shared.h"

int main(int argc, char **argv)
{
	uint64_t start_ns = cb_now_ns();
	if (argc != 3)
		return 2;
	char *end;
	long fd = strtol(argv[1], &end, 10);
	if (*end || fd < 0)
		return 2;
	struct host_stamp st = {
		.start_ns = start_ns,
		.seq = strtoull(argv[2], &end, 10),
	};
	if (*end)
		return 2;
	if (pwrite((int)fd, &st, sizeof(st), offsetof(struct host_shared, stamp)) != sizeof(st))
		return 3;
	return 0;
}
