/* Public entry points of the VMM library.
 *
 * Where things live (each file does one thing):
 *   vm_main.c      `cowbench vm`: the sweep, progress, exit status
 *   vm_opts.c      options -> matrix, kernel lookup (exit 2 on bad input)
 *   vm_matrix.c    default/quick matrices (tables) -> boot configurations
 *   vm_dims.c      the sweep's named dimensions (one table, generic loops)
 *   vm_names.c     name tables: primitives, phases, guest pages, policies
 *   vm_sizing.c    default guest RAM and watchdog per boot (formulas)
 *   vm_cmdline.c   the guest command line
 *   vm_run.c       one boot: RAM, VM, kernel, registers, exit loop, stats
 *   vm_exit.c      the exit handler: one switch over KVM exit reasons
 *   vm_hcall.c     hypercall decoding and validation (pure)
 *   vm_phase.c     phase nesting
 *   vm_console.c   guest console text: --verbose lines (bounded by the deadline),
 *                  the tail for errors
 *   vm_quota.c     per-boot quotas on what the guest can make us store or print
 *   vm_seccomp.c   the seccomp filter of the exit loop's thread
 *   vm_cpuid.c     the CPUID the guest sees (KVM's PV leaves hidden)
 *   vm_regs.c      the register dump after a guest error
 *   vm_elf.c       ELF64 loader (pure)
 *   vm_boot.c      boot protocol: GDT, page tables, boot info, registers
 *   vm_gmem.h      bounds-checked guest memory access
 *   vm_kvm.c       /dev/kvm ioctls
 *   vm_kstats.c    KVM binary statistics, read from their descriptors
 *   vm_backing.c   guest RAM backings (table), prefault, residency
 *   vm_watchdog.c  stops a runaway guest
 *   vm_store.c, vm_csv.c   one boot's results in memory, appended to the CSVs
 */
#ifndef COWBENCH_VMM_H
#define COWBENCH_VMM_H

int vm_main(int argc, char **argv);

#endif
