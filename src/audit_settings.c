// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Settings-level checks: the sysctls and kernel counters that decide when a
 * host runs out of ephemeral ports. Each is a small pure function of struct
 * audit_input (see audit_checks.h); audit.c gathers the input.
 */
#include <stdio.h>

#include "audit_checks.h"

#define SMALL_RANGE 16384
/* past this share of tcp_max_tw_buckets, closing sockets skip TIME_WAIT */
#define TW_CAP_WARN 0.9

static double pct(long a, long b)
{
	return b > 0 ? 100.0 * a / b : 0;
}

void check_range(const struct audit_input *in, struct audit_report *r)
{
	long cap = audit_capacity(in);
	long held = in->have_sd ? (long)in->sd.bound_in_range : 0;
	struct finding *f;

	if (cap == UNSET) {
		finding_new(r, SEV_UNKNOWN,
			    "cannot read net.ipv4.ip_local_port_range");
		return;
	}
	/* size alone is a warning; occupancy (the destinations) is critical */
	f = finding_new(r, cap <= 0 ? SEV_CRITICAL : cap < SMALL_RANGE
			? SEV_WARNING : SEV_OK,
			"%ld usable ephemeral ports per destination (%ld-%ld)",
			cap, in->port_lo, in->port_hi);
	finding_printf(f, F_EVIDENCE,
		       "%ld in range, %ld reserved, %ld held by listening or "
		       "bound sockets; connect() to one destination fails with "
		       "EADDRNOTAVAIL once all carry a socket; while this host "
		       "closes first, each connection keeps its port %d s in "
		       "TIME_WAIT, so without reuse one destination sustains "
		       "about %.0f new connections/s (ports / %d s)",
		       in->port_hi - in->port_lo + 1,
		       in->reserved_in_range > 0 ? in->reserved_in_range : 0,
		       held, TCP_TIMEWAIT_SECONDS,
		       cap > 0 ? (double)cap / TCP_TIMEWAIT_SECONDS : 0,
		       TCP_TIMEWAIT_SECONDS);
	if (in->have_sd)
		finding_printf(f, F_EVIDENCE,
			       "%s; a socket that bind()s before connect() also "
			       "takes its port from every destination, and the "
			       "kernel's dump shows it like any connection",
			       in->sd.bound_visible ? "" : in->bound_skipped
			       ? "; bind()-only sockets were not counted (audit "
				 "--all-netns leaves them out: listing them walks "
				 "the bind table all namespaces share; audit this "
				 "one with --netns to count them), so capacity may "
				 "be overestimated"
			       : "; this kernel (before 6.8) does not list "
				 "bind()-only sockets, so capacity may be "
				 "overestimated");
	if (f->sev == SEV_OK)
		return;
	audit_wider_range(in, f->fix, sizeof(f->fix));
	finding_remedy(f, "widen the range, keeping services' ports reserved");
}

void check_parity(const struct audit_input *in, struct audit_report *r)
{
	struct finding *f;

	if (in->port_lo == UNSET || in->port_lo % 2 != in->port_hi % 2 ||
	    in->port_lo == in->port_hi)
		return;
	/* at most one port: worth a note, not a page */
	f = finding_new(r, SEV_OK, "both ends of the port range are %s",
			in->port_lo % 2 ? "odd" : "even");
	finding_printf(f, F_EVIDENCE,
		       "since Linux 4.6 connect() tries ports of the low end's "
		       "parity first and bind(port 0) the other half (4.2-4.5: "
		       "connect() only started at an even offset); ends of the "
		       "same parity cost connect() at most one port, and the "
		       "kernel logs \"prefer different parity\"");
	finding_printf(f, F_FIX, "net.ipv4.ip_local_port_range = %ld %ld",
		       in->port_lo, in->port_hi < 65535 ? in->port_hi + 1
							: in->port_hi - 1);
	finding_remedy(f, "optional, to silence the kernel's message");
}

void check_reserved(const struct audit_input *in, struct audit_report *r)
{
	long size = in->port_hi - in->port_lo + 1;
	struct finding *f;

	if (in->port_lo == UNSET || in->reserved_in_range <= 0)
		return;
	f = finding_new(r, in->reserved_in_range * 2 > size ? SEV_WARNING
							    : SEV_OK,
			"%ld ports of the range are reserved (%.0f%%)",
			in->reserved_in_range, pct(in->reserved_in_range, size));
	finding_printf(f, F_EVIDENCE, "net.ipv4.ip_local_reserved_ports takes "
		       "them out of automatic selection");
	if (f->sev)
		finding_printf(f, F_REMEDY, "reserve only the ports services "
			       "listen on, or move the range away from them "
			       "(check with: sysctl "
			       "net.ipv4.ip_local_reserved_ports)");
}

