/* The guest benchmark: one program, started by the kernel, that measures
 * each process-creation primitive and the COW faults that follow it.
 *
 * Command line (from the VMM, or QEMU's -append):
 *   region=<bytes> dirty=<4 KiB pages> prims=<list of common/cb_prims.h>
 *   reps=<n> gpage=4k|2m policy=copy|split   (policy is the kernel's)
 *
 * Every phase is bracketed by marks the VMM turns into rows of vm.csv. */
#include "usys.h"

struct params {
	uint64_t region, dirty, reps;
	unsigned prims[CB_PRIM_COUNT], nprims;
	int huge;
};

static struct params P;
static uint8_t *const region = (uint8_t *)USER_REGION_BASE;

#define CLONE_STACK_SIZE 0x10000ull

typedef void (*prim_fn)(unsigned rep);

/* One run_<name> per primitive of common/cb_prims.h. */
#define PRIM_DECL(E, n) static void run_##n(unsigned rep);
CB_PRIMITIVES(PRIM_DECL)
#undef PRIM_DECL

static const struct {
	const char *name;
	prim_fn run;
} prims[CB_PRIM_COUNT] = {
#define PRIM_ENTRY(E, n) [CB_PRIM_##E] = {#n, run_##n},
	CB_PRIMITIVES(PRIM_ENTRY)
#undef PRIM_ENTRY
};

static _Noreturn void fail(const char *what)
{
	uprintf("bench: %s\n", what);
	sys_exit(1);
}

static void check_status(int64_t status)
{
	if (status != 0)
		fail("a child exited with a non-zero status");
}

/* The benchmark checks the semantics it measures, outside the phases: a
 * fork child's writes must stay private (COW), a vfork or clone_vm child's
 * must land in the parent's memory (shared).  A wrong answer stops the run
 * rather than produce numbers for a kernel that does not do COW. */
static void verify_region(int shared, unsigned rep)
{
	for (uint64_t i = 0; i < P.dirty; i++) {
		uint8_t v = region[i * 4096];
		if (shared ? v != CHILD_MARK : v == CHILD_MARK) {
			uprintf("bench: rep %u page %lu reads %x after the child exited\n", rep, i, v);
			fail(shared ? "a shared-memory child's write is missing in the parent"
				    : "a fork child's write leaked into the parent (COW broken)");
		}
	}
}

/* Phase end for a phase whose start was stamped by the child. */
static void end_reap(void)
{
	uint64_t t = rdtsc();
	sys_phase_end(CB_PHASE_REAP, t - SHARED->t_exit);
}

/* After a sharing child, put the parent's own values back (outside any
 * phase) so the next primitive starts from the same state. */
static void restore_region(unsigned rep)
{
	for (uint64_t i = 0; i < P.dirty; i++)
		region[i * 4096] = PARENT_MARK(rep);
}

/* A page the parent writes while its fork child lives (outside the
 * phases), which the child must not see: the region's last page, when it
 * lies in another 2 MiB span than the child's pages, so that the child's
 * dirty phase has the same page-table work to do with it as without (odf
 * copies a table on its span's first write).  0: none. */
static uint64_t late_page(void)
{
	uint64_t last = P.region / 4096 - 1;
	return last / 512 > (P.dirty ? (P.dirty - 1) / 512 : 0) ? last : 0;
}

static void run_fork(unsigned rep)
{
	uint64_t late = late_page();
	sys_phase_begin(CB_PHASE_CREATE, CB_PRIM_FORK, rep);
	uint64_t t0 = rdtsc();
	int64_t pid = sys_fork();
	if (pid == 0)
		child_dirty_and_exit(CB_PRIM_FORK, rep, region, P.dirty,
				     late ? &region[late * 4096] : NULL, PARENT_MARK(0));
	uint64_t t1 = rdtsc();
	sys_phase_end(CB_PHASE_CREATE, t1 - t0);
	if (pid < 0)
		fail("fork failed");
	if (late)
		region[late * 4096] = PARENT_LATE;
	check_status(sys_wait(pid));
	end_reap();
	verify_region(0, rep);
	if (late)
		region[late * 4096] = PARENT_MARK(0);

	/* The child is gone, so the pages it copied are ours alone again:
	 * writing them must reuse the frames, not copy. */
	sys_phase_begin(CB_PHASE_REUSE, CB_PRIM_FORK, rep);
	t0 = rdtsc();
	for (uint64_t i = 0; i < P.dirty; i++)
		region[i * 4096] = PARENT_MARK(rep);
	t1 = rdtsc();
	sys_phase_end(CB_PHASE_REUSE, t1 - t0);
}

static void run_vfork(unsigned rep)
{
	sys_phase_begin(CB_PHASE_CREATE, CB_PRIM_VFORK, rep);
	uint64_t t0 = rdtsc();
	/* The child runs on our stack until it exits, as with Linux vfork:
	 * sys_vfork is returns_twice and user code has no red zone, so the
	 * child's calls cannot clobber anything we still need. */
	int64_t pid = sys_vfork();
	if (pid == 0)
		child_dirty_and_exit(CB_PRIM_VFORK, rep, region, P.dirty, NULL, 0);
	uint64_t t1 = rdtsc();
	/* vfork returns when the child has exited: its reap phase is still
	 * open inside our create phase. */
	sys_phase_end(CB_PHASE_REAP, t1 - SHARED->t_exit);
	sys_phase_end(CB_PHASE_CREATE, t1 - t0);
	if (pid < 0)
		fail("vfork failed");
	check_status(sys_wait(pid));
	verify_region(1, rep);
	restore_region(rep);
}

