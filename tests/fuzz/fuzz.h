/* Shared by the fuzz harnesses (tests/fuzz/README.md).
 *
 * Each harness defines LLVMFuzzerTestOneInput.  Built with clang's
 * -fsanitize=fuzzer (make fuzz) it is a libFuzzer target; built normally it
 * links fuzz_driver.c instead, which replays files (the seed corpus and
 * every input that once crashed) as a ctest.
 *
 * Code that ends in cb_die calls exit(); the harnesses that reach such code
 * link with -Wl,--wrap=exit, and FUZZ_TRY catches the exit so the fuzzer
 * keeps running and the harness can free what the parse had built. */
#ifndef COWBENCH_FUZZ_H
#define COWBENCH_FUZZ_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern jmp_buf fuzz_exit_jb;
extern volatile int fuzz_exit_armed, fuzz_exit_status;

/* if (FUZZ_TRY()) { code that may exit } ... FUZZ_DONE(); */
#define FUZZ_TRY() (fuzz_exit_armed = 1, setjmp(fuzz_exit_jb) == 0)
#define FUZZ_DONE() (fuzz_exit_armed = 0)

/* The input cut at NUL bytes into at most max strings (malloc'ed, argv[0]
 * = name); returns argc.  fuzz_args_free releases them. */
int fuzz_args(const uint8_t *data, size_t size, const char *name, char **argv, int max);
void fuzz_args_free(char **argv, int argc);

#endif
