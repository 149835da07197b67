/* The host's process-creation primitives: the one list every other place
 * (the enum, the name and behaviour table in workloads/host_prim.c, the
 * --primitives help and default, the order analysis sorts them in) is
 * generated from, in the style of kvmtool's DEFINE_KVM_EXIT_REASON.
 *
 * X(ID, name, execs, shares_vm):
 *   ID         HOST_PRIM_<ID>
 *   name       as the user spells it (--primitives, the primitive column);
 *              workloads/host_prim.c implements it as prim_<name>()
 *   execs      the child runs the exec helper: no dirtying loop
 *   shares_vm  the child writes the parent's pages: no copy-on-write
 * In the order tables and the default run list them. */
#ifndef COWBENCH_HOST_PRIMS_H
#define COWBENCH_HOST_PRIMS_H

#define HOST_PRIMS(X)                                 \
	X(FORK, fork, false, false)                   \
	X(VFORK, vfork, false, true)                  \
	X(CLONE_VM, clone_vm, false, true)            \
	X(POSIX_SPAWN, posix_spawn, true, false)      \
	X(FORK_EXEC, fork_exec, true, false)          \
	X(VFORK_EXEC, vfork_exec, true, false)

#define HOST_PRIM_ENUM_(ID, name, execs, shares_vm) HOST_PRIM_##ID,
enum host_prim_id { HOST_PRIMS(HOST_PRIM_ENUM_) HOST_PRIM_COUNT };
#undef HOST_PRIM_ENUM_

/* The names as string literals in list order, for initializers:
 * { HOST_PRIMS(HOST_PRIM_NAME) NULL } is a NULL-terminated name list. */
#define HOST_PRIM_NAME(ID, name, execs, shares_vm) #name,

#endif
