/* How the guest kernel's fork() copies an address space: one design per
 * boot (`cowbench vm --fork-design`, the guest's fork= key, vm.csv's
 * fork_design), in this order everywhere it is listed.
 *
 *   X(ENUM, name)   FORK_<ENUM> in the guest (guest/kernel/mm.h) */
#ifndef COWBENCH_CB_FORK_DESIGNS_H
#define COWBENCH_CB_FORK_DESIGNS_H

#define CB_FORK_DESIGNS(X)                                                                 \
	X(FULL, full)	/* copy every private page at fork: what COW was invented to avoid */ \
	X(EAGER, eager) /* copy the page tables at fork, share the pages copy-on-write */    \
	X(ODF, odf)	/* share the last-level page tables too, copy one on its first       \
			   write (On-demand-fork, Zhao, Gong and Fonseca, EuroSys 2021) */

/* What fork did before there was a choice, and does by default. */
#define CB_FORK_DESIGN_DEFAULT "eager"

#define CB_FORK_DESIGN_NAME(E, n) #n,

#endif
