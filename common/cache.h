/* Evicting memory from the CPU caches, for copies that must start cold. */
#ifndef COWBENCH_CACHE_H
#define COWBENCH_CACHE_H

#include <stddef.h>

/* Writes back and evicts every cache line of [p, p+len).  Uses
 * CLFLUSHOPT where the CPU has it: plain CLFLUSH is ordered against every
 * other flush and costs ~100 ns a line under a hypervisor (1.8 s per GiB
 * measured), CLFLUSHOPT pipelines (35 ms per GiB).  A no-op off x86. */
void cache_flush(const void *p, size_t len);

#endif
