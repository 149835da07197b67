/* Speed-normalized timings: the one definition of what `create_norm`,
 * `child_start_norm`, `total_norm` and `cow_norm` mean.
 *
 * The vCPUs this runs on change speed at random (common/probe.h), so a
 * raw time mixes what the operation costs with how fast the machine was
 * at that moment.  Every host sample carries the machine-state probe
 * taken right before it (host.csv `probe_cpu_ns`, `probe_mem_ns`), and
 * the normalized figure is the raw time rescaled to a fixed reference
 * machine state:
 *
 *   norm = raw * (NORM_REF_CPU_NS / probe_cpu_ns)^w_cpu(raw)
 *              * (NORM_REF_MEM_NS / probe_mem_ns)^w_mem
 *
 * with exponents per metric, the CPU one falling with the time's own
 * magnitude (norm.c says how they were chosen and why).  Its unit
 * is ns "at the reference speed": what the operation would have taken had
 * the probes read the reference values.  The report, compare and the
 * host-summary writer all compute it from host.csv through this function
 * and never from one another's output. */
#ifndef COWBENCH_NORM_H
#define COWBENCH_NORM_H

/* The reference probe readings: the CPU loop of common/probe.h at one
 * iteration per cycle on a 3 GHz core (4096 / 3 GHz), and its 16 KiB copy
 * at 10 GB/s.  Fixed, not measured: normalized figures of two runs, or two
 * machines, are then on one scale. */
#define NORM_REF_CPU_NS (4096.0 / 3.0)
#define NORM_REF_MEM_NS 1638.4

/* The normalized form of one sample of raw_metric (a host.csv column such
 * as "create_ns"); NaN when raw is missing (NaN), a probe it needs is
 * missing or not positive, or the metric has no normalized form. */
double norm_value(const char *raw_metric, double raw, double probe_cpu_ns, double probe_mem_ns);

/* "create_ns" -> "create_norm"; NULL for metrics with no normalized form. */
const char *norm_metric_name(const char *raw_metric);

/* The raw metrics that have a normalized form, in order, NULL-terminated. */
extern const char *const norm_raw_metrics[];

#endif
