/* Plots through gnuplot as a child process.  Each plot is a script
 * (NAME.gp) and its data (NAME.dat) kept in plots/, so a reader can tweak
 * and re-render them; cowbench runs the script twice (svg, pngcairo) and
 * renames each image into place only when gnuplot succeeded. */
#ifndef COWBENCH_GP_H
#define COWBENCH_GP_H

#include <stdio.h>

#include "afile.h"
#include "cb.h"

struct gp_plot {
	char *dir, *name;
	struct afile script, data;
	int blocks; /* data blocks written so far */
};

/* Fails with the install line when no gnuplot is on PATH. */
int gp_check_installed(cb_error *e);

/* Starts NAME.gp (with the terminal preamble: svg or pngcairo chosen by
 * the variable fmt) and NAME.dat in dir.  `what` heads the script. */
int gp_open(struct gp_plot *p, const char *dir, const char *name, const char *what, int width,
	    int height, cb_error *e);
FILE *gp_script(struct gp_plot *p);
FILE *gp_data(struct gp_plot *p);
/* Starts a data block (gnuplot's `index N`); returns N.  The comment is
 * written as the block's first line. */
int gp_block(struct gp_plot *p, const char *comment);
/* Commits script and data, renders NAME.svg and NAME.png, and frees p's
 * own strings, whether or not it succeeded. */
int gp_render(struct gp_plot *p, cb_error *e);

/* Writes s as a gnuplot double-quoted string.  '\n' stays a line break;
 * characters that would need escaping in the SVG ('&', '<', '>') are
 * replaced, since a label is never worth a broken image. */
void gp_quote(FILE *f, const char *s);

#endif
