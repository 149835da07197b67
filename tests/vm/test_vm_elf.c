/* The ELF loader against a valid image and every malformed variant. */
#include <elf.h>

#include "check.h"
#include "cb_abi.h"
#include "vm_elf.h"

#define RAM (8u << 20)
#define TEXT_PA 0x100000u
#define DATA_PA 0x200000u

/* ehdr | 4 phdrs | text (64 bytes) | data (32 bytes, memsz 4096) */
struct image {
	uint8_t bytes[4096];
	size_t len;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
};

static void build(struct image *im)
{
	memset(im, 0, sizeof(*im));
	im->eh = (Elf64_Ehdr *)im->bytes;
	im->ph = (Elf64_Phdr *)(im->bytes + sizeof(Elf64_Ehdr));
	Elf64_Ehdr *eh = im->eh;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = TEXT_PA + 0x10;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 4;
	size_t text_off = 1024, data_off = 2048;
	im->ph[0] = (Elf64_Phdr){PT_LOAD, PF_R | PF_X, text_off, TEXT_PA, TEXT_PA, 64, 64, 4096};
	im->ph[1] = (Elf64_Phdr){PT_LOAD, PF_R | PF_W, data_off, DATA_PA, DATA_PA, 32, 4096, 4096};
	/* Ignored kinds: a PVH note and the stack marker. */
	im->ph[2] = (Elf64_Phdr){PT_NOTE, PF_R, 0xffffffff, 0, 0, 0x100000, 8, 4};
	im->ph[3] = (Elf64_Phdr){PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16};
	memset(im->bytes + text_off, 0x90, 64);
	memset(im->bytes + data_off, 0x5a, 32);
	im->len = data_off + 32;
}

static uint8_t *ram;

static int load(const struct image *im, size_t len, cb_error *e)
{
	struct gmem m = {ram, RAM, false};
	struct elf_image img;
	memset(ram, 0xaa, RAM);
	return elf_load(im->bytes, len, &m, &img, e);
}

/* Builds a valid image, lets `mutate` break it, expects a rejection whose
 * message contains `needle`. */
#define REJECT(needle, ...)                                                         \
	do {                                                                        \
		struct image im;                                                    \
		build(&im);                                                         \
		size_t len = im.len;                                                \
		__VA_ARGS__;                                                        \
		cb_error e = {""};                                                  \
		int rc = load(&im, len, &e);                                        \
		CHECK(rc == -1);                                                    \
		if (!strstr(e.msg, needle)) {                                       \
			check_failures++;                                           \
			fprintf(stderr, "%s:%d: '%s' does not mention '%s'\n",      \
				__FILE__, __LINE__, e.msg, needle);                 \
		}                                                                   \
		CHECK(ram[TEXT_PA] == 0xaa); /* nothing copied on rejection */      \
	} while (0)