/* Worst share of a destination's ports held by TIME_WAIT that blocks. */
static double tw_share(const struct audit_input *in)
{
	long cap = audit_capacity(in);
	double worst = 0;

	if (!in->have_sd) {
		/* sockstat's tw also counts orphaned FIN_WAIT2: a ceiling */
		return in->tcp_tw != UNSET && cap > 0 ? (double)in->tcp_tw / cap
						      : 0;
	}
	for (size_t i = 0; i < in->sd.ndest && cap > 0; i++) {
		const struct sd_dest *d = &in->sd.dest[i];
		double s = (double)(d->state[SD_TIME_WAIT] -
				    audit_tw_reusable(in, d)) / cap;

		worst = s > worst ? s : worst;
	}
	return worst;
}

void check_reuse(const struct audit_input *in, struct audit_report *r)
{
	long delay = in->tw_reuse_delay == UNSET ? 1000 : in->tw_reuse_delay;
	struct finding *f;

	if (in->tw_reuse == UNSET)
		return;
	if (in->tw_reuse == 1 && in->timestamps == 0) {
		/* a setting that cannot do what it says */
		f = finding_new(r, SEV_WARNING, "tcp_tw_reuse = %ld has no "
				"effect: tcp_timestamps = 0", in->tw_reuse);
		finding_printf(f, F_EVIDENCE, "connect() takes over a TIME_WAIT "
			       "tuple only when the peer sent TCP timestamps "
			       "(PAWS protects the new connection)");
		finding_printf(f, F_FIX, "net.ipv4.tcp_timestamps = 1");
		finding_remedy(f, "turn timestamps back on");
		return;
	}
	if (in->tw_reuse == 1) {
		f = finding_new(r, SEV_OK, "tcp_tw_reuse = 1: connect() may take "
				"over TIME_WAIT tuples");
		finding_printf(f, F_EVIDENCE, "outgoing connections only, once "
			       "the TIME_WAIT socket is older than %ld ms (%s) "
			       "and the peer sent timestamps; %lld take-overs "
			       "since boot or namespace creation (TcpExt "
			       "TWRecycled)", delay, in->tw_reuse_delay == UNSET
			       ? "fixed before Linux 6.14" : "tcp_tw_reuse_delay",
			       in->tw_recycled == UNSET ? 0 : in->tw_recycled);
		return;
	}
	f = finding_new(r, tw_share(in) >= in->cfg.warn_ratio ? SEV_WARNING
							      : SEV_OK,
			"%s", in->tw_reuse == 2
			? "tcp_tw_reuse = 2: TIME_WAIT reuse for loopback only"
			: "tcp_tw_reuse = 0: TIME_WAIT tuples are never reused");
	finding_printf(f, F_EVIDENCE, "a TIME_WAIT socket blocks only its own "
		       "4-tuple for %d s: connect() to that destination picks "
		       "another port, or fails with EADDRNOTAVAIL when every "
		       "port carries one; it never waits", TCP_TIMEWAIT_SECONDS);
	if (f->sev == SEV_OK)
		return;
	finding_printf(f, F_FIX, "net.ipv4.tcp_tw_reuse = 1");
	finding_remedy(f, "keep-alive or pooling first; else let connect() take "
		       "over TIME_WAIT tuples (outgoing connections only; relies "
		       "on timestamps and PAWS, and the kernel documentation "
		       "advises changing it only with reason; tcp_tw_recycle "
		       "was removed in 4.12)");
}

void check_fin_timeout(const struct audit_input *in, struct audit_report *r)
{
	struct finding *f;

	if (in->fin_timeout == UNSET)
		return;
	f = finding_new(r, SEV_OK, "tcp_fin_timeout = %ld s bounds orphaned "
			"FIN_WAIT2 only", in->fin_timeout);
	finding_printf(f, F_EVIDENCE, "TIME_WAIT lasts %d s whatever "
		       "tcp_fin_timeout says (TCP_TIMEWAIT_LEN is compiled in); "
		       "lowering it does not shorten TIME_WAIT",
		       TCP_TIMEWAIT_SECONDS);
	/* lowered from its default, TCP_FIN_TIMEOUT = TCP_TIMEWAIT_LEN */
	if (in->fin_timeout < TCP_TIMEWAIT_SECONDS &&
	    tw_share(in) >= in->cfg.warn_ratio)
		finding_printf(f, F_REMEDY, "for TIME_WAIT pressure use "
			       "keep-alive, connection pooling, or "
			       "net.ipv4.tcp_tw_reuse = 1");
}

