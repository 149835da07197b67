/* cowbench-kvm-probe: is /dev/kvm usable here, and what does it count?
 *
 * Creates a VM with one vCPU in 64-bit mode (the same direct entry our VMM
 * uses, so it also runs on PVM hosts), runs a few guest instructions that
 * write one byte to each of N fresh 4 KiB guest pages, print 'K' on port
 * 0xe9 and halt, then prints the KVM binary statistics of the VM and the
 * vCPU as key=value lines.  scripts/nested runs it inside the nested Linux
 * guest after each kvm module load: the first place to look when the
 * nested machinery misbehaves.
 *
 *   cowbench-kvm-probe [--pages N] [--thp]
 * Exit status: 0 the guest ran to its HLT, 1 it did not, 2 bad usage,
 * 77 no usable /dev/kvm. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEM_BYTES (4u << 20)
#define GDT_GPA 0x500u
#define PML4_GPA 0x1000u
#define PDPT_GPA 0x2000u
#define PD_GPA 0x3000u
#define CODE_GPA 0x10000u
#define STACK_TOP 0x8000u
#define TOUCH_GPA 0x200000u /* the second 2 MiB page: never touched by setup */
#define TOUCH_MAX 512u

/* The guest: RBX = first page, RCX = page count (set through KVM_SET_REGS).
 * Position independent, so it is copied to CODE_GPA as bytes. */
__asm__(".pushsection .rodata\n"
	".globl probe_code, probe_code_end\n"
	"probe_code:\n"
	"	test %rcx, %rcx\n"
	"	jz 2f\n"
	"1:	movb $1, (%rbx)\n"
	"	add $0x1000, %rbx\n"
	"	dec %rcx\n"
	"	jnz 1b\n"
	"2:	mov $0xe9, %dx\n"
	"	mov $0x4b, %al\n"
	"	out %al, %dx\n"
	"	hlt\n"
	"probe_code_end:\n"
	".popsection\n");
extern const unsigned char probe_code[], probe_code_end[];

static _Noreturn void die(int status, const char *what, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "cowbench-kvm-probe: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r = ioctl(fd, req, arg);
	if (r < 0)
		die(1, what, "%s", strerror(errno));
	return r;
}

/* Prints every statistic of a KVM binary stats fd as prefix.name=value
 * (histograms as the sum of their buckets).  Names come from the
 * descriptors, never from a list of ours. */
static void print_stats(int vfd, const char *prefix)
{
	int fd = ioctl(vfd, KVM_GET_STATS_FD, NULL);
	if (fd < 0) {
		printf("%s.stats=unavailable\n", prefix);
		return;
	}
	struct kvm_stats_header h;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		die(1, "stats", "cannot read the header");
	size_t dsz = sizeof(struct kvm_stats_desc) + h.name_size;
	char *descs = calloc(h.num_desc, dsz);
	if (!descs)
		die(1, "stats", "out of memory");
	if (pread(fd, descs, dsz * h.num_desc, h.desc_offset) != (ssize_t)(dsz * h.num_desc))
		die(1, "stats", "cannot read the descriptors");
	for (uint32_t i = 0; i < h.num_desc; i++) {
		const struct kvm_stats_desc *d = (const void *)(descs + i * dsz);
		if (d->size == 0 || d->size > 4096)
			continue;
		uint64_t *v = calloc(d->size, sizeof(*v));
		if (!v)
			die(1, "stats", "out of memory");
		ssize_t want = (ssize_t)(d->size * sizeof(*v));
		if (pread(fd, v, (size_t)want, h.data_offset + d->offset) != want)
			die(1, "stats", "cannot read %.*s", (int)h.name_size, d->name);
		uint64_t sum = 0;
		for (uint32_t k = 0; k < d->size; k++)
			sum += v[k];
		printf("%s.%.*s=%" PRIu64 "\n", prefix, (int)h.name_size, d->name, sum);
		free(v);
	}
	free(descs);
	close(fd);
}

static void set_seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int code64)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code64;
	s->db = !code64;
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "cowbench-kvm-probe: run: the guest did not halt within 30 s\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to say */
	}
	_exit(1);
}

