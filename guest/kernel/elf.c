/* Loads an embedded program image.  The images are ours and built with the
 * kernel, but the loader still checks bounds: a broken build must fail
 * here, loudly, not corrupt memory. */
#include <elf.h>

/* <elf.h>'s PF_W (a writable segment) shares its name with mm.h's #PF
 * error bit: keep the ELF one under another name. */
enum { SEG_W = PF_W };
#undef PF_W

#include "glib.h"
#include "gsys.h"
#include "kernel.h"
#include "mm.h"

uint64_t elf_load(struct aspace *as, const uint8_t *img, size_t len)
{
	const Elf64_Ehdr *eh = (const void *)img;
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return 0;
	const Elf64_Phdr *ph = (const void *)(img + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type != PT_LOAD || p->p_memsz == 0) /* ld emits empty ones */
			continue;
		uint64_t start = p->p_vaddr & ~(PAGE_4K - 1);
		uint64_t end = (p->p_vaddr + p->p_memsz + PAGE_4K - 1) & ~(PAGE_4K - 1);
		if (p->p_filesz > p->p_memsz || p->p_offset > len || p->p_filesz > len - p->p_offset ||
		    p->p_vaddr < USER_IMAGE_BASE || end > USER_STACK_TOP - USER_STACK_SIZE ||
		    as_map(as, start, end - start, 0) < 0)
			return 0;
		uint64_t flags = PTE_P | PTE_U | ((p->p_flags & SEG_W) ? PTE_W : 0);
		for (uint64_t va = start; va < end; va += PAGE_4K) {
			uint64_t pa = frame_alloc(1);
			/* copy the part of the file image that lands in this page */
			uint64_t lo = va > p->p_vaddr ? va : p->p_vaddr;
			uint64_t hi = va + PAGE_4K < p->p_vaddr + p->p_filesz ? va + PAGE_4K
									      : p->p_vaddr + p->p_filesz;
			if (hi > lo)
				memcpy((uint8_t *)phys_to_virt(pa) + (lo - va),
				       img + p->p_offset + (lo - p->p_vaddr), hi - lo);
			as_map_frame(as, va, pa, flags);
		}
	}
	return eh->e_entry;
}
