#include "vm_elf.h"

#include <elf.h>
#include <inttypes.h>
#include <string.h>

#include "cb_abi.h"

/* a + b <= limit, without computing a + b. */
static bool fits(uint64_t a, uint64_t b, uint64_t limit)
{
	return b <= limit && a <= limit - b;
}

static int check_ehdr(const Elf64_Ehdr *eh, size_t len, cb_error *e)
{
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
		cb_error_set(e, "not an ELF file (bad magic)");
		return -1;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64) {
		cb_error_set(e, "not a 64-bit ELF file (class %u)", eh->e_ident[EI_CLASS]);
		return -1;
	}
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		cb_error_set(e, "not a little-endian ELF file (data %u)", eh->e_ident[EI_DATA]);
		return -1;
	}
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT) {
		cb_error_set(e, "unknown ELF version %u", eh->e_ident[EI_VERSION]);
		return -1;
	}
	if (eh->e_machine != EM_X86_64) {
		cb_error_set(e, "not an x86-64 ELF file (machine %u)", eh->e_machine);
		return -1;
	}
	if (eh->e_type != ET_EXEC) {
		cb_error_set(e, "not a static executable (ELF type %u; link with -static -no-pie)",
			     eh->e_type);
		return -1;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr)) {
		cb_error_set(e, "program header entry size %u, expected %zu", eh->e_phentsize,
			     sizeof(Elf64_Phdr));
		return -1;
	}
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM) {
		cb_error_set(e, "%u program headers (1..%u accepted)", eh->e_phnum, ELF_MAX_PHNUM);
		return -1;
	}
	if (!fits(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), len)) {
		cb_error_set(e, "program headers at offset %" PRIu64 " run past the end of the file "
			     "(%zu bytes)", (uint64_t)eh->e_phoff, len);
		return -1;
	}
	return 0;
}

static int check_load(const Elf64_Phdr *ph, unsigned i, size_t len, uint64_t ram, cb_error *e)
{
	if (ph->p_filesz > ph->p_memsz) {
		cb_error_set(e, "segment %u: file size %" PRIu64 " exceeds memory size %" PRIu64, i,
			     (uint64_t)ph->p_filesz, (uint64_t)ph->p_memsz);
		return -1;
	}
	if (!fits(ph->p_offset, ph->p_filesz, len)) {
		cb_error_set(e, "segment %u: bytes [%" PRIu64 ", +%" PRIu64 ") run past the end of "
			     "the file (%zu bytes; truncated?)", i, (uint64_t)ph->p_offset,
			     (uint64_t)ph->p_filesz, len);
		return -1;
	}
	if (ph->p_memsz > ram) {
		cb_error_set(e, "segment %u: %" PRIu64 " bytes is more than guest RAM (%" PRIu64 ")",
			     i, (uint64_t)ph->p_memsz, ram);
		return -1;
	}
	if (ph->p_paddr < CB_BOOT_RESERVED_END) {
		cb_error_set(e, "segment %u: loads at 0x%" PRIx64 ", below 0x%x (reserved for boot "
			     "structures)", i, (uint64_t)ph->p_paddr, CB_BOOT_RESERVED_END);
		return -1;
	}
	if (!fits(ph->p_paddr, ph->p_memsz, ram)) {
		cb_error_set(e, "segment %u: [0x%" PRIx64 ", +0x%" PRIx64 ") lies outside guest RAM "
			     "(0x%" PRIx64 " bytes)", i, (uint64_t)ph->p_paddr,
			     (uint64_t)ph->p_memsz, ram);
		return -1;
	}
	return 0;
}

int elf_check(const void *file, size_t len, uint64_t ram_bytes, struct elf_image *img,
	      cb_error *e)
{
	memset(img, 0, sizeof(*img));
	if (!file || len < sizeof(Elf64_Ehdr)) {
		cb_error_set(e, "file too short for an ELF header (%zu bytes)", len);
		return -1;
	}
	/* Copies, not casts: the file buffer need not be aligned. */
	Elf64_Ehdr eh;
	memcpy(&eh, file, sizeof(eh));
	if (check_ehdr(&eh, len, e) < 0)
		return -1;
	const uint8_t *bytes = file;
	img->lo = UINT64_MAX;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, bytes + eh.e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (check_load(&ph, i, len, ram_bytes, e) < 0)
			return -1;
		if (ph.p_memsz == 0)
			continue;
		struct elf_seg s = {ph.p_paddr, ph.p_filesz, ph.p_memsz, ph.p_offset, ph.p_flags};
		/* Both ranges fit in RAM, so the ends cannot wrap. */
		for (size_t j = 0; j < img->nseg; j++) {
			const struct elf_seg *o = &img->seg[j];
			if (s.paddr < o->paddr + o->memsz && o->paddr < s.paddr + s.memsz) {
				cb_error_set(e, "segment %u [0x%" PRIx64 ", +0x%" PRIx64 ") overlaps "
					     "[0x%" PRIx64 ", +0x%" PRIx64 ")", i, s.paddr, s.memsz,
					     o->paddr, o->memsz);
				return -1;
			}
		}
		img->seg[img->nseg++] = s;
		if (s.paddr < img->lo)
			img->lo = s.paddr;
		if (s.paddr + s.memsz > img->hi)
			img->hi = s.paddr + s.memsz;
	}
	if (img->nseg == 0) {
		cb_error_set(e, "no loadable segment");
		return -1;
	}
	img->entry = eh.e_entry;
	for (size_t j = 0; j < img->nseg; j++) {
		const struct elf_seg *s = &img->seg[j];
		if ((s->flags & PF_X) && eh.e_entry >= s->paddr && eh.e_entry - s->paddr < s->filesz)
			return 0;
	}
	cb_error_set(e, "entry point 0x%" PRIx64 " is not inside a loaded executable segment",
		     (uint64_t)eh.e_entry);
	return -1;
}

int elf_load(const void *file, size_t len, const struct gmem *m, struct elf_image *img,
	     cb_error *e)
{
	if (elf_check(file, len, m->size, img, e) < 0)
		return -1;
	const uint8_t *bytes = file;
	for (size_t j = 0; j < img->nseg; j++) {
		const struct elf_seg *s = &img->seg[j];
		/* elf_check proved both ranges lie inside RAM. */
		if (gmem_write(m, s->paddr, bytes + s->offset, s->filesz) < 0 ||
		    gmem_zero(m, s->paddr + s->filesz, s->memsz - s->filesz) < 0) {
			cb_error_set(e, "segment at 0x%" PRIx64 " does not fit guest RAM", s->paddr);
			return -1;
		}
	}
	return 0;
}
