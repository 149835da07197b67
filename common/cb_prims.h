/* The guest's process-creation primitives, in ABI order: the position is
 * the value of enum cb_primitive a phase mark carries, so append only.
 *
 *   X(ENUM, name)   CB_PRIM_<ENUM>; `name` is what users type
 *                   (--primitives), the guest command line (prims=) and
 *                   vm.csv spell, and guest/user/bench.c's run_<name>.
 *
 * Everything else (the enum, the guest's and the VMM's name tables, the
 * benchmark's dispatch table) is expanded from this list, as kvmtool builds
 * its exit-reason names with DEFINE_KVM_EXIT_REASON. */
#ifndef COWBENCH_CB_PRIMS_H
#define COWBENCH_CB_PRIMS_H

#define CB_PRIMITIVES(X)                                                                  \
	X(FORK, fork)	       /* copy page tables, write-protect, COW */                  \
	X(VFORK, vfork)	       /* borrow the parent's address space; parent waits */       \
	X(CLONE_VM, clone_vm) /* share the address space, own stack */                    \
	X(SPAWN, spawn)	       /* fresh address space from an embedded image */

/* [CB_PRIM_FORK] = "fork", ...: for name tables. */
#define CB_PRIM_NAME_INIT(E, n) [CB_PRIM_##E] = #n,

#endif
