/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_AUDIT_H
#define PORTTUNE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "plan.h"
#include "profile.h"

/* Ordered so that the worst finding is the maximum; values = exit codes. */
enum severity { SEV_OK = 0, SEV_WARNING = 1, SEV_CRITICAL = 2, SEV_UNKNOWN = 3 };

struct finding {
	const char *check;	/* stable id, e.g. "tw-reuse" */
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
};

struct audit_report {
	struct finding *v;
	size_t n;
	enum severity worst;
};

/* Read the settings and counters of this network namespace. */
int audit_gather(struct audit_input *in, struct err *err);

/* Pure: input -> findings. */
void audit_evaluate(const struct audit_input *in, struct audit_report *r);

const char *severity_name(enum severity s);
long audit_effective_ports(const struct audit_input *in);
void audit_report_free(struct audit_report *r);

#endif
