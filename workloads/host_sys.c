#include "host_sys.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_shared.h"
#include "anonmem.h"

char *host_sys_find_helper(cb_error *e)
{
	const char *env = getenv("COWBENCH_EXEC_HELPER");
	if (env && *env) {
		if (access(env, X_OK) == 0)
			return cb_xstrdup(env);
		cb_error_errno(e, "COWBENCH_EXEC_HELPER=%s is not executable", env);
		return NULL;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char dir[PATH_MAX] = ".";
	if (n > 0) {
		exe[n] = '\0';
		snprintf(dir, sizeof(dir), "%s", dirname(exe));
	}
	char cand[3][PATH_MAX + 64];
	snprintf(cand[0], sizeof(cand[0]), "%s/%s", dir, HOST_HELPER_NAME);
	snprintf(cand[1], sizeof(cand[1]), "%s/../workloads/%s", dir, HOST_HELPER_NAME);
#ifdef COWBENCH_HELPER_BUILD_PATH
	snprintf(cand[2], sizeof(cand[2]), "%s", COWBENCH_HELPER_BUILD_PATH);
#else
	cand[2][0] = '\0';
#endif
	for (int i = 0; i < 3; i++)
		if (cand[i][0] && access(cand[i], X_OK) == 0)
			return cb_xstrdup(cand[i]);
	cb_error_set(e, "%s not found in %s, %s/../workloads or the build tree "
		     "(build it, or set COWBENCH_EXEC_HELPER)", HOST_HELPER_NAME, dir, dir);
	return NULL;
}

double host_sys_pte_bytes(void)
{
	char *text = cb_read_text("/proc/self/status");
	uint64_t kib;
	int rc = text ? status_kib(text, "VmPTE", &kib) : -1;
	free(text);
	return rc < 0 ? NAN : (double)(kib * 1024);
}

uint64_t host_sys_mem_available(uint64_t *margin)
{
	char *text = cb_read_text("/proc/meminfo");
	uint64_t avail = 0, total = 0;
	if (text && status_kib(text, "MemAvailable", &avail) < 0)
		avail = 0;
	if (text && status_kib(text, "MemTotal", &total) < 0)
		total = 0;
	free(text);
	uint64_t least = 512ull << 20, share = total * 1024 / 32;
	*margin = share > least ? share : least;
	return avail * 1024;
}

int host_sys_pin(const int *cpus, size_t n, bool unpinned, cb_error *e)
{
	if (unpinned)
		return -1;
	cpu_set_t allowed, want;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0) {
		cb_error_errno(e, "sched_getaffinity");
		return -3;
	}
	CPU_ZERO(&want);
	if (!cpus) {
		int pick = -1;
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &allowed))
				pick = c;
		if (pick < 0) {
			cb_error_set(e, "no CPU to run on");
			return -3;
		}
		CPU_SET(pick, &want);
		if (sched_setaffinity(0, sizeof(want), &want) < 0) {
			cb_error_errno(e, "cannot pin to CPU %d", pick);
			return -3;
		}
		return pick;
	}
	for (size_t i = 0; i < n; i++) {
		if (cpus[i] >= CPU_SETSIZE || !CPU_ISSET(cpus[i], &allowed)) {
			cb_error_set(e, "CPU %d is not one this process may run on", cpus[i]);
			return -3;
		}
		CPU_SET(cpus[i], &want);
	}
	if (sched_setaffinity(0, sizeof(want), &want) < 0) {
		cb_error_errno(e, "cannot pin to the CPUs given");
		return -3;
	}
	return n == 1 ? cpus[0] : -2;
}

size_t host_sys_cpus_allowed(const int *cpus, size_t n, int **out)
{
	*out = NULL;
	if (cpus) {
		*out = cb_xmalloc(n * sizeof(**out));
		memcpy(*out, cpus, n * sizeof(**out));
		return n;
	}
	cpu_set_t allowed;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return 0;
	size_t k = 0;
	*out = cb_xmalloc((size_t)CPU_COUNT(&allowed) * sizeof(**out) + sizeof(**out));
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &allowed))
			(*out)[k++] = c;
	return k;
}
