#include "kernel.h"
#include "x86.h"

#define RFLAGS_TF 0x100ull
uint64_t kspurious_db;

static const char *const exc_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "", "#TS", "#NP", "#SS",
	"#GP", "#PF", "", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

void trap_dispatch(struct trapframe *tf)
{
	int from_user = (tf->cs & 3) == 3;
	if (from_user && tf->vector == 3) {
		proc_syscall(tf);
		return;
	}
	if (from_user && tf->vector == 14) {
		proc_fault(tf);
		return;
	}
	/* We never set TF.  PVM hosts emulate guest ring 0 in batches and can
	 * leave their own single-step flag on the first ring-3 instruction
	 * after an iretq (seen at boot, depending only on code layout): clear
	 * it, go on, and count it so the results show it happened. */
	if (from_user && tf->vector == 1 && (tf->rflags & RFLAGS_TF)) {
		tf->rflags &= ~RFLAGS_TF;
		kspurious_db++;
		return;
	}
	const char *name = tf->vector < 32 && exc_names[tf->vector] ? exc_names[tf->vector] : "";
	panic("%s exception %s (vector %lu) error %lx at rip %lx rsp %lx rflags %lx cr2 %lx",
	      from_user ? "user" : "kernel", name, tf->vector, tf->error, tf->rip, tf->rsp, tf->rflags,
	      read_cr2());
}
