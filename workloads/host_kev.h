/* Kernel-side counts per sample: what the kernel did for the parent's
 * threads (the measuring one and the ones reading the region) while one
 * sample ran, through perf_event_open (common/perfev.h), and the TLB
 * shootdown interrupts the whole machine took meanwhile.
 *
 * The counters are opened without `inherit`: an inherited counter is
 * copied into every child at fork, and four inherited tracepoints made a
 * fork of a small process 50 us slower here (66 -> 124 us), which is the
 * very thing measured.  So the child's own faults are counted by the child
 * (cow_faults, getrusage around its writes); these say what the parent's
 * side cost.  Even uninherited, an enabled counter costs its thread at
 * every context switch (a vfork, which switches twice, took 0.7 us longer
 * with 3 tracepoints enabled and 2.5 us with 9, measured here), so they
 * are enabled for one sample per block only, the sweep's observed sample,
 * and read before and after it: reads are one system call per counter,
 * outside every timed window.  The TLB shootdown interrupts cost nothing
 * to count and are read around every sample.  What this kernel lacks (a
 * tracepoint, tracefs, permission) is named in host-run.json and its
 * column stays empty. */
#ifndef COWBENCH_HOST_KEV_H
#define COWBENCH_HOST_KEV_H

#include "perfev.h"

#include "host_kevents.h"

#define HOST_KEV_ENUM_(E, col, perf, unused) HOST_KEV_##E,
enum host_kev_id { HOST_KEVENTS(HOST_KEV_ENUM_, ) HOST_KEV_COUNT };
#undef HOST_KEV_ENUM_

extern const char *const host_kev_perf_names[HOST_KEV_COUNT];

/* The counters of one thread. */
struct host_kev_thread {
	struct perfev_set set;
	int kind[PERFEV_MAX]; /* set.ev[i] counts into this HOST_KEV_* */
};

/* Opens the counters for the calling thread, disabled.  Returns how many
 * opened; what could not be is in t->set.missing. */
size_t host_kev_open(struct host_kev_thread *t);
void host_kev_close(struct host_kev_thread *t);
/* Enables (zeroed) or disables the counters of n threads. */
void host_kev_enable(struct host_kev_thread *const *t, size_t n, bool on);

/* A reading of n threads' counters and of the machine's TLB shootdown
 * interrupts.  NaN where a kind has no counter open. */
struct host_kev_reading {
	double v[HOST_KEV_COUNT];
	double tlb_shootdowns; /* /proc/interrupts "TLB", every CPU */
	/* /proc/vmstat thp_split_pmd, the whole machine: this kernel has no
	 * tracepoint for the PMD split a THP's COW makes (huge_memory:* are
	 * khugepaged's collapses); NaN unless observed */
	double thp_split_pmd;
};
void host_kev_read(struct host_kev_thread *const *t, size_t n, struct host_kev_reading *out);
/* The shootdown interrupts alone; v[] all NaN. */
void host_kev_read_tlb(struct host_kev_reading *out);
/* after - before, kind by kind (NaN stays NaN). */
void host_kev_delta(const struct host_kev_reading *before, const struct host_kev_reading *after,
		    struct host_kev_reading *out);

/* The value of `field` in /proc/vmstat text, NaN when absent. */
double host_kev_vmstat(const char *text, const char *field);

/* The sum of the "TLB:" line of /proc/interrupts text (the shootdown IPIs
 * each CPU took), or NaN when there is none. */
double host_kev_tlb_line(const char *text);

/* Sets up tracefs for the tracepoints (mounting it when absent and we are
 * root); a note for host-run.json says what happened. */
void host_kev_setup(char *note, size_t len);
void host_kev_teardown(void);

#endif
