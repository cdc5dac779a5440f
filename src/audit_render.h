/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_AUDIT_RENDER_H
#define PORTTUNE_AUDIT_RENDER_H

#include <stdio.h>

#include <json-c/json.h>

#include "audit.h"
#include "nic.h"

/* Everything one audit report shows. */
struct audit_view {
	const struct audit_input *in;
	const struct audit_report *r;
	const struct nic_state *nics;
	size_t nnics;
	unsigned top;		/* destinations, processes, cgroups listed */
	bool processes;
};

void audit_print_text(FILE *f, const struct audit_view *v);
json_object *audit_json(const struct audit_view *v);
void audit_print_prometheus(FILE *f, const struct audit_view *v);
/* Nagios plugin output, at most 8 KiB (audit_nagios.c). */
void audit_print_nagios(FILE *f, const struct audit_view *v);

/* The pieces `watch` reuses. */
void audit_print_census(FILE *f, const struct audit_input *in);
void audit_print_destinations(FILE *f, const struct audit_input *in,
			      unsigned top);

#endif
