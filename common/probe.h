/* The machine-state probe: how fast this machine is right now.
 *
 * Cloud vCPUs do not run at one speed: on the development VMs a fixed loop
 * takes either about 1x or about 2.2x its usual time, switching at random
 * every few milliseconds to seconds, and process creation follows.  So the
 * host sweep times this probe immediately before every sample (and the VM
 * sweep before every boot): a fixed CPU-only loop and a fixed small copy
 * from memory, constant work, no system calls, a few microseconds each.
 * analysis/norm.h turns a raw time and the probe beside it into a
 * speed-normalized figure; stats_detect_states finds the speed states in a
 * series of readings. */
#ifndef COWBENCH_PROBE_H
#define COWBENCH_PROBE_H

#include "cb.h"

/* Passes timed per reading; the reading is their median, so an interrupt
 * or a preemption landing in one or two passes does not move it. */
#define PROBE_PASSES 5
/* Dependent additions per CPU pass: about 1.3 us at one a cycle on a
 * 3 GHz core. */
#define PROBE_CPU_ITERS 4096
/* Bytes copied per memory pass, from a source evicted from the caches
 * first (untimed), so the pass times the memory path rather than the L1. */
#define PROBE_MEM_BYTES 16384

struct probe_reading {
	double cpu_ns; /* median pass of PROBE_CPU_ITERS dependent additions */
	double mem_ns; /* median pass of a PROBE_MEM_BYTES copy from cold memory */
};

/* Takes one reading.  Returns 0, or -1 with e set when the clock cannot
 * time it (clock_gettime fails, or does not advance over a pass). */
int probe_take(struct probe_reading *out, cb_error *e);

#endif