int main(int argc, char **argv)
{
	unsigned pages = 16;
	int thp = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pages") && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);
			if (*end || end == argv[i] || v > TOUCH_MAX)
				die(2, "--pages", "'%s' is not a page count (0..%u)", argv[i], TOUCH_MAX);
			pages = (unsigned)v;
		} else if (!strcmp(argv[i], "--thp")) {
			thp = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			puts("usage: cowbench-kvm-probe [--pages N] [--thp]");
			return 0;
		} else {
			die(2, "usage", "unknown argument '%s' (try --help)", argv[i]);
		}
	}

	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die(77, "/dev/kvm", "%s", strerror(errno));
	int api = xioctl(kvm, KVM_GET_API_VERSION, NULL, "KVM_GET_API_VERSION");
	printf("api=%d\n", api);
	int vm = xioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");

	uint8_t *mem = mmap(NULL, MEM_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	if (mem == MAP_FAILED)
		die(1, "mmap", "%s", strerror(errno));
	/* 4 KiB host pages unless asked: then each guest page touched below
	 * is its own second-level (TDP or shadow) fault. */
	madvise(mem, MEM_BYTES, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);

	uint64_t *gdt = (uint64_t *)(mem + GDT_GPA);
	gdt[1] = 0x00af9b000000ffffull; /* 0x08: 64-bit code */
	gdt[2] = 0x00cf93000000ffffull; /* 0x10: data */
	uint64_t *pml4 = (uint64_t *)(mem + PML4_GPA), *pdpt = (uint64_t *)(mem + PDPT_GPA);
	uint64_t *pd = (uint64_t *)(mem + PD_GPA);
	pml4[0] = PDPT_GPA | 0x3;
	pdpt[0] = PD_GPA | 0x3;
	for (unsigned i = 0; i < MEM_BYTES >> 21; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83; /* present, writable, 2 MiB */
	memcpy(mem + CODE_GPA, probe_code, (size_t)(probe_code_end - probe_code));

	struct kvm_userspace_memory_region r = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_BYTES,
		.userspace_addr = (uintptr_t)mem,
	};
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &r, "KVM_SET_USER_MEMORY_REGION");
	int vcpu = xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	int msz = xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, NULL, "KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run = mmap(NULL, (size_t)msz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die(1, "mmap kvm_run", "%s", strerror(errno));

	/* The host's CPUID as KVM supports it: long mode must be visible. */
	int ncpuid = 256;
	struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) + ncpuid * sizeof(cpuid->entries[0]));
	if (!cpuid)
		die(1, "cpuid", "out of memory");
	cpuid->nent = (uint32_t)ncpuid;
	xioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid, "KVM_GET_SUPPORTED_CPUID");
	xioctl(vcpu, KVM_SET_CPUID2, cpuid, "KVM_SET_CPUID2");
	free(cpuid);

	struct kvm_sregs s;
	xioctl(vcpu, KVM_GET_SREGS, &s, "KVM_GET_SREGS");
	set_seg(&s.cs, 0x08, 11, 1);
	set_seg(&s.ds, 0x10, 3, 0);
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.gdt.base = GDT_GPA;
	s.gdt.limit = 3 * 8 - 1;
	s.cr3 = PML4_GPA;
	s.cr4 = 0x20;	      /* PAE */
	s.cr0 = 0x80050033;   /* PG, AM, WP, NE, ET, MP, PE */
	s.efer = 0x500;	      /* LME, LMA */
	xioctl(vcpu, KVM_SET_SREGS, &s, "KVM_SET_SREGS");
	struct kvm_regs regs = {0};
	regs.rip = CODE_GPA;
	regs.rsp = STACK_TOP;
	regs.rflags = 0x2;
	regs.rbx = TOUCH_GPA;
	regs.rcx = pages;
	xioctl(vcpu, KVM_SET_REGS, &regs, "KVM_SET_REGS");

	signal(SIGALRM, on_alarm);
	alarm(30);
	unsigned io = 0;
	char out = 0;
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, NULL) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die(1, "KVM_RUN", "%s", strerror(errno));
		}
		if (run->exit_reason == KVM_EXIT_IO) {
			io++;
			if (run->io.port == 0xe9 && run->io.direction == KVM_EXIT_IO_OUT)
				out = *((char *)run + run->io.data_offset);
			continue;
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		struct kvm_regs now;
		ioctl(vcpu, KVM_GET_REGS, &now);
		die(1, "run", "unexpected exit reason %u at rip 0x%llx", run->exit_reason,
		    (unsigned long long)now.rip);
	}
	alarm(0);
	unsigned seen = 0;
	for (unsigned i = 0; i < pages; i++)
		seen += mem[TOUCH_GPA + (size_t)i * 4096] == 1;
	int ok = out == 'K' && seen == pages;
	printf("exit=hlt\nio_exits_seen=%u\ndebugcon=%c\npages_touched=%u\nguest_ok=%s\n", io,
	       out ? out : '-', seen, ok ? "yes" : "no");
	print_stats(vm, "vm");
	print_stats(vcpu, "vcpu");
	munmap(run, (size_t)msz);
	close(vcpu);
	close(vm);
	munmap(mem, MEM_BYTES);
	close(kvm);
	return ok ? 0 : 1;
}