void check_time_wait(const struct audit_input *in, struct audit_report *r)
{
	long cap = audit_capacity(in);
	double share = tw_share(in);
	/* the same thresholds as the destinations: no check contradicts another */
	enum severity sev = audit_ratio_severity(in, share);
	struct finding *f;

	if (cap <= 0 || (!in->have_sd && in->tcp_tw == UNSET))
		return;
	if (in->have_sd)
		f = finding_new(r, sev, "%u TIME_WAIT sockets; the busiest "
				"destination has %.0f%% of its %ld ports blocked "
				"by TIME_WAIT", in->sd.tcp_state[SD_TIME_WAIT],
				100 * share, cap);
	else
		f = finding_new(r, sev, "%ld timewait minisockets (TIME_WAIT and "
				"orphaned FIN_WAIT2), at most %.0f%% of one "
				"destination's ports", in->tcp_tw, 100 * share);
	finding_printf(f, F_EVIDENCE, "/proc/net/sockstat: TCP inuse %ld "
		       "(IPv4), TCP6 inuse %ld, orphan %ld, tw %ld (TIME_WAIT and "
		       "orphaned FIN_WAIT2 minisockets, IPv4 and IPv6); ports "
		       "run out per (source, destination, port)", in->tcp_inuse,
		       in->tcp6_inuse, in->tcp_orphan, in->tcp_tw);
	if (!f->sev)
		return;
	if (in->tw_reuse != 1)
		finding_printf(f, F_FIX, "net.ipv4.tcp_tw_reuse = 1");
	finding_remedy(f, in->tw_reuse != 1
		       ? "keep-alive or pooling to the busy destination, a "
			 "wider port range (see the destination findings), or "
			 "reuse"
		       : "keep-alive or pooling to the busy destination, or a "
			 "wider port range (see the destination findings)");
}

void check_tw_cap(const struct audit_input *in, struct audit_report *r)
{
	struct finding *f;

	if (in->max_tw_buckets == UNSET || in->tcp_tw == UNSET)
		return;
	f = finding_new(r, in->tcp_tw >= in->max_tw_buckets * TW_CAP_WARN
			? SEV_WARNING : SEV_OK,
			"timewait minisockets at %.0f%% of tcp_max_tw_buckets "
			"(%ld)", pct(in->tcp_tw, in->max_tw_buckets),
			in->max_tw_buckets);
	finding_printf(f, F_EVIDENCE, "sockstat tw %ld (TIME_WAIT and orphaned "
		       "FIN_WAIT2); past the cap sockets close without TIME_WAIT "
		       "(about 256 bytes each while they last)", in->tcp_tw);
	if (!f->sev)
		return;
	finding_printf(f, F_FIX, "net.ipv4.tcp_max_tw_buckets = %ld",
		       in->max_tw_buckets * 2);
	finding_remedy(f, "reduce connection churn, or raise the cap");
}

void check_overflow(const struct audit_input *in, struct audit_report *r)
{
	struct finding *f;

	if (in->tw_overflow == UNSET)
		return;
	f = finding_new(r, in->tw_overflow > 0 ? SEV_WARNING : SEV_OK,
			"TIME_WAIT cap hit %lld times since boot or namespace "
			"creation", in->tw_overflow);
	finding_printf(f, F_EVIDENCE, "TcpExt TCPTimeWaitOverflow = %lld; "
		       "current kernels log nothing (3.10-era kernels logged "
		       "\"TCP: time wait bucket table overflow\")",
		       in->tw_overflow);
	if (!f->sev || in->max_tw_buckets == UNSET)
		return;
	finding_printf(f, F_FIX, "net.ipv4.tcp_max_tw_buckets = %ld",
		       in->max_tw_buckets * 2);
	finding_remedy(f, "raise the cap; each TIME_WAIT socket costs about "
		       "256 bytes");
}

void check_drift(const struct audit_input *in, struct audit_report *r)
{
	size_t drift, bad;
	struct finding *f;

	if (!in->drift)
		return;
	drift = plan_count(in->drift, CS_PENDING);
	bad = plan_count(in->drift, CS_INVALID);
	f = finding_new(r, drift || bad ? SEV_WARNING : SEV_OK,
			"%zu setting%s differ from the profile%s", drift,
			drift == 1 ? "" : "s",
			bad ? ", some cannot be applied" : "");
	for (size_t i = 0; i < in->drift->n; i++) {
		const struct change *c = &in->drift->v[i];

		if (c->status != CS_PENDING && c->status != CS_INVALID)
			continue;
		finding_printf(f, F_EVIDENCE, "%s%s%s%s: %s -> %s",
			       f->evidence[0] ? "; " : "", c->dev ? c->dev : "",
			       c->dev ? " " : "", c->key,
			       c->before ? c->before : "?", c->after);
	}
	if (f->sev)
		finding_printf(f, F_REMEDY, "porttune apply --profile %s",
			       in->drift->n ? in->drift->v[0].file : "PROFILE");
}
