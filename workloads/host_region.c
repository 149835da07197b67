#include "host_region.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "host_page.h"
#include "host_sys.h"
#include "hugepool.h"

/* A region is worth keeping when setting it up took at least this long. */
#define HOST_KEEP_MIN_S 0.5

const char *host_point_name(const struct host_point *pt, char *buf, size_t len)
{
	char sz[32];
	if (pt->vmas > 1)
		snprintf(buf, len, "%s %s in %llu mappings", host_page_names[pt->mode],
			 format_size(pt->bytes, sz, sizeof(sz)), (unsigned long long)pt->vmas);
	else
		snprintf(buf, len, "%s %s", host_page_names[pt->mode],
			 format_size(pt->bytes, sz, sizeof(sz)));
	return buf;
}

/* Splits the region into pt->vmas mappings of equal size that the kernel
 * cannot merge back: every other one MADV_DONTDUMP, a VMA flag that
 * changes nothing fork or a fault does (protections would, and would
 * leave half the region unwritable).  Before populating, so no huge page
 * is split; then /proc/self/smaps must show the count asked for. */
static int split(const struct host_point *pt, struct anon_mem *mem, cb_error *e)
{
	if (pt->vmas <= 1)
		return 0;
	uint64_t piece = mem->bytes / pt->vmas;
	for (uint64_t i = 1; i < pt->vmas; i += 2) {
		if (madvise(mem->base + i * piece, piece, MADV_DONTDUMP) < 0) {
			cb_error_errno(e, "cannot split the region into %llu mappings",
				       (unsigned long long)pt->vmas);
			return -1;
		}
	}
	return 0;
}

static int check_split(const struct host_point *pt, const struct anon_mem *mem, cb_error *e)
{
	if (pt->vmas <= 1)
		return 0;
	struct smaps_range sr;
	int n = smaps_read(mem->base, mem->bytes, &sr);
	if (n >= 0 && (uint64_t)n != pt->vmas) {
		cb_error_set(e, "asked for %llu mappings, /proc/self/smaps shows %d",
			     (unsigned long long)pt->vmas, n);
		return -1;
	}
	return 0;
}

void host_regions_init(struct host_regions *h, const struct host_matrix *m, uint64_t room)
{
	memset(h, 0, sizeof(*h));
	h->m = m;
	h->room = room;
	h->r = cb_xcalloc(m->npoints ? m->npoints : 1, sizeof(*h->r));
}

void host_regions_reserve_pools(struct host_regions *h, struct progress *prog)
{
	const struct host_matrix *m = h->m;
	for (int mode = HOST_PAGE_COUNT - 1; mode >= 0; mode--) {
		unsigned long kib = mem_kinds[mode].pool_kib;
		uint64_t pages = 0;
		for (size_t p = 0; p < m->npoints; p++) {
			const struct host_point *pt = &m->points[p];
			uint64_t n = host_page_pool_pages(pt->mode, pt->bytes, pt->cow_bytes_max);
			if ((int)pt->mode == mode && !pt->skip[0] && n > pages)
				pages = n;
		}
		cb_error e;
		if (kib && pages && hugepool_reserve(kib, pages, &e) < 0)
			progress_note(prog, "%s: %s; each point tries again", host_page_names[mode], e.msg);
	}
}

/* Maps and populates point p's region; on failure the point cannot run
 * (e says why). */
static int setup(const struct host_point *pt, struct anon_mem *mem, cb_error *e)
{
	unsigned long pool_kib = mem_kinds[pt->mode].pool_kib;
	if (pool_kib && pt->bytes) {
		uint64_t pages = host_page_pool_pages(pt->mode, pt->bytes, pt->cow_bytes_max);
		if (hugepool_reserve(pool_kib, pages, e) < 0)
			return -1;
	}
	/* Every page resident before the first sample. */
	if (anon_mem_map(mem, (enum mem_kind)pt->mode, pt->bytes, e) < 0 || split(pt, mem, e) < 0 ||
	    anon_mem_populate(mem, e) < 0 || check_split(pt, mem, e) < 0) {
		anon_mem_unmap(mem);
		hugepool_restore_all();
		return -1;
	}
	return 0;
}

