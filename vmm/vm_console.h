/* Guest console text (debugcon bytes and CB_HC_CONSOLE calls): printed
 * line by line to stderr as "guest: ..." with --verbose, and the last few
 * KiB always kept, so an error message can show what the guest said last.
 * Control characters are replaced: a hostile guest does not get to drive
 * the user's terminal. */
#ifndef COWBENCH_VM_CONSOLE_H
#define COWBENCH_VM_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>

#include "cb.h"

#define VM_CONSOLE_LINE 256u
#define VM_CONSOLE_TAIL 4096u

struct vm_console {
	FILE *out; /* NULL: keep quiet */
	char line[VM_CONSOLE_LINE];
	size_t line_len;
	char tail[VM_CONSOLE_TAIL]; /* ring */
	uint64_t total;		    /* bytes ever put */
};

void vm_console_init(struct vm_console *c, FILE *out);
void vm_console_put(struct vm_console *c, const void *buf, size_t n);
/* Prints a partial last line, if any. */
void vm_console_flush(struct vm_console *c);
/* The last bytes (at most len - 1, oldest first), NUL-terminated;
 * returns their count. */
size_t vm_console_tail(const struct vm_console *c, char *buf, size_t len);

#endif
