/* The user programs, linked into the kernel image (paths from CMake). */
	.section .rodata
	.balign 4096
	.globl image_bench_start, image_bench_end
image_bench_start:
	.incbin BENCH_ELF
image_bench_end:
	.balign 4096
	.globl image_child_start, image_child_end
image_child_start:
	.incbin CHILD_ELF
image_child_end:
	.section .note.GNU-stack, "", @progbits
