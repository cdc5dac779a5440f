/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_OUTFILE_H
#define PORTTUNE_OUTFILE_H

#include <stdio.h>

#include "err.h"

/*
 * A report written to FILE atomically: into a temporary file in the same
 * directory, then renamed over FILE, so a reader (node_exporter's textfile
 * collector) sees the old file or the new one, never half of one.
 */
struct outfile {
	FILE *f;
	char *path, *tmp;
};

int outfile_open(struct outfile *o, const char *path, struct err *e);
/* Flush, sync and rename into place; closes the file in any case. */
int outfile_commit(struct outfile *o, struct err *e);
/* Remove the temporary file (after a failure). */
void outfile_abort(struct outfile *o);

#endif
