/* Guest console text (debugcon bytes and CB_HC_CONSOLE calls): printed
 * line by line to stderr as "guest: ..." with --verbose, and the last few
 * KiB always kept, so an error message can show what the guest said last.
 * Control characters are replaced: a hostile guest does not get to drive
 * the user's terminal.
 *
 * Printing must never hold the VMM past the boot's deadline: a reader
 * that stops reading (a pager, a full pipe, a ^S on the terminal) would
 * otherwise block the exit loop inside write(2), where the watchdog's
 * signal only restarts the call.  So lines go out through a descriptor of
 * our own, non-blocking where the kernel lets us reopen it, with poll(2)
 * bounded by the deadline; on a pipe the console leaves a quarter free for
 * the VMM's own error lines.  Past the deadline, lines are dropped (and
 * counted). */
#ifndef COWBENCH_VM_CONSOLE_H
#define COWBENCH_VM_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>

#include "cb.h"

#define VM_CONSOLE_LINE 256u
#define VM_CONSOLE_TAIL 4096u

struct vm_console {
	int fd;	       /* -1: keep quiet */
	bool own_fd;   /* fd is a non-blocking reopen of the output, closed by fini */
	bool is_pipe;  /* keep a quarter free for the VMM's own error lines and dump */
	uint64_t deadline_ns; /* cb_now_ns() clock; UINT64_MAX: none */
	char line[VM_CONSOLE_LINE];
	size_t line_len;
	char tail[VM_CONSOLE_TAIL]; /* ring */
	uint64_t total;		    /* bytes ever put */
	uint64_t printed;	    /* bytes written to fd */
	uint64_t dropped;	    /* bytes not printed: the reader did not keep up in time */
};

/* out NULL: keep quiet. */
void vm_console_init(struct vm_console *c, FILE *out);
void vm_console_set_deadline(struct vm_console *c, uint64_t deadline_ns);
void vm_console_put(struct vm_console *c, const void *buf, size_t n);
/* Prints a partial last line, if any. */
void vm_console_flush(struct vm_console *c);
/* Flushes and closes what init opened. */
void vm_console_fini(struct vm_console *c);
/* The last bytes (at most len - 1, oldest first), NUL-terminated;
 * returns their count. */
size_t vm_console_tail(const struct vm_console *c, char *buf, size_t len);
/* The most bytes putting n guest bytes can print ("guest: \n" per byte). */
static inline uint64_t vm_console_print_bound(size_t n)
{
	return (uint64_t)n * 8u;
}

#endif
