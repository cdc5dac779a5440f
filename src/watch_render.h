/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_WATCH_RENDER_H
#define PORTTUNE_WATCH_RENDER_H

#include <stdio.h>

#include "audit.h"

struct watch_frame {
	const char *when;	/* "12:00:01" */
	unsigned n;		/* refresh number */
	double interval;
	unsigned top;
	unsigned width;		/* columns to fit; 0: no limit */
};

void watch_print_frame(FILE *f, const struct audit_input *in,
		       const struct audit_report *r, const struct watch_frame *w);

#endif
