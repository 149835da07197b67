/* ELF64 loader for the guest kernel: a pure function over the file's bytes
 * and a guest memory view, so tests can feed it any malformed file.
 *
 * Every header field is checked against the file and guest RAM before it
 * is used; the loader copies PT_LOAD segments to their p_paddr and ignores
 * every other program header (PT_NOTE carries the PVH entry QEMU uses,
 * PT_GNU_STACK is a linker habit).  The vCPU runs with identity paging, so
 * e_entry is a guest-physical address. */
#ifndef COWBENCH_VM_ELF_H
#define COWBENCH_VM_ELF_H

#include "cb.h"
#include "vm_gmem.h"

#define ELF_MAX_PHNUM 64u

struct elf_seg {
	uint64_t paddr, filesz, memsz, offset;
	uint32_t flags; /* PF_X | PF_W | PF_R */
};

struct elf_image {
	uint64_t entry;
	size_t nseg; /* PT_LOAD segments with p_memsz > 0 */
	struct elf_seg seg[ELF_MAX_PHNUM];
	uint64_t lo, hi; /* lowest paddr, highest paddr + memsz */
};

/* Validates the file for a guest of ram_bytes; fills img. */
int elf_check(const void *file, size_t len, uint64_t ram_bytes, struct elf_image *img,
	      cb_error *e);
/* elf_check against m->size, then copies the segments and zeroes bss. */
int elf_load(const void *file, size_t len, const struct gmem *m, struct elf_image *img,
	     cb_error *e);

#endif
