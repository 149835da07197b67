/* Processes, the run-to-completion scheduler, and the system calls.
 *
 * There is one kernel stack.  A process that is not running exists only as
 * its saved user trapframe; switching processes means replacing the frame
 * the current trap will return through (and CR3).  A process runs until it
 * blocks (wait, vfork) or exits: there is no timer and no preemption, so a
 * benchmark phase is never interrupted by scheduling. */
#include "glib.h"
#include "gsys.h"
#include "kernel.h"
#include "mm.h"

enum pstate { P_FREE = 0, P_RUNNABLE, P_WAIT, P_VFORK, P_ZOMBIE };

struct proc {
	int pid, parent;
	enum pstate st;
	struct aspace *as;
	struct trapframe tf;
	int wait_for;	 /* P_WAIT: the child pid */
	int vfork_child; /* P_VFORK: the child that borrowed our address space */
	int status;
};

#define NPROC 8
static struct proc procs[NPROC];
static struct proc *cur;
static int next_pid = 1;
uint64_t kernel_cr3;

static struct proc *proc_alloc(int parent)
{
	for (int i = 0; i < NPROC; i++) {
		if (procs[i].st == P_FREE) {
			memset(&procs[i], 0, sizeof(procs[i]));
			procs[i].pid = next_pid++;
			procs[i].parent = parent;
			return &procs[i];
		}
	}
	return NULL;
}

static struct proc *proc_find(int pid)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].st != P_FREE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

static void switch_to(struct trapframe *tf, struct proc *next)
{
	if (next == cur)
		return;
	cur->tf = *tf;
	*tf = next->tf;
	if (!cur->as || next->as->pml4 != cur->as->pml4)
		write_cr3(next->as->pml4);
	cur = next;
}

/* Picks the next process after cur blocked or exited: its parent first if
 * it became runnable (so a benchmark continues deterministically), then
 * anything runnable. */
static void schedule(struct trapframe *tf)
{
	struct proc *next = NULL;
	struct proc *parent = proc_find(cur->parent);
	if (parent && parent->st == P_RUNNABLE)
		next = parent;
	for (int i = 0; !next && i < NPROC; i++)
		if (procs[i].st == P_RUNNABLE)
			next = &procs[i];
	if (!next) {
		struct proc *init = proc_find(1);
		if (init && init->st == P_ZOMBIE) {
			static const char name[] = "spurious_debug_traps";
			result_report(name, sizeof(name) - 1, kspurious_db);
			guest_exit(init->status);
		}
		panic("no runnable process (pid %d blocked)", cur->pid);
	}
	switch_to(tf, next);
}

static void user_frame(struct trapframe *tf, uint64_t rip, uint64_t rsp)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = rip;
	tf->rsp = rsp;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = 0x2; /* interrupts stay off: nothing may preempt a phase */
}

static const struct {
	const uint8_t *start, *end;
} images[GIMAGE_COUNT] = {
	[GIMAGE_BENCH] = {image_bench_start, image_bench_end},
	[GIMAGE_CHILD] = {image_child_start, image_child_end},
};

/* A fresh address space running an embedded program, with a stack whose
 * top page is mapped and the rest demand-zero. */
static int load_program(struct proc *p, unsigned image, uint64_t arg0, uint64_t arg1)
{
	if (image >= GIMAGE_COUNT)
		return -1;
	p->as = as_create();
	uint64_t entry = elf_load(p->as, images[image].start,
				  (size_t)(images[image].end - images[image].start));
	if (!entry || as_map(p->as, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, 0) < 0) {
		as_put(p->as);
		p->as = NULL;
		return -1;
	}
	as_map_frame(p->as, USER_STACK_TOP - PAGE_4K, frame_alloc(1), PTE_P | PTE_W | PTE_U);
	user_frame(&p->tf, entry, USER_STACK_TOP - 8);
	p->tf.rdi = arg0;
	p->tf.rsi = arg1;
	return 0;
}

void proc_start_init(void)
{
	struct proc *p = proc_alloc(0);
	if (load_program(p, GIMAGE_BENCH, 0, 0) < 0)
		panic("cannot load the benchmark program");
	p->st = P_RUNNABLE;
	cur = p;
	write_cr3(p->as->pml4);
	/* The first return to user mode goes through the same path as every
	 * other: a trapframe at the top of the kernel stack. */
	struct trapframe *tf =
		(struct trapframe *)((uintptr_t)kstack_top - sizeof(struct trapframe));
	*tf = p->tf;
	trap_enter(tf);
}

/* Makes [va, va+len) safe for the kernel to read (and write, breaking COW
 * first so the kernel never writes through a shared frame). */
static int user_prepare(uint64_t va, uint64_t len, int write)
{
	if (!as_user_range(va, len))
		return -1;
	for (uint64_t p = va & ~(PAGE_4K - 1); p < va + len; p += PAGE_4K) {
		int huge;
		uint64_t *e = as_lookup(cur->as, p, &huge);
		if (!e && (as_fault(cur->as, p, PF_U | (write ? PF_W : 0)) == FAULT_BAD ||
			   !(e = as_lookup(cur->as, p, &huge))))
			return -1;
		if (write && !as_user_writable(cur->as, p) &&
		    as_fault(cur->as, p, PF_P | PF_W | PF_U) == FAULT_BAD)
			return -1;
	}
	return 0;
}