int host_regions_get(struct host_regions *h, size_t p, struct anon_mem **mem, bool *fatal,
		     cb_error *e)
{
	struct host_region *k = &h->r[p];
	*fatal = false;
	if (k->mapped) {
		/* Before the first child: the region must be the child's too. */
		if (k->mem.bytes && madvise(k->mem.base, k->mem.bytes, MADV_DOFORK) < 0) {
			cb_error_errno(e, "madvise(MADV_DOFORK)");
			*fatal = true;
			return -1;
		}
		h->hidden_pte -= k->pte_bytes;
		*mem = &k->mem;
		return 0;
	}
	double pte0 = host_sys_pte_bytes();
	uint64_t t0 = cb_now_ns();
	if (setup(&h->m->points[p], &h->local, e) < 0)
		return -1;
	double took = (double)(cb_now_ns() - t0) / 1e9;
	if (k->setup_s == 0 || took < k->setup_s)
		k->setup_s = took;
	k->setups++;
	h->setups_now = true;
	k->pte_bytes = host_sys_pte_bytes() - pte0;
	*mem = &h->local;
	if (k->keep) {
		k->mem = h->local;
		k->mapped = true;
		*mem = &k->mem;
	}
	return 0;
}

/* Worth keeping: slow to set up twice over, not from a pool, and one
 * mapping.  A region split into many (--vmas) is never kept: MADV_DONTFORK
 * hides its pages from fork but not its VMAs, and dup_mmap() still
 * visits each one (6.18 here: a kept 4096-mapping region made every later
 * fork of an empty parent take 3.5 ms instead of 250 us). */
static bool worth(const struct host_regions *h, size_t p)
{
	const struct host_region *k = &h->r[p];
	const struct host_point *pt = &h->m->points[p];
	return k->setups >= 2 && k->setup_s >= HOST_KEEP_MIN_S && !mem_kinds[pt->mode].pool_kib &&
	       pt->vmas <= 1;
}

/* Whether the regions held (kept, or mapped for now) plus point extra
 * plus the largest region of the rest fit in 90% of the room: MemAvailable
 * was read once at the start, and other processes grow. */
static bool fits(const struct host_regions *h, size_t extra, bool by_keep)
{
	uint64_t held = 0, rest = 0;
	for (size_t p = 0; p < h->m->npoints; p++) {
		const struct host_point *pt = &h->m->points[p];
		if (pt->skip[0] || mem_kinds[pt->mode].pool_kib)
			continue;
		uint64_t need = host_point_need(pt);
		if (p == extra || (by_keep ? h->r[p].keep : h->r[p].mapped))
			held += need;
		else if (need > rest)
			rest = need;
	}
	return held + rest <= h->room / 10 * 9;
}

void host_regions_put(struct host_regions *h, size_t p)
{
	struct host_region *k = &h->r[p];
	/* Its second setup, before the choice: kept for now if it fits, so
	 * the region the choice keeps is not set up a third time. */
	if (!k->mapped && !h->chosen && worth(h, p) && fits(h, p, false)) {
		k->mem = h->local;
		k->mapped = true;
		memset(&h->local, 0, sizeof(h->local));
	}
	if (!k->mapped) {
		anon_mem_unmap(&h->local);
		return;
	}
	/* A failure here only costs the next fork its page tables. */
	if (k->mem.bytes)
		madvise(k->mem.base, k->mem.bytes, MADV_DONTFORK);
	h->hidden_pte += k->pte_bytes;
}

void host_regions_choose(struct host_regions *h, struct progress *prog)
{
	const struct host_matrix *m = h->m;
	h->setup_rounds += h->setups_now;
	h->setups_now = false;
	if (h->setup_rounds < 2 || h->chosen)
		return;
	h->chosen = true;
	for (;;) {
		size_t best = m->npoints;
		for (size_t p = 0; p < m->npoints; p++) {
			const struct host_region *k = &h->r[p];
			if (k->keep || !worth(h, p) || !fits(h, p, true))
				continue;
			if (best == m->npoints || k->setup_s > h->r[best].setup_s)
				best = p;
		}
		if (best == m->npoints)
			break;
		h->r[best].keep = true;
		char name[64];
		progress_note(prog, "%s: set up in %.1f s: kept populated between rounds",
			      host_point_name(&m->points[best], name, sizeof(name)), h->r[best].setup_s);
	}
	/* What was kept for now but not chosen goes. */
	for (size_t p = 0; p < m->npoints; p++) {
		struct host_region *k = &h->r[p];
		if (k->mapped && !k->keep) {
			anon_mem_unmap(&k->mem);
			k->mapped = false;
			h->hidden_pte -= k->pte_bytes;
		}
	}
}

double host_regions_hidden_pte(const struct host_regions *h)
{
	return h->hidden_pte;
}

void host_regions_free(struct host_regions *h)
{
	for (size_t p = 0; h->r && p < h->m->npoints; p++)
		if (h->r[p].mapped)
			anon_mem_unmap(&h->r[p].mem);
	free(h->r);
	hugepool_restore_all();
	memset(h, 0, sizeof(*h));
}
