/* The register dump that follows a guest error: enough to find the
 * faulting instruction in `objdump -d` of the guest. */
#ifndef COWBENCH_VM_REGS_H
#define COWBENCH_VM_REGS_H

#include <linux/kvm.h>
#include <stddef.h>

/* Several lines, each indented by two spaces and ending in '\n'. */
void vm_regs_format(const struct kvm_regs *r, const struct kvm_sregs *s, char *buf, size_t len);

#endif
