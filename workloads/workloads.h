/* Public entry points of the host workloads library. */
#ifndef COWBENCH_WORKLOADS_H
#define COWBENCH_WORKLOADS_H

int host_main(int argc, char **argv);

#endif
