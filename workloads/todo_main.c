#include "workloads.h"
#include "cb.h"
int host_main(int argc, char **argv) { cb_die(CB_EXIT_FAIL, "host", "not implemented yet"); }
