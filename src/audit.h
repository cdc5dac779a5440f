/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_AUDIT_H
#define PORTTUNE_AUDIT_H

/*
 * The audit core: what the checks look at (struct audit_input), how it is
 * gathered, and the capacity arithmetic every check and renderer shares.
 * The checks themselves: audit_checks.h.
 */
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "finding.h"
#include "kernel_tcp.h"
#include "plan.h"
#include "profile.h"
#include "sockdiag.h"

struct trace_result;

#define UNSET (-1L)

/* Everything the checks look at; UNSET where unreadable. */
struct audit_input {
	long port_lo, port_hi;
	long reserved_in_range;
	struct portset reserved;	/* ip_local_reserved_ports */
	long unpriv_start;
	long tw_reuse, tw_reuse_delay, timestamps, fin_timeout, max_tw_buckets;
	/* /proc/net/sockstat, this network namespace */
	long tcp_inuse, tcp6_inuse, tcp_tw, tcp_orphan;	/* tw: timewait
				minisockets, TIME_WAIT + orphaned FIN_WAIT2 */
	/* /proc/net/netstat TcpExt counters since boot */
	long long tw_overflow, tw_recycled;
	/* drift against a profile, or NULL */
	const struct plan *drift;
	struct audit_cfg cfg;

	/* socket census (NETLINK_SOCK_DIAG); have_sd false when not taken */
	bool have_sd;
	struct sd_result sd;
	bool bound_skipped;	/* bind()-only sockets not asked for */
	/* more kernel evidence; UNSET where the kernel has no such counter */
	long long tw_entered, paws_active, active_opens, attempt_fails;
	long ct_count, ct_max;		/* conntrack, when loaded */
	long ct_tw_timeout;		/* nf_conntrack_tcp_timeout_time_wait */
	long long ct_insert_failed, ct_drop, ct_early_drop;
	/* per-second rates over `interval` seconds (two samples); 0: none */
	double interval;
	double rate_active_opens, rate_tw_entered, rate_attempt_fails,
	       rate_tw_recycled, rate_ct_insert_failed, rate_ct_drop;
	/* audit --trace: what the tracepoints saw, or NULL (audit_trace.c) */
	const struct trace_result *trace;
	unsigned top;		/* findings per kind of traced failure */
	/* what happens next: the profile (or NULL) the next boot may undo,
	 * below root ("/" when NULL); a confirm pending in state_dir (NULL:
	 * not asked) */
	const struct profile *prof;
	const char *root, *state_dir;
};

/* What audit_gather collects beyond the settings. */
struct audit_opts {
	bool sockets;		/* take the socket census */
	bool processes;		/* ... and map sockets to processes/cgroups */
	double interval;	/* > 0: two samples this far apart */
	unsigned top;		/* cgroups resolved to paths */
	/* Leave out bind()-only sockets: asking for them makes the kernel walk
	 * its bind table, which every namespace shares by default. */
	bool no_bound;
};

/* Read the settings, counters and sockets of this network namespace. */
int audit_gather(struct audit_input *in, const struct audit_opts *o,
		 struct err *err);
void audit_input_free(struct audit_input *in);

/* Input -> findings: every check of the table that applies, in order
 * (audit_checks.c). Reads nothing but in, and state_dir when set. */
void audit_evaluate(const struct audit_input *in, struct audit_report *r);

/* Capacity of one destination: the census's P_eff, else range - reserved.
 * The one figure every check and renderer uses. */
long audit_capacity(const struct audit_input *in);
/* Whether connect() to d may take over its TIME_WAIT tuples (tcp_tw_reuse,
 * timestamps, loopback for mode 2). */
bool audit_reuse_applies(const struct audit_input *in, const struct sd_dest *d);
/* TIME_WAIT sockets of d that connect() would take over now. */
uint32_t audit_tw_reusable(const struct audit_input *in, const struct sd_dest *d);
/* Ports connect() cannot use towards d: in use less reusable TIME_WAIT. */
uint32_t audit_occupied(const struct audit_input *in, const struct sd_dest *d);
/* The n destinations with the most occupied ports, most first. */
size_t audit_top_dests(const struct audit_input *in, const struct sd_dest **out,
		       size_t n);
/* A range line that widens the current one without taking service ports,
 * plus the reservations it needs; fills fix (profile lines). */
void audit_wider_range(const struct audit_input *in, char *fix, size_t len);
/* New connections/s one destination sustains (reuse counted if it applies). */
double audit_sustainable_rate(const struct audit_input *in,
			      const struct sd_dest *d);
/* "10.0.0.1" / "[2001:db8::1]"; buf >= 48 bytes. */
const char *audit_addr(uint8_t family, const uint8_t *addr, char *buf,
		       size_t len, bool brackets);

/* A destination's occupancy against the [audit] thresholds. */
enum severity audit_ratio_severity(const struct audit_input *in, double ratio);
/* Range size less reserved ports; UNSET when the range is unreadable. */
long audit_effective_ports(const struct audit_input *in);

#endif
