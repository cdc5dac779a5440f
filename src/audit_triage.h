/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_AUDIT_TRIAGE_H
#define PORTTUNE_AUDIT_TRIAGE_H

#include <stdbool.h>

#include "audit.h"

/*
 * Whether a namespace's socket census could change its verdict, decided
 * from /proc/net/sockstat{,6} alone (audit --all-netns). in holds the
 * settings and counters (audit_gather without the census); udp_inuse is
 * sockstat's UDP plus UDP6 inuse. Every census figure the checks use is
 * bounded by sockstat: sockets holding ephemeral ports by TCP inuse +
 * TCP6 inuse + tw, listening or CLOSE_WAIT ones by inuse + inuse6, UDP
 * ports by UDP inuse. The checks run on a census with every figure at its
 * bound at once (all on one destination, one local address); they only
 * get worse as a figure grows, so when even that census is OK everywhere,
 * the real one is too, and the namespace is OK without a dump. A census
 * check must therefore only get worse as a figure grows, and never judge
 * one sockstat cannot bound (request sockets, which sockstat does not
 * count; bind()-only sockets); tests/unit/test_triage.c checks the bound
 * against random censuses.
 * Pure: true when the census cannot matter.
 */
bool audit_triage_ok(const struct audit_input *in, long udp_inuse);

/*
 * audit_gather, but the census (o->sockets) only where audit_triage_ok says
 * it can matter. For callers that show nothing of an OK namespace's census
 * and do not ask for bind()-only sockets (they are not in sockstat).
 */
int audit_gather_triaged(struct audit_input *in, const struct audit_opts *o,
			 struct err *err);

#endif
