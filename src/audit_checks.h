/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_AUDIT_CHECKS_H
#define PORTTUNE_AUDIT_CHECKS_H

/*
 * The audit checks: one signature, one table (audit_checks.c) that
 * audit_evaluate walks in order. A check reads only its input and adds
 * zero or more findings with finding_new, named after its table row.
 */
#include "audit.h"

typedef void audit_check_fn(const struct audit_input *in,
			    struct audit_report *r);

/* When a check applies: what it needs that an audit may not have asked for. */
enum {
	AC_CENSUS = 1 << 0,	/* the socket census (in->have_sd) */
	AC_PROFILE = 1 << 1,	/* a profile (in->prof) */
	AC_STATE = 1 << 2,	/* a state directory (in->state_dir) */
	AC_TRACE = 1 << 3,	/* a trace (in->trace) */
	/* Its UNKNOWN (evidence asked for but not obtained) does not mask a
	 * CRITICAL found before it. */
	AC_SOFT_UNKNOWN = 1 << 4,
};

struct audit_check {
	const char *name;	/* the findings' "check" id */
	audit_check_fn *fn;
	unsigned needs;		/* AC_* */
};

extern const struct audit_check audit_checks[];
extern const size_t audit_ncheck;

/* audit_settings.c: sysctls and kernel counters */
audit_check_fn check_range, check_parity, check_reserved, check_time_wait,
	check_reuse, check_fin_timeout, check_tw_cap, check_overflow,
	check_drift;
/* audit_sockets.c: the census, destination by destination */
audit_check_fn check_destinations, check_bind, check_udp, check_listeners,
	check_close_wait, check_conntrack;
/* audit_boot.c: what happens next */
audit_check_fn check_boot_conflict, check_confirm_pending;

#endif
