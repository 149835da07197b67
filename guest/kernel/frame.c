/* Physical frames: reference counts, never-touched-first allocation. */
#include "glib.h"
#include "mm.h"

struct frame_pool frames;

/* Metadata is indexed from physical address 0, so indexes stay simple;
 * the unused head (the kernel's frames) is a few KiB. */
static inline uint64_t fidx(uint64_t pa) { return pa / PAGE_4K; }
static inline uint64_t cidx(uint64_t pa) { return pa / PAGE_2M; }

uint64_t frame_meta_bytes(uint64_t pool_hi)
{
	uint64_t nf = pool_hi / PAGE_4K, nc = pool_hi / PAGE_2M + 1;
	return nf * 2 + nc * (2 + 2 + 1) + 64;
}

void frame_init(uint64_t meta_pa, uint64_t pool_hi, int fresh_is_zero)
{
	memset(&frames, 0, sizeof(frames));
	uint64_t nf = pool_hi / PAGE_4K, nc = pool_hi / PAGE_2M + 1;
	uint8_t *p = phys_to_virt(meta_pa);
	uint64_t len = frame_meta_bytes(pool_hi);
	/* Clearing megabytes of counters in emulated ring 0 is slow; RAM the
	 * guest has never touched is already zero. */
	if (!fresh_is_zero)
		memset(p, 0, (len + 7) & ~7ull);
	frames.ref = (uint16_t *)p;
	frames.huge_ref = (uint16_t *)(p + nf * 2);
	frames.chunk_sub = (uint16_t *)(p + nf * 2 + nc * 2);
	frames.is_chunk = p + nf * 2 + nc * 4;
	frames.end = pool_hi & ~(PAGE_2M - 1);
	frames.fresh_is_zero = fresh_is_zero;
	frames.fresh_lo = (meta_pa + len + PAGE_4K - 1) & ~(PAGE_4K - 1);
	frames.fresh_hi = frames.end;
}

static void zero_frame(uint64_t pa, uint64_t len)
{
	memset(phys_to_virt(pa), 0, len);
}

uint64_t frame_alloc(int zero)
{
	uint64_t pa = 0;
	if (frames.fresh_lo + PAGE_4K <= frames.fresh_hi) {
		pa = frames.fresh_lo;
		frames.fresh_lo += PAGE_4K;
		kcount.fresh_frames++;
		if (zero && !frames.fresh_is_zero)
			zero_frame(pa, PAGE_4K);
	} else if (frames.free4k) {
		pa = frames.free4k;
		frames.free4k = *(uint64_t *)phys_to_virt(pa);
		if (zero)
			zero_frame(pa, PAGE_4K);
	} else {
		mm_panic("out of guest memory (4 KiB frames); give the guest more RAM", 0, 0);
	}
	frames.ref[fidx(pa)] = 1;
	frames.frames_in_use++;
	return pa;
}

uint64_t frame_alloc_2m(int zero)
{
	uint64_t pa = 0;
	if (frames.fresh_hi >= PAGE_2M && frames.fresh_hi - PAGE_2M >= frames.fresh_lo) {
		frames.fresh_hi -= PAGE_2M;
		pa = frames.fresh_hi;
		kcount.fresh_frames += FRAMES_PER_2M;
		if (zero && !frames.fresh_is_zero)
			zero_frame(pa, PAGE_2M);
	} else if (frames.free2m) {
		pa = frames.free2m;
		frames.free2m = *(uint64_t *)phys_to_virt(pa);
		if (zero)
			zero_frame(pa, PAGE_2M);
	} else {
		mm_panic("out of guest memory (2 MiB frames); give the guest more RAM", 0, 0);
	}
	frames.is_chunk[cidx(pa)] = 1;
	frames.huge_ref[cidx(pa)] = 1;
	frames.chunk_sub[cidx(pa)] = 0;
	frames.frames_in_use += FRAMES_PER_2M;
	return pa;
}

static void chunk_maybe_free(uint64_t chunk_pa)
{
	uint64_t c = cidx(chunk_pa);
	if (frames.huge_ref[c] || frames.chunk_sub[c])
		return;
	frames.is_chunk[c] = 0;
	*(uint64_t *)phys_to_virt(chunk_pa) = frames.free2m;
	frames.free2m = chunk_pa;
	frames.frames_in_use -= FRAMES_PER_2M;
}

void frame_get(uint64_t pa)
{
	uint64_t f = fidx(pa);
	if (frames.ref[f]++ == 0 && frames.is_chunk[cidx(pa)])
		frames.chunk_sub[cidx(pa)]++;
	if (frames.ref[f] == 0)
		mm_panic("frame reference count overflow", pa, 0);
}

void frame_put(uint64_t pa)
{
	uint64_t f = fidx(pa);
	if (frames.ref[f] == 0)
		mm_panic("frame_put on a free frame", pa, 0);
	if (--frames.ref[f])
		return;
	uint64_t chunk = pa & ~(PAGE_2M - 1);
	if (frames.is_chunk[cidx(pa)]) {
		frames.chunk_sub[cidx(pa)]--;
		chunk_maybe_free(chunk);
		return;
	}
	*(uint64_t *)phys_to_virt(pa) = frames.free4k;
	frames.free4k = pa;
	frames.frames_in_use--;
}

void frame_get_2m(uint64_t pa)
{
	if (++frames.huge_ref[cidx(pa)] == 0)
		mm_panic("huge frame reference count overflow", pa, 0);
}

void frame_put_2m(uint64_t pa)
{
	uint64_t c = cidx(pa);
	if (frames.huge_ref[c] == 0)
		mm_panic("frame_put_2m on a free chunk", pa, 0);
	frames.huge_ref[c]--;
	chunk_maybe_free(pa & ~(PAGE_2M - 1));
}

unsigned frame_sharers(uint64_t pa)
{
	unsigned n = frames.ref[fidx(pa)];
	if (frames.is_chunk[cidx(pa)])
		n += frames.huge_ref[cidx(pa)];
	return n;
}

unsigned frame_sharers_2m(uint64_t pa)
{
	/* A chunk whose subframes are also mapped singly (another process
	 * split it) is shared even if only one 2 MiB mapping is left. */
	uint64_t c = cidx(pa);
	return frames.huge_ref[c] + (frames.chunk_sub[c] ? 1 : 0);
}

void frame_split_2m(uint64_t pa)
{
	uint64_t chunk = pa & ~(PAGE_2M - 1);
	for (uint64_t i = 0; i < FRAMES_PER_2M; i++)
		frame_get(chunk + i * PAGE_4K);
	frame_put_2m(chunk);
}
