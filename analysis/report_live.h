/* The report's answers to what a live child costs (issue 10): the first
 * writes of a parent (or a child) while the other process lives, what
 * copy-on-write copies for them, and what fork costs a threaded parent,
 * one with many mappings, and by the fitted model.  Shared by its files:
 * report_live.c (the configurations, the section, its findings),
 * report_live_writes.c (write latencies, amplification) and
 * report_live_fork.c (threads, mappings, the model). */
#ifndef COWBENCH_REPORT_LIVE_H
#define COWBENCH_REPORT_LIVE_H

#include "fork_model.h"
#include "loghist.h"
#include "report.h"

/* One host configuration, every dimension (host.csv grouped by
 * run_host_keys). */
struct lcfg {
	const struct group *g;
	const char *prim, *mode, *writer, *pattern;
	double mem, dirty, threads, vmas;
	struct stats_summary create, shootdowns;
	double copied, amplification; /* medians over its accounted samples; NaN when none */
	double huge;
	/* its first writes (host-writes.csv), all rounds; n == 0 when none */
	struct loghist writes;
	struct stats_summary write; /* from them, median and interval over rounds */
	unsigned flags;
};

struct live {
	struct report *r;
	struct live_findings *fd;
	struct grouping gr;
	struct lcfg *c;
	size_t n;
};

/* A first-write latency the findings quote.  Its names, like every name
 * here, point into the run's host.csv cells, which outlive the findings. */
struct live_write {
	const char *mode, *pattern, *writer;
	double mem, dirty;
	struct stats_summary s;
};

struct live_amp {
	const char *mode, *pattern, *writer;
	double amplification, dirty;
};

struct live_findings {
	char kernel[96];
	struct live_write w[32];
	size_t nw;
	struct live_amp a[32];
	size_t na;
	/* fork with its other threads reading, against alone */
	bool have_threads;
	const char *t_mode;
	double t_mem;
	struct report_est t1, t2; /* create, 1 and 2 threads */
	double shoot1, shoot2;	  /* TLB shootdowns per fork (median) */
	/* the parent's first writes with a reader on another CPU, against alone */
	bool have_tw;
	const char *tw_mode;
	double tw_mem, tw_dirty;
	struct report_est tw1, tw2; /* write_ns median, 1 and 2 threads */
	double tw_p99_1, tw_p99_2;
	double tw_shoot; /* TLB shootdowns per sample with the reader (median) */
	/* fork against mappings */
	bool have_vmas;
	const char *v_mode;
	double v_mem, v_lo, v_hi; /* mappings, fewest and most */
	struct report_est c_lo, c_hi;
	/* the model */
	bool have_model;
	struct fork_model m;
	char model_note[512]; /* why not, when not */
};

/* Whether a configuration answers the snapshot question: fork with
 * writes, one thread, one mapping. */
bool live_snapshot(const struct lcfg *c);
/* The write figures and tables, and what they find. */
int live_writes(struct live *l, cb_error *e);
int live_amplification(struct live *l, cb_error *e);
/* The fork figures and the model. */
int live_threads(struct live *l, cb_error *e);
/* Fits the fork cost model once (l->fd->m, have_model, model_note): the
 * mapping figure draws it and live_model prints it. */
void live_fit_model(struct live *l);
int live_vmas(struct live *l, cb_error *e);
void live_model(struct live *l);

#endif
