/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_AUDIT_NETNS_H
#define PORTTUNE_AUDIT_NETNS_H

#include <stdio.h>

#include "audit.h"
#include "output.h"
#include "profile.h"

/* What `audit --all-netns` was asked for. */
struct all_netns_req {
	const struct audit_opts *opts;
	const struct profile *prof;	/* drift per namespace, or NULL */
	struct audit_cfg cfg;
	enum format fmt;
	/* --trace: one window over every namespace, or NULL; each namespace's
	 * report gets its own events (audit_netns_trace.c) */
	const struct trace_result *trace;
};

/*
 * Audit every network namespace on the host (found through /proc/PID/ns/net
 * and /run/netns, each once by (dev, inode)): enter each, gather, evaluate,
 * render; return to the namespace porttune started in. Prints the report to
 * f and problems to stderr (part of the audit command); returns the worst
 * severity, the exit code.
 */
int audit_all_netns(FILE *f, const struct all_netns_req *req);

/* In audit_netns_trace.c: namespace ino's share of req->trace in *mine
 * (free with trace_result_free), or NULL without --trace. */
const struct trace_result *audit_netns_trace(const struct all_netns_req *req,
					     unsigned long ino,
					     struct trace_result *mine);

#endif
