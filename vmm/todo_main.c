#include "vmm.h"
#include "cb.h"
int vm_main(int argc, char **argv) { cb_die(CB_EXIT_FAIL, "vm", "not implemented yet"); }
