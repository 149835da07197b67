/* host-run.json: what a host sweep was asked to do and what it saw of the
 * machine as a whole.  Written atomically before the first sample (so an
 * interrupted sweep can be resumed with the same options and seed) and
 * again when the sweep ends. */
#ifndef COWBENCH_HOST_RUNFILE_H
#define COWBENCH_HOST_RUNFILE_H

#include <jansson.h>

#include "cb.h"
#include "env.h"

struct host_runfile {
	uint64_t seed;
	unsigned rounds;
	char **args;  /* the options, without --out and --resume */
	size_t nargs;
	bool resumed; /* this sweep continues an earlier one */
	bool ticks_ok;
	struct env_ticks ticks_before; /* /proc/stat when the sweep started */
	double load_before;	       /* 1-minute load average then */
	uint64_t start_ns;
	/* What the sweep found out about measuring here (set by it): */
	const char *trace_note;	   /* tracefs, for the kernel's counts */
	char kev_missing[512];	   /* counters that could not be opened, and why */
	char write_timer[160];	   /* the clock around each first write, and why */
	double tsc_overhead_ns, clock_overhead_ns;
	char copied_by[200];	   /* how copied_bytes is counted, and why */
};

/* argv[0] is "host"; --out and --resume are left out of args. */
void host_runfile_init(struct host_runfile *rf, int argc, char **argv, uint64_t seed,
		       unsigned rounds, bool resumed);
/* Before the sweep: status "running".  After: the exit status, the
 * elapsed time and the steal time over the sweep. */
int host_runfile_write(const struct host_runfile *rf, const char *dir, bool done, int status,
		       cb_error *e);
/* Reads DIR/host-run.json back (seed, rounds, args). */
int host_runfile_read(struct host_runfile *rf, const char *dir, cb_error *e);
void host_runfile_free(struct host_runfile *rf);

#endif
