/* The ELF loader on any bytes: checked against a small guest RAM (then
 * copied into it) and against the largest RAM a guest may have. */
#include <string.h>

#include "fuzz.h"
#include "vm_boot.h"
#include "vm_elf.h"

static uint8_t ram[4u << 20];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	cb_error e;
	elf_check(data, size, VM_RAM_MAX, &img, &e);
	struct gmem m = {ram, sizeof(ram), false};
	if (elf_load(data, size, &m, &img, &e) == 0) {
		/* Whatever loaded lies inside RAM: touch its first and last byte. */
		for (size_t i = 0; i < img.nseg; i++) {
			volatile uint8_t a = ram[img.seg[i].paddr];
			volatile uint8_t b = ram[img.seg[i].paddr + img.seg[i].memsz - 1];
			(void)a;
			(void)b;
		}
	}
	return 0;
}
