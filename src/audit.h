/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_AUDIT_H
#define PORTTUNE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "plan.h"
#include "profile.h"
#include "sockdiag.h"

struct trace_result;

/* Ordered so that the worst finding is the maximum; values = exit codes. */
enum severity { SEV_OK = 0, SEV_WARNING = 1, SEV_CRITICAL = 2, SEV_UNKNOWN = 3 };

struct finding {
	char check[24];		/* stable id, e.g. "tw-reuse" */
	enum severity sev;
	char summary[256];
	char evidence[512];
	char remedy[512];	/* empty when nothing needs doing */
};

#define UNSET (-1L)

/* Everything the settings-level checks look at; UNSET where unreadable. */
struct audit_input {
	long port_lo, port_hi;
	long reserved_in_range;
	long unpriv_start;
	long tw_reuse, tw_reuse_delay, timestamps, fin_timeout, max_tw_buckets;
	/* /proc/net/sockstat, this network namespace */
	long tcp_inuse, tcp_tw, tcp_orphan;
	/* /proc/net/netstat TcpExt counters since boot */
	long long tw_overflow, tw_recycled;
	/* drift against a profile, or NULL */
	const struct plan *drift;
	struct audit_cfg cfg;

	/* socket census (NETLINK_SOCK_DIAG); have_sd false when not taken */
	bool have_sd;
	struct sd_result sd;
	/* more kernel evidence; UNSET where the kernel has no such counter */
	long long tw_entered, paws_active, active_opens, attempt_fails;
	long ct_count, ct_max;		/* conntrack, when loaded */
	long long ct_insert_failed, ct_drop, ct_early_drop;
	/* per-second rates over `interval` seconds (two samples); 0: none */
	double interval;
	double rate_active_opens, rate_tw_entered, rate_attempt_fails,
	       rate_tw_recycled, rate_ct_insert_failed, rate_ct_drop;
	/* audit --trace: what the tracepoints saw, or NULL (audit_trace.c) */
	const struct trace_result *trace;
};

/* What audit_gather collects beyond the settings. */
struct audit_opts {
	bool sockets;		/* take the socket census */
	bool processes;		/* ... and map sockets to processes/cgroups */
	double interval;	/* > 0: two samples this far apart */
	unsigned top;		/* cgroups resolved to paths */
};

struct audit_report {
	struct finding *v;
	size_t n;
	enum severity worst;
};

/* Read the settings, counters and sockets of this network namespace. */
int audit_gather(struct audit_input *in, const struct audit_opts *o,
		 struct err *err);
void audit_input_free(struct audit_input *in);

/* Pure: input -> findings. */
void audit_evaluate(const struct audit_input *in, struct audit_report *r);

/* The socket-level checks, appended to r by audit_evaluate. */
void audit_socket_checks(const struct audit_input *in, struct audit_report *r);
struct finding *audit_add(struct audit_report *r, const char *check,
			  enum severity sev);

/* Capacity of one destination: the census's P_eff, else range - reserved. */
long audit_capacity(const struct audit_input *in);
/* New connections/s one destination sustains (reuse counted if it applies). */
double audit_sustainable_rate(const struct audit_input *in,
			      const struct sd_dest *d);
/* "10.0.0.1" / "[2001:db8::1]"; buf >= 48 bytes. */
const char *audit_addr(uint8_t family, const uint8_t *addr, char *buf,
		       size_t len, bool brackets);

const char *severity_name(enum severity s);
long audit_effective_ports(const struct audit_input *in);
void audit_report_free(struct audit_report *r);

#endif
