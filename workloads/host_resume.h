/* Reading an interrupted sweep back (`cowbench host --resume`): host.csv
 * holds only finished blocks (it is rewritten atomically after each point
 * visited), so every (configuration, round) present there is complete and
 * is not taken again. */
#ifndef COWBENCH_HOST_RESUME_H
#define COWBENCH_HOST_RESUME_H

#include "host_floor.h"
#include "host_matrix.h"
#include "host_result.h"

/* Loads DIR/host.csv into results (one per m->configs, initialised).
 * Fails when a row names a configuration the matrix does not have, a
 * round outside 1..rounds, or breaks the file's own order (rep 0, 1, ...
 * per configuration): then it is not the run these options describe. */
int host_resume_load(const char *dir, const struct host_matrix *m, unsigned rounds,
		     struct host_result *results, cb_error *e);

/* Removes the temporary files of host-*.csv / host-run.json writes that a
 * kill cut short (afile.h: NAME.tmp.XXXXXX): they are never results. */
void host_resume_clean(const char *dir);

/* Loads the medians of DIR/host-floor.csv (the floor the interrupted
 * sweep measured); a header alone means it measured none. */
int host_resume_floor(const char *dir, struct host_floor *f, cb_error *e);

#endif
