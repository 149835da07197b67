/* LD_PRELOAD shim for test_host_cli: a machine whose CLOCK_MONOTONIC_RAW
 * cannot be read, so the machine-state probe cannot be timed. */
#include <dlfcn.h>
#include <errno.h>
#include <time.h>

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	if (id == CLOCK_MONOTONIC_RAW) {
		errno = EINVAL;
		return -1;
	}
	if (!real)
		real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
	return real(id, ts);
}
