/* The guest command line the VMM builds (space-separated key=value):
 *   region=<bytes> dirty=<pages> prims=<list> reps=<n> gpage=4k|2m
 *   policy=copy|split [extra]
 * The guest kernel parses it; `extra` (--guest-args) is appended as is. */
#ifndef COWBENCH_VM_CMDLINE_H
#define COWBENCH_VM_CMDLINE_H

#include "cb.h"
#include "vm_matrix.h"

/* Returns the length written (NUL-terminated in buf), or -1 when it does
 * not fit CB_BOOT_CMDLINE_MAX or buf, or when extra holds a character
 * other than printable ASCII. */
int vm_cmdline_build(const struct vm_config *c, const int *prims, size_t nprims, uint64_t reps,
		     const char *extra, char *buf, size_t len, cb_error *e);

#endif
