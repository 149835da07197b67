#include "vm_console.h"

#include <string.h>

void vm_console_init(struct vm_console *c, FILE *out)
{
	memset(c, 0, sizeof(*c));
	c->out = out;
}

static char clean(unsigned char ch)
{
	if (ch == '\n' || ch == '\t' || (ch >= 0x20 && ch < 0x7f))
		return (char)ch;
	return '?';
}

void vm_console_flush(struct vm_console *c)
{
	if (c->line_len && c->out) {
		fprintf(c->out, "guest: %.*s\n", (int)c->line_len, c->line);
		fflush(c->out);
	}
	c->line_len = 0;
}

void vm_console_put(struct vm_console *c, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	for (size_t i = 0; i < n; i++) {
		char ch = clean(p[i]);
		c->tail[c->total++ % VM_CONSOLE_TAIL] = ch;
		if (ch == '\n') {
			if (c->line_len == 0 && c->out)
				fputs("guest: \n", c->out);
			vm_console_flush(c);
			continue;
		}
		if (c->line_len == VM_CONSOLE_LINE)
			vm_console_flush(c);
		c->line[c->line_len++] = ch;
	}
}

size_t vm_console_tail(const struct vm_console *c, char *buf, size_t len)
{
	if (len == 0)
		return 0;
	uint64_t have = c->total < VM_CONSOLE_TAIL ? c->total : VM_CONSOLE_TAIL;
	size_t n = have < len - 1 ? (size_t)have : len - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = c->tail[(c->total - n + i) % VM_CONSOLE_TAIL];
	buf[n] = '\0';
	return n;
}
