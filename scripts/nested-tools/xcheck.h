/* cowbench-xcheck: the arithmetic and the files of scripts/qemu-crosscheck,
 * which keeps only the QEMU and QMP control.  xcheck_read.c turns one run
 * (QEMU's or `cowbench vm`'s) into a measurement; xcheck.c plans the runs
 * and writes the CSVs. */
#ifndef COWBENCH_XCHECK_H
#define COWBENCH_XCHECK_H

#include "cb.h"
#include "csv.h"

/* A measurement: named integer values (guest counters, KVM statistics,
 * times), in the order first set. */
struct meas {
	struct {
		char *name;
		int64_t v;
	} *kv;
	size_t n, cap;
	char mmu[32]; /* cowbench runs: vm.csv's mmu; "" for QEMU runs */
	char status_note[160]; /* set when the guest did not exit cleanly: why */
};

void meas_add(struct meas *m, const char *name, int64_t v);
void meas_set(struct meas *m, const char *name, int64_t v);
bool meas_get(const struct meas *m, const char *name, int64_t *v);
void meas_free(struct meas *m);

/* exits - transport_exits - irq_exits - signal_exits (host interrupts and
 * signals grow with the machine's load, not with the guest). */
void meas_exits_net(struct meas *m);

/* A QEMU run's folder (see scripts/qemu-crosscheck): debugcon.log,
 * exit.bin, t0/first/end ($EPOCHREALTIME) and the QMP query-stats replies
 * query-stats-vm.json / -vcpu.json.  Every statistic also goes to `stats`
 * as "qemu,<run>,<target>,<name>,<value>" rows.  Exits 1 when the files
 * say the run failed. */
void xcheck_read_qemu(const char *dir, const char *run, struct meas *m,
		      struct csv_writer *stats);

/* A `cowbench vm` run's folder: out/vm.csv, out/vm-stats.csv,
 * out/vm-boots.csv, t0 and end.  scope_phase NULL: every phase row; else
 * that phase's rows only.  qemu_has: the KVM statistics QEMU reported (a
 * column listed there but absent here did not move: 0).  stats: NULL, or
 * where the summed statistics go as "cowbench,<run>,<source>,<name>,<v>". */
void xcheck_read_cowbench(const char *dir, const char *run, const char *scope_phase,
			  const struct meas *qemu_has, struct meas *m, struct csv_writer *stats);

/* The last lines of a log, indented, on stderr: what explains an error. */
void xcheck_show_tail(const char *path, int lines);

#endif