static void test_valid(void)
{
	struct image im;
	build(&im);
	cb_error e = {""};
	struct gmem m = {ram, RAM, false};
	struct elf_image img;
	memset(ram, 0xaa, RAM);
	CHECK(elf_load(im.bytes, im.len, &m, &img, &e) == 0);
	CHECK_EQ_U64(img.entry, TEXT_PA + 0x10);
	CHECK_EQ_U64(img.nseg, 2);
	CHECK_EQ_U64(img.lo, TEXT_PA);
	CHECK_EQ_U64(img.hi, DATA_PA + 4096);
	CHECK(ram[TEXT_PA] == 0x90 && ram[TEXT_PA + 63] == 0x90);
	CHECK(ram[TEXT_PA + 64] == 0xaa); /* no bss in text: untouched */
	CHECK(ram[DATA_PA] == 0x5a && ram[DATA_PA + 31] == 0x5a);
	/* bss zeroed, nothing beyond memsz touched */
	CHECK(ram[DATA_PA + 32] == 0 && ram[DATA_PA + 4095] == 0);
	CHECK(ram[DATA_PA + 4096] == 0xaa);
	CHECK(ram[TEXT_PA - 1] == 0xaa);

	/* Fresh RAM: bss is not rewritten (lazily backed pages stay untouched). */
	struct gmem z = {ram, RAM, true};
	memset(ram, 0xaa, RAM);
	CHECK(elf_load(im.bytes, im.len, &z, &img, &e) == 0);
	CHECK(ram[DATA_PA + 32] == 0xaa);

	/* A zero-size PT_LOAD is ignored, as is one with filesz 0 (pure bss). */
	build(&im);
	im.ph[3] = (Elf64_Phdr){PT_LOAD, PF_R, 0, 0x300000, 0x300000, 0, 0, 4096};
	CHECK(load(&im, im.len, &e) == 0);
	build(&im);
	im.ph[3] = (Elf64_Phdr){PT_LOAD, PF_R | PF_W, 0, 0x300000, 0x300000, 0, 8192, 4096};
	CHECK(load(&im, im.len, &e) == 0);
	CHECK(ram[0x300000] == 0 && ram[0x300000 + 8191] == 0 && ram[0x302000] == 0xaa);
	/* Segments touching end to end are not overlapping. */
	build(&im);
	im.ph[3] = (Elf64_Phdr){PT_LOAD, PF_R, 0, TEXT_PA + 64, TEXT_PA + 64, 0, 64, 4096};
	CHECK(load(&im, im.len, &e) == 0);
	/* Segment ending exactly at the end of RAM. */
	build(&im);
	im.ph[3] = (Elf64_Phdr){PT_LOAD, PF_R, 0, RAM - 4096, RAM - 4096, 0, 4096, 4096};
	CHECK(load(&im, im.len, &e) == 0);
}

static void test_malformed(void)
{
	REJECT("too short", len = 10);
	REJECT("too short", len = 0);
	REJECT("magic", im.eh->e_ident[1] = 'X');
	REJECT("64-bit", im.eh->e_ident[EI_CLASS] = ELFCLASS32);
	REJECT("little-endian", im.eh->e_ident[EI_DATA] = ELFDATA2MSB);
	REJECT("version", im.eh->e_ident[EI_VERSION] = 0);
	REJECT("version", im.eh->e_version = 2);
	REJECT("x86-64", im.eh->e_machine = EM_AARCH64);
	REJECT("static executable", im.eh->e_type = ET_DYN);
	REJECT("entry size", im.eh->e_phentsize = 32);
	REJECT("program headers", im.eh->e_phnum = 0);
	REJECT("program headers", im.eh->e_phnum = 65);
	REJECT("program headers", im.eh->e_phnum = 0xffff);
	REJECT("past the end", im.eh->e_phoff = 4000);
	REJECT("past the end", im.eh->e_phoff = 0xffffffffffffff00ull);
	/* truncated: the data segment's bytes are cut off */
	REJECT("truncated", len = im.len - 1);
	REJECT("exceeds memory size", im.ph[0].p_filesz = 65);
	REJECT("past the end", im.ph[0].p_offset = 0xffffffffffffffc0ull);
	REJECT("past the end", im.ph[1].p_filesz = 0x1000);
	REJECT("below", im.ph[0].p_paddr = 0xff000);
	REJECT("below", im.ph[0].p_paddr = 0);
	REJECT("outside guest RAM", im.ph[1].p_paddr = RAM - 100);
	REJECT("outside guest RAM", im.ph[1].p_paddr = 0xfffffffffffff000ull;
	       im.ph[1].p_memsz = 0x2000);
	REJECT("more than guest RAM", im.ph[1].p_memsz = RAM + 1ull);
	REJECT("more than guest RAM", im.ph[1].p_memsz = 0xffffffffffffffffull);
	REJECT("overlaps", im.ph[1].p_paddr = TEXT_PA + 32);
	REJECT("overlaps", im.ph[0].p_paddr = DATA_PA + 4000);
	REJECT("overlaps", im.ph[3] = im.ph[0]);
	REJECT("entry point", im.eh->e_entry = TEXT_PA + 64);
	REJECT("entry point", im.eh->e_entry = 0);
	REJECT("entry point", im.eh->e_entry = DATA_PA); /* not executable */
	REJECT("no loadable segment", im.ph[0].p_type = PT_NULL; im.ph[1].p_type = PT_NOTE);
}

int main(void)
{
	ram = malloc(RAM);
	test_valid();
	test_malformed();
	free(ram);
	return check_done();
}