static void clone_child(uint64_t rep)
{
	child_dirty_and_exit(CB_PRIM_CLONE_VM, (unsigned)rep, region, P.dirty, NULL, 0);
}

static void run_clone_vm(unsigned rep)
{
	sys_phase_begin(CB_PHASE_CREATE, CB_PRIM_CLONE_VM, rep);
	uint64_t t0 = rdtsc();
	int64_t pid = sys_clone_vm(clone_child, USER_SCRATCH_BASE + CLONE_STACK_SIZE, rep);
	uint64_t t1 = rdtsc();
	sys_phase_end(CB_PHASE_CREATE, t1 - t0);
	if (pid < 0)
		fail("clone_vm failed");
	check_status(sys_wait(pid));
	end_reap();
	verify_region(1, rep);
	restore_region(rep);
}

static void run_spawn(unsigned rep)
{
	sys_phase_begin(CB_PHASE_CREATE, CB_PRIM_SPAWN, rep);
	uint64_t t0 = rdtsc();
	int64_t pid = sys_spawn(GIMAGE_CHILD, P.dirty, rep);
	uint64_t t1 = rdtsc();
	sys_phase_end(CB_PHASE_CREATE, t1 - t0);
	if (pid < 0)
		fail("spawn failed");
	check_status(sys_wait(pid));
	end_reap();
}

static void parse_args(void)
{
	static char args[CB_BOOT_CMDLINE_MAX];
	int64_t n = sys_getargs(args, sizeof(args));
	if (n < 0)
		fail("cannot read the command line");
	size_t len = (size_t)n < sizeof(args) ? (size_t)n : sizeof(args);
	int bad = 0;
	P.region = args_u64(args, len, "region", 256 * 1024, &bad);
	P.dirty = args_u64(args, len, "dirty", 16, &bad);
	P.reps = args_u64(args, len, "reps", 3, &bad);
	if (bad)
		fail("region=, dirty= and reps= take decimal numbers");

	const char *v;
	size_t vl;
	P.huge = 0;
	if (args_find(args, len, "gpage", &v, &vl)) {
		if (span_eq(v, vl, "2m"))
			P.huge = 1;
		else if (!span_eq(v, vl, "4k"))
			fail("gpage= must be 4k or 2m");
	}
	bool all = !args_find(args, len, "prims", &v, &vl);
	P.nprims = 0;
	for (unsigned k = 0; all && k < CB_PRIM_COUNT; k++)
		P.prims[P.nprims++] = k;
	for (size_t i = 0; !all && i < vl;) {
		size_t j = i;
		while (j < vl && v[j] != ',')
			j++;
		unsigned k;
		for (k = 0; k < CB_PRIM_COUNT; k++)
			if (span_eq(v + i, j - i, prims[k].name))
				break;
		if (k == CB_PRIM_COUNT || P.nprims == CB_PRIM_COUNT)
			fail("prims= takes a list of primitive names (common/cb_prims.h)");
		P.prims[P.nprims++] = k;
		i = j + 1;
	}
	uint64_t page = P.huge ? 0x200000 : 0x1000;
	if (P.region == 0 || P.region % page)
		fail("region= must be a non-zero multiple of the guest page size");
	if (P.dirty > P.region / 4096)
		fail("dirty= exceeds the region's 4 KiB pages");
}

int main(void)
{
	parse_args();
	if (sys_map(USER_SHARED_BASE, 4096, GMAP_SHARED | GMAP_POPULATE) < 0)
		fail("cannot map the stamp page");
	if (sys_map(USER_SCRATCH_BASE, CLONE_STACK_SIZE, GMAP_POPULATE) < 0)
		fail("cannot map the clone_vm stack");

	/* Populate: the parent's region exists and every page has been
	 * written once before any primitive runs, like the host sweep's. */
	sys_phase_begin(CB_PHASE_POPULATE, CB_PRIM_NONE, 0);
	uint64_t t0 = rdtsc();
	unsigned flags = GMAP_REGION | GMAP_POPULATE | (P.huge ? GMAP_HUGE : 0);
	if (sys_map(USER_REGION_BASE, P.region, flags) < 0)
		fail("cannot map the benchmark region");
	for (uint64_t off = 0; off < P.region; off += 4096)
		region[off] = PARENT_MARK(0);
	uint64_t t1 = rdtsc();
	sys_phase_end(CB_PHASE_POPULATE, t1 - t0);

	for (unsigned rep = 0; rep < P.reps; rep++) {
		for (unsigned i = 0; i < P.nprims; i++) {
			unsigned p = P.prims[i];
			sys_phase_begin(CB_PHASE_NULL, p, rep);
			t0 = rdtsc();
			t1 = rdtsc();
			sys_phase_end(CB_PHASE_NULL, t1 - t0);
			prims[p].run(rep);
		}
	}
	return 0;
}
