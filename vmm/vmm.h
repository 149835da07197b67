/* Public entry points of the VMM library. */
#ifndef COWBENCH_VMM_H
#define COWBENCH_VMM_H

int vm_main(int argc, char **argv);

#endif
