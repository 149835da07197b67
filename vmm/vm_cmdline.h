/* The guest command line the VMM builds (space-separated key=value):
 *   region=<bytes> dirty=<pages> prims=<list> reps=<n>, then
 *   <key>=<value> for each dimension with a command-line key (vm_dims.h:
 *   gpage=4k|2m policy=copy|split), [prefault=1] [extra]
 * The guest kernel parses it; `extra` (--guest-args) is appended as is. */
#ifndef COWBENCH_VM_CMDLINE_H
#define COWBENCH_VM_CMDLINE_H

#include "cb.h"
#include "vm_matrix.h"

/* tdp: the host MMU is two-dimensional (EPT/NPT).  Populating guest RAM
 * on the host fills the host's page tables but not KVM's nested ones,
 * which fill on the guest's first touch of each frame; so a prefaulted
 * boot on TDP also asks the guest to write every frame once at boot
 * (prefault=1), before any phase.  Shadow paging has no such tables for
 * guest-physical memory: there, populating the host is the whole job.
 * (KVM_PRE_FAULT_MEMORY, Linux 6.10, would do it from here; the nested
 * Linux guests run 6.1.)
 * Returns the length written (NUL-terminated in buf), or -1 when it does
 * not fit CB_BOOT_CMDLINE_MAX or buf, or when extra holds a character
 * other than printable ASCII. */
int vm_cmdline_build(const struct vm_config *c, const int *prims, size_t nprims, uint64_t reps,
		     bool tdp, const char *extra, char *buf, size_t len, cb_error *e);

#endif
