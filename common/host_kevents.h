/* The kernel's counts per host sample (workloads/host_kev.h counts them):
 * one list for the counters opened, the host.csv columns they fill and the
 * analysis's schema of host.csv.
 *
 *   X(ENUM, column, perf name, ...): "system:*" sums every event of a
 *   tracepoint system.  The trailing arguments are passed through, so a
 *   list can be expanded inside another X-macro's expansion.
 */
#ifndef COWBENCH_HOST_KEVENTS_H
#define COWBENCH_HOST_KEVENTS_H

#define HOST_KEVENTS(X, ...)                                                     \
	X(PAGE_FAULTS, k_page_faults, "sw:page-faults", __VA_ARGS__)             \
	X(PF_USER, k_page_fault_user, "exceptions:page_fault_user", __VA_ARGS__) \
	X(TLB_FLUSH, k_tlb_flush, "tlb:tlb_flush", __VA_ARGS__)                  \
	X(HUGE_MEMORY, k_huge_memory, "huge_memory:*", __VA_ARGS__)

#endif
