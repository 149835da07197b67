#include "analysis.h"
#include "cb.h"
int report_main(int argc, char **argv) { cb_die(CB_EXIT_FAIL, "report", "not implemented yet"); }
int compare_main(int argc, char **argv) { cb_die(CB_EXIT_FAIL, "compare", "not implemented yet"); }
