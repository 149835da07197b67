#include "host_smaps.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A VMA header line: "start-end perms offset dev inode [path]". */
static int parse_header(const char *line, uint64_t *lo, uint64_t *hi)
{
	char perms[8];
	return sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", lo, hi, perms) == 3 ? 0 : -1;
}

static void add_field(const char *line, struct host_vma_stats *s)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{"Size:", offsetof(struct host_vma_stats, size_kib)},
		{"Rss:", offsetof(struct host_vma_stats, rss_kib)},
		{"AnonHugePages:", offsetof(struct host_vma_stats, anon_huge_kib)},
		{"Private_Hugetlb:", offsetof(struct host_vma_stats, hugetlb_kib)},
		{"Shared_Hugetlb:", offsetof(struct host_vma_stats, hugetlb_kib)},
	};
	for (size_t i = 0; i < CB_ARRAY_SIZE(fields); i++) {
		size_t n = strlen(fields[i].name);
		if (strncmp(line, fields[i].name, n) != 0)
			continue;
		uint64_t v;
		if (sscanf(line + n, " %" SCNu64 " kB", &v) == 1)
			*(uint64_t *)((char *)s + fields[i].off) += v;
		return;
	}
}

int host_smaps_parse(const char *text, uint64_t start, uint64_t end, struct host_vma_stats *out)
{
	memset(out, 0, sizeof(*out));
	bool in = false, any_header = false;
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		uint64_t lo, hi;
		/* Field lines start with a capital letter; headers with a hex digit. */
		if (!(*line >= 'A' && *line <= 'Z') && parse_header(line, &lo, &hi) == 0) {
			any_header = true;
			in = lo < end && hi > start;
			out->vmas += in;
		} else if (in) {
			add_field(line, out);
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!any_header && text && *text)
		return -1;
	return (int)out->vmas;
}

double host_smaps_huge_fraction(const struct host_vma_stats *s, uint64_t bytes)
{
	if (bytes == 0 || s->vmas == 0)
		return NAN;
	double f = (double)(s->anon_huge_kib + s->hugetlb_kib) * 1024.0 / (double)bytes;
	return f > 1 ? 1 : f;
}

int host_status_kib(const char *text, const char *field, uint64_t *kib)
{
	size_t n = strlen(field);
	for (const char *line = text; line && *line;) {
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			return sscanf(line + n + 1, " %" SCNu64 " kB", kib) == 1 ? 0 : -1;
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return -1;
}

double host_huge_fraction(const void *base, uint64_t bytes)
{
	if (bytes == 0)
		return NAN;
	void *data;
	size_t len;
	if (cb_read_file("/proc/self/smaps", &data, &len, NULL) < 0)
		return NAN;
	struct host_vma_stats s;
	uint64_t lo = (uintptr_t)base;
	double f = host_smaps_parse(data, lo, lo + bytes, &s) > 0 ? host_smaps_huge_fraction(&s, bytes)
								   : NAN;
	free(data);
	return f;
}

int64_t host_pte_bytes(void)
{
	void *data;
	size_t len;
	uint64_t kib;
	if (cb_read_file("/proc/self/status", &data, &len, NULL) < 0)
		return -1;
	int rc = host_status_kib(data, "VmPTE", &kib);
	free(data);
	return rc < 0 ? -1 : (int64_t)(kib * 1024);
}
