/* What the sweep needs from the system before it measures anything: the
 * exec helper, memory headroom, CPU pinning. */
#ifndef COWBENCH_HOST_SYS_H
#define COWBENCH_HOST_SYS_H

#include "cb.h"

/* Finds cowbench-exec-helper: $COWBENCH_EXEC_HELPER, next to the running
 * binary, in the build tree beside it (../workloads/), or where this
 * build put it.  Returns a malloc'ed path, or NULL with e listing where
 * it looked. */
char *host_sys_find_helper(cb_error *e);

/* This process's page tables (VmPTE) in bytes, NaN when unreadable. */
double host_sys_pte_bytes(void);
/* MemAvailable in bytes, 0 when unknown; *margin is what a run must
 * leave to everything else (both from one read of /proc/meminfo). */
uint64_t host_sys_mem_available(uint64_t *margin);

/* Pins this process (children inherit).  cpus == NULL picks one CPU: the
 * highest-numbered one we may run on, since CPU 0 usually takes the
 * most interrupts.  Returns the value of the `cpu` column: the CPU when
 * pinned to one, -2 when pinned to several (ask sched_getcpu per
 * sample), -1 when unpinned. */
int host_sys_pin(const int *cpus, size_t n, bool unpinned, cb_error *e);

/* The CPUs a sweep may use, before pinning: those of --cpus when given,
 * else every CPU this process may run on.  Returns how many (0 when the
 * affinity cannot be read), the list malloc'ed in *out. */
size_t host_sys_cpus_allowed(const int *cpus, size_t n, int **out);

#endif
