/* exit() as cb_die calls it, caught for FUZZ_TRY (linked with
 * -Wl,--wrap=exit); any other exit, libFuzzer's own included, is real. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

jmp_buf fuzz_exit_jb;
volatile int fuzz_exit_armed, fuzz_exit_status;

void __real_exit(int status) __attribute__((noreturn));
void __wrap_exit(int status) __attribute__((noreturn));

void __wrap_exit(int status)
{
	if (fuzz_exit_armed) {
		fuzz_exit_armed = 0;
		fuzz_exit_status = status;
		fflush(NULL);
		longjmp(fuzz_exit_jb, 1);
	}
	__real_exit(status);
}

int fuzz_args(const uint8_t *data, size_t size, const char *name, char **argv, int max)
{
	int argc = 0;
	argv[argc++] = strdup(name);
	size_t i = 0;
	while (i < size && argc < max) {
		const uint8_t *nul = memchr(data + i, 0, size - i);
		size_t n = nul ? (size_t)(nul - (data + i)) : size - i;
		char *s = malloc(n + 1);
		memcpy(s, data + i, n);
		s[n] = '\0';
		argv[argc++] = s;
		i += n + 1;
	}
	argv[argc] = NULL;
	return argc;
}

void fuzz_args_free(char **argv, int argc)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
}
