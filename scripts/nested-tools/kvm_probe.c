/* cowbench-kvm-probe: is /dev/kvm usable here, and what does it count?
 *
 * Creates a VM with one vCPU through the VMM library (vmm/: the same
 * direct 64-bit entry cowbench vm uses, so it also runs on PVM hosts), runs
 * a few guest instructions that write one byte to each of N fresh 4 KiB
 * guest pages, print 'K' on port 0xe9 and halt, then prints the KVM binary
 * statistics of the VM and the vCPU as key=value lines.  scripts/nested
 * runs it inside the nested Linux guest after each kvm module load: the
 * first place to look when the nested machinery misbehaves, without the
 * guest kernel or the sweep.
 *
 *   cowbench-kvm-probe [--pages N] [--thp]
 * Exit status: 0 the guest ran to its HLT, 1 it did not, 2 bad usage,
 * 77 no usable /dev/kvm. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "anonmem.h"
#include "cb_abi.h"
#include "vm_boot.h"
#include "vm_exit.h"
#include "vm_gmem.h"
#include "vm_kstats.h"
#include "vm_kvm.h"

#define MEM_BYTES (4u << 20)
#define CODE_GPA CB_BOOT_RESERVED_END
#define TOUCH_GPA 0x200000u /* the second 2 MiB page: never touched by setup */
#define TOUCH_MAX 512u

/* The guest: RBX = first page, RCX = page count.  Position independent, so
 * it is copied to CODE_GPA as bytes. */
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

/* Every statistic as prefix.name=value; names come from the descriptors. */
static void print_stats(struct kvm_vm *vm, bool vcpu, const char *prefix)
{
	struct kstats s;
	cb_error e;
	int fd = kvm_stats_fd(vm, vcpu);
	if (fd < 0 || kstats_open(&s, fd, &e) < 0) {
		printf("%s.stats=unavailable\n", prefix);
		return;
	}
	uint64_t *v = cb_xcalloc(s.ndesc, sizeof(*v));
	if (kstats_read(&s, v, &e) < 0)
		cb_die_err(1, "stats", &e);
	for (uint32_t i = 0; i < s.ndesc; i++)
		printf("%s.%s=%" PRIu64 "\n", prefix, s.desc[i].name, v[i]);
	free(v);
	kstats_close(&s);
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "cowbench: run: the guest did not halt within 30 s\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to say */
	}
	_exit(1);
}

int main(int argc, char **argv)
{
	unsigned pages = 16;
	bool thp = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pages") && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);
			if (*end || end == argv[i] || v > TOUCH_MAX)
				cb_die(2, "--pages", "'%s' is not a page count (0..%u)", argv[i],
				       TOUCH_MAX);
			pages = (unsigned)v;
		} else if (!strcmp(argv[i], "--thp")) {
			thp = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			puts("usage: cowbench-kvm-probe [--pages N] [--thp]");
			return 0;
		} else {
			cb_die(2, "usage", "unknown argument '%s' (try --help)", argv[i]);
		}
	}

	cb_error e;
	struct kvm_sys k;
	if (kvm_sys_open(&k, &e) < 0)
		cb_die_err(77, "/dev/kvm", &e);
	/* 4 KiB host pages unless asked: then each guest page touched below
	 * is its own second-level (TDP or shadow) fault. */
	struct anon_mem mem;
	if (anon_mem_map(&mem, thp ? MEM_THP : MEM_4K, MEM_BYTES, &e) < 0)
		cb_die_err(1, "guest RAM", &e);
	struct gmem g = {mem.base, mem.bytes, true};
	struct vm_boot_params bp = {0, "", 0};
	if (vm_boot_write(&g, &bp, &e) < 0)
		cb_die_err(1, "boot structures", &e);
	memcpy(mem.base + CODE_GPA, probe_code, (size_t)(probe_code_end - probe_code));

	struct kvm_vm vm;
	if (kvm_vm_create(&vm, &k, &e) < 0 || kvm_vm_set_ram(&vm, mem.base, mem.bytes, &e) < 0 ||
	    kvm_vcpu_create(&vm, &k, &e) < 0 || kvm_vcpu_boot(&vm, &k, CODE_GPA, &e) < 0)
		cb_die_err(1, "VM", &e);
	struct kvm_regs regs;
	if (ioctl(vm.vcpu_fd, KVM_GET_REGS, &regs) < 0)
		cb_die(1, "KVM_GET_REGS", "%s", strerror(errno));
	regs.rbx = TOUCH_GPA;
	regs.rcx = pages;
	if (ioctl(vm.vcpu_fd, KVM_SET_REGS, &regs) < 0)
		cb_die(1, "KVM_SET_REGS", "%s", strerror(errno));

	signal(SIGALRM, on_alarm);
	alarm(30);
	unsigned io = 0;
	char out = 0;
	for (;;) {
		if (__kvm_vcpu_run(&vm) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			cb_die(1, "KVM_RUN", "%s", strerror(errno));
		}
		if (vm.run->exit_reason == KVM_EXIT_IO) {
			io++;
			if (vm.run->io.port == 0xe9 && vm.run->io.direction == KVM_EXIT_IO_OUT)
				out = *((char *)vm.run + vm.run->io.data_offset);
			continue;
		}
		if (vm.run->exit_reason == KVM_EXIT_HLT)
			break;
		struct kvm_sregs s;
		kvm_vcpu_get_regs(&vm, &regs, &s);
		const char *name = vm_exit_reason_name(vm.run->exit_reason);
		cb_die(1, "run", "unexpected exit %s (%u) at rip 0x%llx", name ? name : "?",
		       vm.run->exit_reason, (unsigned long long)regs.rip);
	}
	alarm(0);
	unsigned seen = 0;
	for (unsigned i = 0; i < pages; i++)
		seen += mem.base[TOUCH_GPA + (size_t)i * 4096] == 1;
	bool ok = out == 'K' && seen == pages;
	printf("exit=hlt\nio_exits_seen=%u\ndebugcon=%c\npages_touched=%u\nguest_ok=%s\n", io,
	       out ? out : '-', seen, ok ? "yes" : "no");
	print_stats(&vm, false, "vm");
	print_stats(&vm, true, "vcpu");
	kvm_vm_destroy(&vm);
	kvm_sys_close(&k);
	anon_mem_unmap(&mem);
	return ok ? 0 : 1;
}
