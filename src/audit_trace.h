/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_AUDIT_TRACE_H
#define PORTTUNE_AUDIT_TRACE_H

/* What `audit --trace` and `watch --trace` make of a trace_result. */
#include <stdio.h>

#include <json-c/json.h>

#include "audit.h"
#include "trace.h"

/* Findings per failing (process, destination), at most `top` of each kind;
 * a trace that could not be taken is one UNKNOWN line. Updates r->worst. */
void audit_trace_checks(const struct trace_result *t, struct audit_report *r,
			unsigned top);
json_object *audit_trace_json(const struct trace_result *t);
void audit_trace_prometheus(FILE *f, const struct trace_result *t);
/* The traced failures and closers as a table (watch, audit text). */
void audit_trace_print(FILE *f, const struct trace_result *t, unsigned top);

/* The trace findings of r, one line each (watch). */
void audit_trace_print_findings(FILE *f, const struct audit_report *r);

/* Destination table hooks: nothing unless a trace was taken. */
void audit_trace_dest_head(FILE *f, const struct trace_result *t);
void audit_trace_dest_cols(FILE *f, const struct trace_result *t,
			   const struct sd_dest *d);
void audit_trace_dest_json(json_object *o, const struct trace_result *t,
			   const struct sd_dest *d);

#endif
