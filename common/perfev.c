#include "perfev.h"

#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <mntent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TRACEFS_AT "/sys/kernel/tracing"

static const struct {
	const char *name;
	uint64_t config;
} sw_events[] = {
	{"page-faults", PERF_COUNT_SW_PAGE_FAULTS},
	{"minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN},
	{"major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ},
	{"context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES},
	{"cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS},
	{"task-clock", PERF_COUNT_SW_TASK_CLOCK},
};

static char tracefs_root[256];
static bool we_mounted;

const char *perfev_tracefs(bool *mounted_now, cb_error *e)
{
	if (mounted_now)
		*mounted_now = false;
	if (tracefs_root[0])
		return tracefs_root;
	FILE *m = setmntent("/proc/mounts", "r");
	struct mntent *ent;
	while (m && (ent = getmntent(m))) {
		if (!strcmp(ent->mnt_type, "tracefs")) {
			snprintf(tracefs_root, sizeof(tracefs_root), "%s", ent->mnt_dir);
			break;
		}
	}
	if (m)
		endmntent(m);
	if (tracefs_root[0])
		return tracefs_root;
	if (geteuid() != 0) {
		cb_error_set(e, "tracefs is not mounted (mounting it at " TRACEFS_AT " needs root)");
		return NULL;
	}
	/* In a mount namespace of this thread's own, with nothing propagating
	 * back: the mount is gone with the process however it ends (kill -9
	 * too, where no handler runs), and no other process ever sees it.
	 * Only the calling thread moves; the others never open tracefs. */
	if (unshare(CLONE_NEWNS) < 0) {
		cb_error_errno(e, "cannot make a mount namespace to mount tracefs in");
		return NULL;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		cb_error_errno(e, "cannot make the mount namespace private");
		return NULL;
	}
	if (mount("nodev", TRACEFS_AT, "tracefs", 0, NULL) < 0) {
		cb_error_errno(e, "cannot mount tracefs at " TRACEFS_AT);
		return NULL;
	}
	we_mounted = true;
	if (mounted_now)
		*mounted_now = true;
	snprintf(tracefs_root, sizeof(tracefs_root), "%s", TRACEFS_AT);
	return tracefs_root;
}

void perfev_tracefs_release(void)
{
	/* In our own namespace: unmounting is tidiness, detaching enough. */
	if (we_mounted && umount2(TRACEFS_AT, MNT_DETACH) == 0) {
		we_mounted = false;
		tracefs_root[0] = '\0';
	}
}

static void note_missing(struct perfev_set *s, const char *name, const char *why)
{
	size_t len = strlen(s->missing);
	snprintf(s->missing + len, sizeof(s->missing) - len, "%s%s (%s)", len ? "; " : "", name, why);
}

int perfev_open_counter(uint32_t type, uint64_t config, pid_t pid, bool inherit,
			bool exclude_kernel)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = type;
	a.config = config;
	a.disabled = 1;
	a.inherit = inherit;
	a.exclude_kernel = exclude_kernel;
	/* Tracepoints are counted wherever the task runs; software events
	 * include the kernel's own work (the fault handler) by design. */
	return (int)syscall(SYS_perf_event_open, &a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

static void add(struct perfev_set *s, const char *name, uint32_t type, uint64_t config, pid_t pid,
		bool inherit)
{
	if (s->n == PERFEV_MAX) {
		note_missing(s, name, "too many counters");
		return;
	}
	int fd = perfev_open_counter(type, config, pid, inherit, false);
	if (fd < 0) {
		note_missing(s, name, strerror(errno));
		return;
	}
	struct perfev *ev = &s->ev[s->n++];
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	ev->fd = fd;
}

/* A tracepoint's id from tracefs; -1 when the event does not exist. */
static long tracepoint_id(const char *root, const char *sys, const char *ev)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, sys, ev);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long id = -1;
	if (fscanf(f, "%ld", &id) != 1)
		id = -1;
	fclose(f);
	return id;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_tracepoints(struct perfev_set *s, const char *name, pid_t pid, bool inherit)
{
	cb_error e;
	const char *root = perfev_tracefs(NULL, &e);
	if (!root) {
		note_missing(s, name, e.msg);
		return;
	}
	char sys[64], ev[96];
	const char *colon = strchr(name, ':');
	snprintf(sys, sizeof(sys), "%.*s", (int)(colon - name), name);
	snprintf(ev, sizeof(ev), "%s", colon + 1);
	if (strcmp(ev, "*") != 0) {
		long id = tracepoint_id(root, sys, ev);
		if (id < 0)
			note_missing(s, name, "no such tracepoint here");
		else
			add(s, name, PERF_TYPE_TRACEPOINT, (uint64_t)id, pid, inherit);
		return;
	}
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/events/%s", root, sys);
	DIR *d = opendir(dir);
	if (!d) {
		note_missing(s, name, "no such tracepoint system here");
		return;
	}
	/* Sorted, so a set's order is the same on every run. */
	char *names[128];
	size_t k = 0;
	struct dirent *de;
	while ((de = readdir(d)) && k < CB_ARRAY_SIZE(names))
		if (de->d_name[0] != '.' && tracepoint_id(root, sys, de->d_name) >= 0)
			names[k++] = strdup(de->d_name);
	closedir(d);
	qsort(names, k, sizeof(*names), cmp_str);
	for (size_t i = 0; i < k; i++) {
		char full[96];
		snprintf(full, sizeof(full), "%s:%s", sys, names[i]);
		add(s, full, PERF_TYPE_TRACEPOINT, (uint64_t)tracepoint_id(root, sys, names[i]), pid,
		    inherit);
		free(names[i]);
	}
	if (k == 0)
		note_missing(s, name, "the system has no events");
}

size_t perfev_open(struct perfev_set *s, const char *const *names, size_t n, pid_t pid,
		   bool inherit)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		if (!strncmp(name, "sw:", 3)) {
			size_t j = 0;
			while (j < CB_ARRAY_SIZE(sw_events) && strcmp(sw_events[j].name, name + 3))
				j++;
			if (j == CB_ARRAY_SIZE(sw_events))
				note_missing(s, name, "unknown software event");
			else
				add(s, name, PERF_TYPE_SOFTWARE, sw_events[j].config, pid, inherit);
		} else if (strchr(name, ':')) {
			add_tracepoints(s, name, pid, inherit);
		} else {
			note_missing(s, name, "not sw:NAME or SYSTEM:EVENT");
		}
	}
	return s->n;
}

void perfev_start(struct perfev_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		ioctl(s->ev[i].fd, PERF_EVENT_IOC_RESET, 0);
		ioctl(s->ev[i].fd, PERF_EVENT_IOC_ENABLE, 0);
	}
}

void perfev_stop(struct perfev_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		ioctl(s->ev[i].fd, PERF_EVENT_IOC_DISABLE, 0);
}

void perfev_read(const struct perfev_set *s, int64_t *vals)
{
	for (size_t i = 0; i < s->n; i++) {
		uint64_t v;
		vals[i] = read(s->ev[i].fd, &v, sizeof(v)) == (ssize_t)sizeof(v) ? (int64_t)v : -1;
	}
}

void perfev_close(struct perfev_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		close(s->ev[i].fd);
	s->n = 0;
}
