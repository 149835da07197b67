#include "vm_sizing.h"

#include "vm_boot.h"

#define MIB (1024ull * 1024)

uint64_t vm_ram_default(uint64_t region, uint64_t reps, uint64_t nprims, uint64_t cap,
			bool *capped)
{
	uint64_t passes = cb_sat_add(2, cb_sat_mul(reps, nprims));
	uint64_t bytes = cb_sat_add(64 * MIB, cb_sat_mul(region, passes));
	bytes = cb_sat_add(bytes, 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
	*capped = bytes > cap;
	return *capped ? cap : bytes;
}

uint64_t vm_ram_cap(uint64_t host_mem_bytes)
{
	uint64_t half = host_mem_bytes / 2 / (2 * MIB) * (2 * MIB);
	if (half < 128 * MIB)
		half = 128 * MIB;
	return half < VM_RAM_MAX ? half : VM_RAM_MAX;
}

double vm_timeout_default(uint64_t region, uint64_t reps, uint64_t nprims)
{
	double pages = (double)region / 4096.0;
	double passes = 1.0 + (double)reps * (double)nprims;
	double t = 60.0 + 0.002 * pages * passes;
	return t < VM_TIMEOUT_MAX_S ? t : VM_TIMEOUT_MAX_S;
}

uint64_t vm_seconds_to_ns(double s)
{
	if (!(s > 0))
		return 0;
	/* 2^64 is exact as a double; anything at or past it saturates. */
	double ns = s * 1e9;
	return ns >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)ns;
}
