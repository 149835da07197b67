#include "host_account.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hugepool.h"

const char *const host_copied_by_names[] = {"pagemap", "pss_anon", NULL};

/* Entries read per pread: 2 x 64 KiB of buffer whatever the region. */
#define CHUNK 8192

#define PM_PRESENT (1ull << 63)
#define PM_PFN ((1ull << 55) - 1)

uint64_t host_account_differ(const uint64_t *a, const uint64_t *b, size_t n)
{
	uint64_t d = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = a[i], y = b[i];
		if ((x & PM_PRESENT) && (y & PM_PRESENT) && (x & PM_PFN) && (y & PM_PFN))
			d += (x & PM_PFN) != (y & PM_PFN);
	}
	return d;
}

/* Whether our own pagemap shows PFNs (it shows zeros without
 * CAP_SYS_ADMIN): a page of our own, resident, read back. */
static bool pfns_visible(void)
{
	static volatile char probe[4096] __attribute__((aligned(4096)));
	probe[0] = 1;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t e = 0;
	bool ok = fd >= 0 && pread(fd, &e, 8, (off_t)((uintptr_t)probe / 4096 * 8)) == 8 &&
		  (e & PM_PRESENT) && (e & PM_PFN);
	if (fd >= 0)
		close(fd);
	return ok;
}

int host_account_init(struct host_account *a, cb_error *e)
{
	memset(a, 0, sizeof(*a));
	a->pool_before = -1;
	size_t bytes = 2 * CHUNK * sizeof(uint64_t);
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		cb_error_errno(e, "mmap of the pagemap buffers");
		return -1;
	}
	/* no child has them, and they are resident from here on: a first
	 * touch between two Pss readings would count as a copy */
	madvise(p, bytes, MADV_DONTFORK);
	memset(p, 0, bytes);
	a->a = p;
	a->b = a->a + CHUNK;
	const char *force = getenv("COWBENCH_COPIED_BY");
	bool pfn = pfns_visible();
	if (force && !strcmp(force, "pss")) {
		a->by = HOST_COPIED_PSS;
		snprintf(a->why, sizeof(a->why), "Pss_Anon of both processes (COWBENCH_COPIED_BY=pss)");
	} else if (pfn) {
		a->by = HOST_COPIED_PAGEMAP;
		snprintf(a->why, sizeof(a->why), "frames that differ between the two processes' "
			 "pagemap over the region");
	} else {
		a->by = HOST_COPIED_PSS;
		snprintf(a->why, sizeof(a->why), "Pss_Anon of both processes: pagemap shows no PFNs "
			 "here (needs CAP_SYS_ADMIN)");
	}
	return 0;
}

void host_account_free(struct host_account *a)
{
	if (a->a)
		munmap(a->a, 2 * CHUNK * sizeof(uint64_t));
	memset(a, 0, sizeof(*a));
}

/* "Pss_Anon:" of /proc/PID/smaps_rollup in KiB, NaN when unreadable; read
 * into the pagemap buffer, which no child shares: a heap or .bss buffer
 * would take a COW copy of its own between the readings. */
static double pss_anon(struct host_account *a, pid_t pid)
{
	char *buf = (char *)a->a;
	const size_t cap = CHUNK * sizeof(uint64_t);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NAN;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0)
		return NAN;
	buf[n] = '\0';
	const char *f = strstr(buf, "\nPss_Anon:");
	return f ? strtod(f + strlen("\nPss_Anon:"), NULL) : NAN;
}

void host_account_before(struct host_account *a, pid_t child, unsigned long pool_kib)
{
	a->pool_kib = pool_kib;
	a->pool_before = pool_kib ? hugepool_free(pool_kib) : -1;
	if (a->by == HOST_COPIED_PSS)
		a->pss_before = pss_anon(a, getpid()) + pss_anon(a, child);
}

static double pagemap_copied(struct host_account *a, pid_t child, const void *base, uint64_t bytes)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)child);
	int fa = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), fb = open(path, O_RDONLY | O_CLOEXEC);
	double copied = NAN;
	if (fa >= 0 && fb >= 0) {
		uint64_t pages = bytes / 4096, first = (uintptr_t)base / 4096, differ = 0;
		bool ok = true;
		for (uint64_t i = 0; ok && i < pages; i += CHUNK) {
			size_t n = pages - i < CHUNK ? (size_t)(pages - i) : CHUNK;
			off_t off = (off_t)((first + i) * 8);
			ok = pread(fa, a->a, n * 8, off) == (ssize_t)(n * 8) &&
			     pread(fb, a->b, n * 8, off) == (ssize_t)(n * 8);
			differ += host_account_differ(a->a, a->b, n);
		}
		if (ok)
			copied = (double)differ * 4096;
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return copied;
}

void host_account_after(struct host_account *a, pid_t child, const void *base, uint64_t bytes,
			double *copied, double *pool_copied)
{
	*pool_copied = NAN;
	if (a->pool_kib && a->pool_before >= 0) {
		long now = hugepool_free(a->pool_kib);
		if (now >= 0)
			*pool_copied = (double)(a->pool_before - now) * (double)a->pool_kib * 1024;
	}
	if (a->by == HOST_COPIED_PAGEMAP)
		*copied = pagemap_copied(a, child, base, bytes);
	else if (a->pool_kib)
		*copied = *pool_copied; /* hugetlb pages are in no Pss */
	else
		*copied = (pss_anon(a, getpid()) + pss_anon(a, child) - a->pss_before) * 1024;
}
