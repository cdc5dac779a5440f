// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of audit checks and the driver that walks it. The order is the
 * order of the report: settings, then the census, then what happens next,
 * then what a trace saw.
 */
#include <string.h>

#include "audit_checks.h"
#include "audit_trace.h"

/* audit_trace.c keeps its own signature (its unit tests call it). */
static void check_trace(const struct audit_input *in, struct audit_report *r)
{
	audit_trace_checks(in->trace, r, in->top);
}

const struct audit_check audit_checks[] = {
	{ "port-range", check_range, 0 },
	{ "port-parity", check_parity, 0 },
	{ "reserved-ports", check_reserved, 0 },
	{ "time-wait", check_time_wait, 0 },
	{ "tw-reuse", check_reuse, 0 },
	{ "fin-timeout", check_fin_timeout, 0 },
	{ "tw-buckets", check_tw_cap, 0 },
	{ "tw-overflow", check_overflow, 0 },
	{ "drift", check_drift, 0 },
	{ "destination", check_destinations, AC_CENSUS },
	{ "bind-capacity", check_bind, AC_CENSUS },
	{ "udp-ports", check_udp, AC_CENSUS },
	{ "listeners-in-range", check_listeners, AC_CENSUS },
	{ "close-wait", check_close_wait, AC_CENSUS },
	{ "conntrack", check_conntrack, 0 },
	{ "boot-conflict", check_boot_conflict, AC_PROFILE },
	{ "confirm-pending", check_confirm_pending, AC_STATE },
	/* its findings name themselves: connect-failures, bind-failures,
	 * trace-map-full, and "trace" when it cannot trace */
	{ "trace", check_trace, AC_TRACE | AC_SOFT_UNKNOWN },
};

const size_t audit_ncheck = sizeof(audit_checks) / sizeof(*audit_checks);

static bool applies(const struct audit_check *c, const struct audit_input *in)
{
	return (!(c->needs & AC_CENSUS) || in->have_sd) &&
	       (!(c->needs & AC_PROFILE) || in->prof) &&
	       (!(c->needs & AC_STATE) || in->state_dir) &&
	       (!(c->needs & AC_TRACE) || in->trace);
}

void audit_evaluate(const struct audit_input *in, struct audit_report *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < audit_ncheck; i++) {
		const struct audit_check *c = &audit_checks[i];
		size_t first = r->n;

		if (!applies(c, in))
			continue;
		r->checking = c->name;
		c->fn(in, r);
		for (size_t j = first; j < r->n; j++) {
			enum severity s = r->v[j].sev;

			if (s == SEV_UNKNOWN && r->worst == SEV_CRITICAL &&
			    (c->needs & AC_SOFT_UNKNOWN))
				continue;
			if (s > r->worst)
				r->worst = s;
		}
	}
	r->checking = NULL;
}
