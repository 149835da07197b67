/* Raw /dev/kvm: the system fd, one VM with one vCPU.  Functions return
 * -1 with the reason in a cb_error (a failed boot is recorded and the
 * sweep moves on); nothing here exits the process. */
#ifndef COWBENCH_VM_KVM_H
#define COWBENCH_VM_KVM_H

#include <linux/kvm.h>

#include "cb.h"

struct kvm_sys {
	int fd;
	size_t run_size;	  /* KVM_GET_VCPU_MMAP_SIZE */
	struct kvm_cpuid2 *cpuid; /* KVM_GET_SUPPORTED_CPUID, handed to every vCPU */
	bool nx;		  /* CPUID 0x80000001 EDX.NX */
	bool stats_fd;		  /* KVM_CAP_BINARY_STATS_FD */
};

struct kvm_vm {
	int fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
};

/* Opens /dev/kvm and checks what this VMM needs (API 12, user memory,
 * immediate_exit for the watchdog, supported CPUID). */
int kvm_sys_open(struct kvm_sys *k, cb_error *e);
void kvm_sys_close(struct kvm_sys *k);

/* Leaves vm destroyable (kvm_vm_destroy) whether or not it succeeds. */
int kvm_vm_create(struct kvm_vm *vm, const struct kvm_sys *k, cb_error *e);
int kvm_vm_set_ram(struct kvm_vm *vm, void *hva, uint64_t bytes, cb_error *e);
int kvm_vcpu_create(struct kvm_vm *vm, const struct kvm_sys *k, cb_error *e);
/* Registers for the cb_abi.h boot protocol (see vm_boot.h). */
int kvm_vcpu_boot(struct kvm_vm *vm, const struct kvm_sys *k, uint64_t entry, cb_error *e);
/* The guest TSC frequency in kHz; 0 when KVM cannot tell. */
uint64_t kvm_vcpu_tsc_khz(struct kvm_vm *vm);
/* A stats fd (KVM_GET_STATS_FD) of the VM (vcpu false) or vCPU; -1. */
int kvm_stats_fd(struct kvm_vm *vm, bool vcpu);
/* KVM_RUN as is: 0, or -1 with errno (EINTR when a signal kicked us). */
int __kvm_vcpu_run(struct kvm_vm *vm);
int kvm_vcpu_get_regs(struct kvm_vm *vm, struct kvm_regs *r, struct kvm_sregs *s);
void kvm_vm_destroy(struct kvm_vm *vm);

#endif
