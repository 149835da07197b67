/* Public entry points of the analysis library. */
#ifndef COWBENCH_ANALYSIS_H
#define COWBENCH_ANALYSIS_H

int report_main(int argc, char **argv);
int compare_main(int argc, char **argv);
int history_main(int argc, char **argv);

#endif
