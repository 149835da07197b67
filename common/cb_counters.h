/* The guest kernel's counters, reported per phase (deltas) in struct
 * cb_phase_record and as vm.csv columns of the same names, in this order.
 * "region" counters cover only the benchmark region, "other" counters
 * everything else (page tables excluded).
 *
 *   X(name, required)   required = 1: every vm.csv has the column (the
 *                       analysis refuses a file without it); 0: files
 *                       written before it existed may lack it.
 *
 * Expanded into: the record's fields (common/cb_abi.h), the guest's running
 * totals and phase deltas and its text record (guest/kernel/phase.c), the
 * VMM's vm.csv columns (vmm/vm_csv.c), the analysis schema
 * (analysis/run.c), qemu-crosscheck.csv's guest columns, and the list
 * results/README.md must match (tests/vm/test_vm_vocab.c).  Adding a
 * counter: a line here, its increment in the guest, its row in
 * results/README.md.  The record's layout is ABI: append only, and bump
 * CB_ABI_VERSION. */
#ifndef COWBENCH_CB_COUNTERS_H
#define COWBENCH_CB_COUNTERS_H

#define CB_COUNTERS(X)                                                                  \
	X(cow_copies, 1)       /* region: 4 KiB pages copied on a COW fault */           \
	X(cow_copies_2m, 1)    /* region: whole 2 MiB pages copied */                    \
	X(cow_reuses, 0)       /* region: COW fault, frame no longer shared */           \
	X(cow_splits, 0)       /* region: 2 MiB mapping split into 4 KiB */              \
	X(zero_fills, 0)       /* region: demand-zero pages */                           \
	X(other_cow_copies, 0)                                                           \
	X(other_cow_reuses, 0)                                                           \
	X(other_zero_fills, 0)                                                           \
	X(pt_pages_copied, 0)  /* page-table pages allocated to copy tables */           \
	X(ptes_copied, 0)      /* entries copied (a 2 MiB entry counts 1) */             \
	X(fresh_frames, 1)     /* 4 KiB frames handed out for the first time */          \
	X(guest_faults, 0)     /* #PF entries into the guest kernel */                   \
	X(syscalls, 0)	       /* system calls into the guest kernel */                  \
	X(full_copies, 0)      /* full fork: 4 KiB pages copied at fork (all private) */ \
	X(pt_copies, 0)	       /* odf: shared page tables copied on their first write */ \
	X(pte_writes, 0)       /* page-table entries the guest kernel stored */

/* One uint64_t field per counter. */
#define CB_COUNTER_FIELD(name, required) uint64_t name;

#endif
