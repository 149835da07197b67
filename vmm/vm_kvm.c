#include "vm_kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm_boot.h"

static int get_supported_cpuid(struct kvm_sys *k, cb_error *e)
{
	/* The kernel says E2BIG until the buffer is big enough. */
	for (uint32_t n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = cb_xcalloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		c->nent = n;
		if (ioctl(k->fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			k->cpuid = c;
			for (uint32_t i = 0; i < c->nent; i++)
				if (c->entries[i].function == 0x80000001)
					k->nx = c->entries[i].edx & (1u << 20);
			return 0;
		}
		int err = errno;
		free(c);
		if (err != E2BIG) {
			errno = err;
			cb_error_errno(e, "KVM_GET_SUPPORTED_CPUID");
			return -1;
		}
	}
	cb_error_set(e, "KVM_GET_SUPPORTED_CPUID: more than 4096 entries");
	return -1;
}

int kvm_sys_open(struct kvm_sys *k, cb_error *e)
{
	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (k->fd < 0) {
		cb_error_errno(e, "cannot open /dev/kvm");
		return -1;
	}
	int api = ioctl(k->fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		cb_error_set(e, "/dev/kvm speaks API %d, this VMM needs %d", api, KVM_API_VERSION);
		goto fail;
	}
	static const struct {
		int cap;
		const char *name;
	} need[] = {
		{KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
		{KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
		/* The watchdog stops a runaway guest through immediate_exit. */
		{KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
	};
	for (size_t i = 0; i < CB_ARRAY_SIZE(need); i++) {
		if (ioctl(k->fd, KVM_CHECK_EXTENSION, need[i].cap) <= 0) {
			cb_error_set(e, "/dev/kvm lacks %s", need[i].name);
			goto fail;
		}
	}
	k->stats_fd = ioctl(k->fd, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) > 0;
	int sz = ioctl(k->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof(struct kvm_run)) {
		cb_error_errno(e, "KVM_GET_VCPU_MMAP_SIZE returned %d", sz);
		goto fail;
	}
	k->run_size = (size_t)sz;
	if (get_supported_cpuid(k, e) < 0)
		goto fail;
	return 0;
fail:
	kvm_sys_close(k);
	return -1;
}

void kvm_sys_close(struct kvm_sys *k)
{
	if (k->fd >= 0)
		close(k->fd);
	free(k->cpuid);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}

int kvm_vm_create(struct kvm_vm *vm, const struct kvm_sys *k, cb_error *e)
{
	memset(vm, 0, sizeof(*vm));
	vm->vcpu_fd = -1;
	vm->fd = ioctl(k->fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		cb_error_errno(e, "KVM_CREATE_VM");
		return -1;
	}
	return 0;
}

int kvm_vm_set_ram(struct kvm_vm *vm, void *hva, uint64_t bytes, cb_error *e)
{
	struct kvm_userspace_memory_region r = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = bytes,
		.userspace_addr = (uintptr_t)hva,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
		cb_error_errno(e, "KVM_SET_USER_MEMORY_REGION (%" PRIu64 " bytes)", bytes);
		return -1;
	}
	return 0;
}

int kvm_vcpu_create(struct kvm_vm *vm, const struct kvm_sys *k, cb_error *e)
{
	vm->vcpu_fd = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0) {
		cb_error_errno(e, "KVM_CREATE_VCPU");
		return -1;
	}
	void *run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (run == MAP_FAILED) {
		cb_error_errno(e, "mmap of kvm_run");
		return -1;
	}
	vm->run = run;
	vm->run_size = k->run_size;
	if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, k->cpuid) < 0) {
		cb_error_errno(e, "KVM_SET_CPUID2");
		return -1;
	}
	return 0;
}

int kvm_vcpu_boot(struct kvm_vm *vm, const struct kvm_sys *k, uint64_t entry, cb_error *e)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	struct kvm_fpu f;
	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		cb_error_errno(e, "KVM_GET_SREGS");
		return -1;
	}
	vm_boot_sregs(&s, k->nx);
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &s) < 0) {
		cb_error_errno(e, "KVM_SET_SREGS (64-bit boot state)");
		return -1;
	}
	vm_boot_regs(&r, entry);
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &r) < 0) {
		cb_error_errno(e, "KVM_SET_REGS");
		return -1;
	}
	vm_boot_fpu(&f);
	if (ioctl(vm->vcpu_fd, KVM_SET_FPU, &f) < 0) {
		cb_error_errno(e, "KVM_SET_FPU");
		return -1;
	}
	return 0;
}

uint64_t kvm_vcpu_tsc_khz(struct kvm_vm *vm)
{
	int khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	return khz > 0 ? (uint64_t)khz : 0;
}

int kvm_stats_fd(struct kvm_vm *vm, bool vcpu)
{
	return ioctl(vcpu ? vm->vcpu_fd : vm->fd, KVM_GET_STATS_FD, 0);
}

int __kvm_vcpu_run(struct kvm_vm *vm)
{
	return ioctl(vm->vcpu_fd, KVM_RUN, 0);
}

int kvm_vcpu_get_regs(struct kvm_vm *vm, struct kvm_regs *r, struct kvm_sregs *s)
{
	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, r) < 0 || ioctl(vm->vcpu_fd, KVM_GET_SREGS, s) < 0)
		return -1;
	return 0;
}

void kvm_vm_destroy(struct kvm_vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->fd >= 0)
		close(vm->fd);
	memset(vm, 0, sizeof(*vm));
	vm->fd = vm->vcpu_fd = -1;
}
