/* Guest kernel internals shared between its files. */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "cb_abi.h"

/* Saved user state; the layout matches the pushes in entry.S. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA (0x18 | 3)
#define SEL_UCODE (0x20 | 3)
#define SEL_TSS 0x28

/* boot */
extern struct cb_boot_info boot;
extern char boot_args[CB_BOOT_CMDLINE_MAX];
extern size_t boot_args_len;
extern uint64_t kspurious_db; /* see trap.c */
extern uint64_t kernel_cr3; /* page tables with only the direct map */

/* cpu.c */
void cpu_init(uint64_t kstack_top);

/* console.c / hcall.c */
void console_write(const char *s, size_t n);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int64_t hcall(uint16_t op, uint64_t a0, uint64_t a1, uint64_t a2);
_Noreturn void guest_exit(int status);
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* phase.c */
int phase_begin(uint32_t phase, uint32_t prim, uint32_t rep);
int phase_end(uint32_t phase, uint64_t cycles);
void result_report(const char *name, size_t len, uint64_t value);

/* proc.c */
void proc_start_init(void);
void proc_syscall(struct trapframe *tf);
void proc_fault(struct trapframe *tf);

/* elf.c */
struct aspace;
uint64_t elf_load(struct aspace *as, const uint8_t *img, size_t len);

/* images.S */
extern const uint8_t image_bench_start[], image_bench_end[];
extern const uint8_t image_child_start[], image_child_end[];

/* entry.S */
extern uint8_t kstack_top[];
_Noreturn void trap_enter(struct trapframe *tf);
extern const uint64_t trap_stubs[32];
extern void trap_stub_other(void);

#endif