static void sys_exit(struct trapframe *tf, int status)
{
	cur->status = status;
	cur->st = P_ZOMBIE;
	struct proc *parent = proc_find(cur->parent);
	if (parent && parent->st == P_VFORK && parent->vfork_child == cur->pid)
		parent->st = P_RUNNABLE;
	if (parent && parent->st == P_WAIT && parent->wait_for == cur->pid) {
		parent->tf.rax = (uint64_t)(int64_t)status;
		parent->st = P_RUNNABLE;
		cur->st = P_FREE; /* reaped: the parent's wait returns now */
	}
	/* Tearing down the address space we are running on would pull the
	 * kernel's own mapping out from under us (the freed PML4 page is
	 * reused at once): step onto the kernel's tables first.  A vfork or
	 * clone_vm child only drops its reference. */
	if (cur->as->refs == 1)
		write_cr3(kernel_cr3);
	as_put(cur->as);
	cur->as = NULL;
	schedule(tf);
}

static int64_t sys_wait(struct trapframe *tf, int pid)
{
	struct proc *child = proc_find(pid);
	if (!child || child->parent != cur->pid)
		return -1;
	if (child->st == P_ZOMBIE) {
		child->st = P_FREE;
		return child->status;
	}
	/* Blocks: the child's exit puts the status in our saved rax. */
	cur->st = P_WAIT;
	cur->wait_for = pid;
	schedule(tf);
	return 0;
}

/* A slot proc_alloc returns stays P_FREE until it is made runnable, so a
 * failure below just leaves it. */
static int64_t sys_create(struct trapframe *tf, enum gsys kind)
{
	struct proc *child = proc_alloc(cur->pid);
	if (!child)
		return -1;
	child->tf = *tf;
	child->tf.rax = 0;
	switch (kind) {
	case GSYS_FORK:
		child->as = as_fork(cur->as);
		break;
	case GSYS_VFORK:
	case GSYS_CLONE_VM:
		child->as = cur->as;
		cur->as->refs++;
		if (kind == GSYS_CLONE_VM) {
			if (!as_user_range(tf->rdi, 1) || !as_user_range(tf->rsi - 16, 16)) {
				as_put(child->as);
				return -1;
			}
			user_frame(&child->tf, tf->rdi, (tf->rsi & ~15ull) - 8);
			child->tf.rdi = tf->rdx;
		}
		break;
	case GSYS_SPAWN:
		if (load_program(child, (unsigned)tf->rdi, tf->rsi, tf->rdx) < 0)
			return -1;
		as_share_into(child->as, cur->as);
		break;
	default:
		return -1;
	}
	child->st = P_RUNNABLE;
	if (kind == GSYS_VFORK) {
		/* The parent sleeps until the child exits, with the pid already
		 * in its saved rax; the child runs now. */
		tf->rax = (uint64_t)child->pid;
		cur->st = P_VFORK;
		cur->vfork_child = child->pid;
		switch_to(tf, child);
	}
	return child->pid;
}

static int64_t sys_console(uint64_t va, uint64_t len)
{
	/* The VMM takes guest-physical addresses: copy into the kernel's
	 * direct-mapped memory rather than pass a user pointer on. */
	static char buf[CB_HC_CONSOLE_MAX];
	if (len > sizeof(buf) || user_prepare(va, len, 0) < 0)
		return -1;
	memcpy(buf, (const void *)(uintptr_t)va, len);
	console_write(buf, len);
	return 0;
}

static int64_t sys_result(uint64_t va, uint64_t len, uint64_t value)
{
	char name[CB_HC_NAME_MAX];
	if (len == 0 || len > sizeof(name) || user_prepare(va, len, 0) < 0)
		return -1;
	memcpy(name, (const void *)(uintptr_t)va, len);
	result_report(name, len, value);
	return 0;
}

static int64_t sys_getargs(uint64_t va, uint64_t len)
{
	size_t n = boot_args_len < len ? boot_args_len : len;
	if (n && user_prepare(va, n, 1) < 0)
		return -1;
	memcpy((void *)(uintptr_t)va, boot_args, n);
	return (int64_t)boot_args_len;
}

void proc_syscall(struct trapframe *tf)
{
	kcount.syscalls++;
	struct proc *caller = cur;
	int64_t r = -1;
	switch (tf->rax) {
	case GSYS_EXIT:
		sys_exit(tf, (int)tf->rdi);
		break;
	case GSYS_FORK:
	case GSYS_VFORK:
	case GSYS_CLONE_VM:
	case GSYS_SPAWN:
		r = sys_create(tf, (enum gsys)tf->rax);
		break;
	case GSYS_WAIT:
		r = sys_wait(tf, (int)tf->rdi);
		break;
	case GSYS_MAP:
		r = as_map(cur->as, tf->rdi, tf->rsi, (unsigned)tf->rdx);
		break;
	case GSYS_PHASE_BEGIN:
		r = phase_begin((uint32_t)tf->rdi, (uint32_t)tf->rsi, (uint32_t)tf->rdx);
		break;
	case GSYS_PHASE_END:
		r = phase_end((uint32_t)tf->rdi, tf->rsi);
		break;
	case GSYS_CONSOLE:
		r = sys_console(tf->rdi, tf->rsi);
		break;
	case GSYS_RESULT:
		r = sys_result(tf->rdi, tf->rsi, tf->rdx);
		break;
	case GSYS_GETARGS:
		r = sys_getargs(tf->rdi, tf->rsi);
		break;
	}
	/* A call that blocked or switched (exit, wait, vfork) has put another
	 * process's frame in tf; the caller's result is already in its saved
	 * frame, or it has none. */
	if (cur == caller)
		tf->rax = (uint64_t)r;
}

void proc_fault(struct trapframe *tf)
{
	uint64_t va = read_cr2();
	if (as_fault(cur->as, va, tf->error) != FAULT_BAD)
		return;
	/* A benchmark program that faults is a bug in it or in us: stop the
	 * whole run with the evidence rather than measure something else. */
	panic("pid %d: unhandled page fault at %lx (error %lx, rip %lx)", cur->pid, va, tf->error,
	      tf->rip);
}
