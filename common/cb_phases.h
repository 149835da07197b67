/* The benchmark's phases, in ABI order (enum cb_phase; append only).
 *
 *   X(ENUM, name)   CB_PHASE_<ENUM>; `name` as vm.csv's `phase` spells it. */
#ifndef COWBENCH_CB_PHASES_H
#define COWBENCH_CB_PHASES_H

#define CB_PHASES(X)                                                                       \
	X(NULL, null)	      /* begin and end with nothing between: the marks' own cost */ \
	X(CREATE, create)     /* the creating call, to its return in the parent */          \
	X(DIRTY, dirty)	      /* the child writes dirty_pages pages of the region */        \
	X(REAP, reap)	      /* the child exits, the parent's wait returns */              \
	X(REUSE, reuse)	      /* the parent writes the pages after the child is gone */     \
	X(POPULATE, populate) /* the parent maps and touches its region */

#define CB_PHASE_NAME_INIT(E, n) [CB_PHASE_##E] = #n,

#endif
