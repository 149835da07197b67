/* The machine-state probe: it times real work (a loop the compiler or a
 * fallback cannot have folded away), and a reading is stable against one
 * disturbed pass. */
#include "check.h"
#include "probe.h"

int main(void)
{
	struct probe_reading r[50];
	cb_error e;
	for (int i = 0; i < 50; i++)
		CHECK(probe_take(&r[i], &e) == 0);
	for (int i = 0; i < 50; i++) {
		/* One iteration a cycle is the most a dependency chain allows:
		 * no CPU runs PROBE_CPU_ITERS of them in less than
		 * PROBE_CPU_ITERS / 7 GHz. */
		CHECK(r[i].cpu_ns >= PROBE_CPU_ITERS / 7.0);
		/* 16 KiB from memory in under a microsecond would be a
		 * copy that never left the L1 (or never happened). */
		CHECK(r[i].mem_ns > 0);
		/* a stuck probe: readings are microseconds, not milliseconds */
		CHECK(r[i].cpu_ns < 1e6 && r[i].mem_ns < 1e6);
	}
	/* Readings of one process a few microseconds apart agree within the
	 * machine's two speeds (about 2.2x here) and an interrupt's worth:
	 * the median of five passes shrugs off one disturbed pass. */
	double lo = r[0].cpu_ns, hi = r[0].cpu_ns;
	for (int i = 1; i < 50; i++) {
		lo = r[i].cpu_ns < lo ? r[i].cpu_ns : lo;
		hi = r[i].cpu_ns > hi ? r[i].cpu_ns : hi;
	}
	printf("probe cpu_ns %.0f..%.0f, mem_ns %.0f (first)\n", lo, hi, r[0].mem_ns);
	CHECK(hi / lo < 20);
	return check_done();
}
