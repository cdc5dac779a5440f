/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_OUTPUT_H
#define PORTTUNE_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "plan.h"
#include "profile.h"

enum format { FMT_TEXT, FMT_JSON, FMT_PROMETHEUS, FMT_NAGIOS };

/* How a plan is shown: what "pending" means differs by command. */
enum view { VIEW_DIFF, VIEW_DRY_RUN, VIEW_APPLY };

/* allow_prometheus: also the monitoring formats, prometheus and nagios. */
int format_parse(const char *s, bool allow_prometheus, enum format *f);

/* Colour only on a terminal, and never with NO_COLOR set. */
bool use_colour(FILE *f);

/* "v0 offload.rx-gro" or "net.ipv4.tcp_fin_timeout" into buf. */
const char *change_label(const struct change *c, char *buf, size_t len);

void plan_print_text(FILE *f, const struct plan *p, enum view v);

/* {"changes": [...], "warnings": [...]} plus counts; caller adds the rest. */
json_object *plan_json(const struct plan *p, enum view v);

/* Profile diagnostics, "porttune: file:line: message" on stderr. */
void profile_print_diags(const struct profile *p);

/* Plan warnings, and settings that cannot be applied, with file:line. */
void plan_print_diags(const struct plan *p);

/* Print a document and free it; returns -errno if stdout failed. */
int json_emit(FILE *f, json_object *o);

/* Map the status shown to the user for a view. */
const char *status_label(enum chg_status st, enum view v);

#endif
