#include "host_kev.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PERF_NAME_(E, col, perf, unused) [HOST_KEV_##E] = perf,
const char *const host_kev_perf_names[HOST_KEV_COUNT] = {HOST_KEVENTS(PERF_NAME_, )};
#undef PERF_NAME_

/* Which kind an opened counter counts for: its own name, or for a
 * wildcard's member ("huge_memory:mm_collapse_huge_page") the system's. */
static int kind_of(const char *ev)
{
	for (int k = 0; k < HOST_KEV_COUNT; k++) {
		const char *n = host_kev_perf_names[k];
		size_t len = strlen(n);
		if (!strcmp(ev, n) || (n[len - 1] == '*' && !strncmp(ev, n, len - 1)))
			return k;
	}
	return -1;
}

size_t host_kev_open(struct host_kev_thread *t)
{
	size_t n = perfev_open(&t->set, host_kev_perf_names, HOST_KEV_COUNT, 0, false);
	for (size_t i = 0; i < t->set.n; i++)
		t->kind[i] = kind_of(t->set.ev[i].name);
	return n;
}

void host_kev_enable(struct host_kev_thread *const *t, size_t n, bool on)
{
	for (size_t i = 0; i < n; i++) {
		if (on)
			perfev_start(&t[i]->set);
		else
			perfev_stop(&t[i]->set);
	}
}

void host_kev_close(struct host_kev_thread *t)
{
	perfev_close(&t->set);
}

double host_kev_tlb_line(const char *text)
{
	for (const char *line = text; line && *line;) {
		while (*line == ' ')
			line++;
		if (!strncmp(line, "TLB:", 4)) {
			double sum = 0;
			const char *p = line + 4;
			for (;;) {
				char *end;
				unsigned long long v = strtoull(p, &end, 10);
				if (end == p)
					break;
				sum += (double)v;
				p = end;
			}
			return sum;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return NAN;
}

double host_kev_vmstat(const char *text, const char *field)
{
	size_t n = strlen(field);
	for (const char *line = text; line && *line;) {
		if (!strncmp(line, field, n) && line[n] == ' ')
			return strtod(line + n + 1, NULL);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return NAN;
}

/* A /proc file into a buffer of our own, read only before the fork and
 * after the reap. */
static const char *read_proc(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t len = 0;
	ssize_t r;
	while (len < sizeof(buf) - 1 && (r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = '\0';
	return buf;
}

static double read_tlb(void)
{
	const char *t = read_proc("/proc/interrupts");
	return t ? host_kev_tlb_line(t) : NAN;
}

void host_kev_read(struct host_kev_thread *const *t, size_t n, struct host_kev_reading *out)
{
	for (int k = 0; k < HOST_KEV_COUNT; k++)
		out->v[k] = NAN;
	for (size_t i = 0; i < n; i++) {
		int64_t vals[PERFEV_MAX];
		perfev_read(&t[i]->set, vals);
		for (size_t j = 0; j < t[i]->set.n; j++) {
			int k = t[i]->kind[j];
			if (k < 0 || vals[j] < 0)
				continue;
			out->v[k] = (isnan(out->v[k]) ? 0 : out->v[k]) + (double)vals[j];
		}
	}
	out->tlb_shootdowns = read_tlb();
	const char *vm = read_proc("/proc/vmstat");
	out->thp_split_pmd = vm ? host_kev_vmstat(vm, "thp_split_pmd") : NAN;
}

void host_kev_read_tlb(struct host_kev_reading *out)
{
	for (int k = 0; k < HOST_KEV_COUNT; k++)
		out->v[k] = NAN;
	out->tlb_shootdowns = read_tlb();
	out->thp_split_pmd = NAN;
}

void host_kev_delta(const struct host_kev_reading *before, const struct host_kev_reading *after,
		    struct host_kev_reading *out)
{
	for (int k = 0; k < HOST_KEV_COUNT; k++)
		out->v[k] = after->v[k] - before->v[k];
	out->tlb_shootdowns = after->tlb_shootdowns - before->tlb_shootdowns;
	out->thp_split_pmd = after->thp_split_pmd - before->thp_split_pmd;
}

void host_kev_setup(char *note, size_t len)
{
	bool mounted = false;
	cb_error e;
	const char *root = perfev_tracefs(&mounted, &e);
	if (!root)
		snprintf(note, len, "no tracefs: %s", e.msg);
	else if (mounted)
		snprintf(note, len, "mounted tracefs at %s for the sweep, in a mount namespace of its own", root);
	else
		snprintf(note, len, "tracefs at %s", root);
}

void host_kev_teardown(void)
{
	perfev_tracefs_release();
}
