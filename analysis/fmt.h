/* Number formatting for tables: three significant digits with a unit
 * prefix, the way a reader compares latencies ("1.23 ms", not 1234567). */
#ifndef COWBENCH_FMT_H
#define COWBENCH_FMT_H

#include <stddef.h>
#include <stdio.h>

/* Nanoseconds as "812 ns", "1.23 µs", "45.6 ms", "1.20 s"; "—" for NaN. */
const char *fmt_ns(double ns, char *buf, size_t len);
/* A plain value with three significant digits ("0.125", "3.40", "1.2e+06"). */
const char *fmt_num(double v, char *buf, size_t len);
/* "[1.20 us, 1.31 us]" */
const char *fmt_ns_ci(double lo, double hi, char *buf, size_t len);
/* Bytes in binary units ("64M"), "0" for 0. */
const char *fmt_bytes(double bytes, char *buf, size_t len);
/* A relative change as "+21.3%" / "-4.0%" / "+inf%". */
const char *fmt_change(double rel, char *buf, size_t len);
/* Writes s to a Markdown table cell: '|' escaped, newlines as spaces. */
void fmt_md_cell(FILE *f, const char *s);

#endif
