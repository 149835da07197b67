/* When to stop sampling a configuration.
 *
 * A sweep visits every configuration once per round (host_rounds.h) and
 * each visit, a block, takes a few samples.  Two pure decisions, apart
 * from the measuring loop so the tests drive them with synthetic samples:
 *
 * - within a block: at least ceil(min_reps / rounds) samples, then on
 *   until the block has sampled block_ns (fast configurations get many
 *   samples per round, slow ones few);
 * - after each round: the configuration is done when the interval over
 *   its rounds (stats_rounds_summarize) of every watched series is exact
 *   (6 rounds or more) and narrower than target_ci times the median and
 *   its rounds agree, or when it has had `rounds` rounds, max_reps samples
 *   or (once it has min_reps) max_time_ns of sampling.  Rounds that disagree are never called
 *   converged, however narrow: they mean the machine changed under us. */
#ifndef COWBENCH_HOST_ADAPT_H
#define COWBENCH_HOST_ADAPT_H

#include "cb.h"

struct host_adapt {
	size_t min_reps, max_reps; /* samples per configuration, over all rounds */
	double target_ci;	   /* relative interval width, e.g. 0.02 */
	uint64_t max_time_ns;	   /* sampling time per configuration, over all rounds */
	unsigned rounds;	   /* rounds at most */
	uint64_t block_ns;	   /* a block samples at least this long */
};

enum host_stop {
	HOST_STOP_NONE,	  /* keep sampling */
	HOST_STOP_CI,	  /* every watched interval within target */
	HOST_STOP_ROUNDS, /* `rounds` rounds done first */
	HOST_STOP_REPS,	  /* max_reps reached first */
	HOST_STOP_TIME,	  /* max_time_ns reached first */
	HOST_STOP_COUNT
};

extern const char *const host_stop_names[HOST_STOP_COUNT];

/* Samples a block takes at least. */
size_t host_adapt_block_min(const struct host_adapt *a);

/* Whether a block that has taken block_n samples in block_elapsed_ns
 * takes another; n and elapsed_ns count the configuration's samples and
 * sampling time so far, this block included. */
bool host_adapt_block_more(const struct host_adapt *a, size_t block_n,
			   uint64_t block_elapsed_ns, size_t n, uint64_t elapsed_ns);

/* First writes: a configuration may ask for at least min_writes of them
 * (host_config.min_writes: a p99.9 needs thousands), spread over the
 * rounds like min_reps.  Whether a block that has recorded block_writes
 * takes another sample for them (within the caps: elapsed_ns is the
 * configuration's sampling time so far, n its samples). */
bool host_adapt_block_more_writes(const struct host_adapt *a, uint64_t min_writes,
				  uint64_t block_writes, size_t n, uint64_t elapsed_ns);

/* A configuration whose intervals converged (HOST_STOP_CI) still samples
 * until it has min_writes first writes; returns the stop that stands. */
enum host_stop host_adapt_decide_writes(enum host_stop stop, uint64_t min_writes,
					uint64_t writes);

/* true when the interval over rounds of x[0..n) (round[i] the round of
 * x[i]) is exact, within target_ci, and its rounds agree. */
bool host_adapt_converged(const struct host_adapt *a, const double *x, const int *round,
			  size_t n);

/* After a round: series are nseries arrays of n samples, round[] their
 * rounds; rounds_done the rounds that gave this configuration a block. */
enum host_stop host_adapt_decide(const struct host_adapt *a, const double *const *series,
				 size_t nseries, const int *round, size_t n, unsigned rounds_done,
				 uint64_t elapsed_ns);

/* For a measurement taken in one go (the copy floor): samples until the
 * median's 95% interval over the samples of x[0..n) is exact and within
 * target_ci, at least min_reps, at most max_reps or max_time_ns. */
enum host_stop host_adapt_decide_once(const struct host_adapt *a, const double *x, size_t n,
				      uint64_t elapsed_ns);

#endif
