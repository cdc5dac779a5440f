// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Socket-level checks: ports run out per (source IP, destination IP,
 * destination port), so the census is judged destination by destination,
 * against the capacity audit.c computes (see audit_capacity).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "audit_checks.h"
#include "portguard.h"

#define MAX_DEST_FINDINGS 10	/* beyond this, the table tells the rest */
#define CLOSE_WAIT_WARN 100
/* a service port in the range is worth a warning once 1 in 20 ports is held */
#define HELD_WARN_DIVISOR 20
/* conntrack table fill: drops start at 100 % */
#define CT_WARN 0.75
#define CT_CRIT 0.9

static double dest_rate(const struct audit_input *in, const struct sd_dest *d)
{
	return in->sd.recent_ms ? d->tw_recent * 1000.0 / in->sd.recent_ms : 0;
}

static void dest_remedy(const struct audit_input *in, const struct sd_dest *d,
			struct finding *f)
{
	uint32_t tw = d->state[SD_TIME_WAIT] - audit_tw_reusable(in, d);
	uint32_t occ = audit_occupied(in, d);

	if (tw * 2 >= occ && !audit_reuse_applies(in, d)) {
		finding_printf(f, F_FIX, "net.ipv4.tcp_tw_reuse = 1%s",
			       in->timestamps == 0
			       ? "\nnet.ipv4.tcp_timestamps = 1" : "");
		finding_remedy(f, "TIME_WAIT holds most of these ports: "
			       "keep-alive or a connection pool so this side "
			       "stops closing first, or let connect() take over "
			       "TIME_WAIT tuples older than tcp_tw_reuse_delay "
			       "(outgoing connections only; needs TCP "
			       "timestamps)");
		return;
	}
	audit_wider_range(in, f->fix, sizeof(f->fix));
	finding_remedy(f, tw * 2 >= occ
		       ? "TIME_WAIT younger than tcp_tw_reuse_delay holds most "
			 "of these ports: keep-alive or pooling so this side "
			 "stops closing first; more source addresses or "
			 "destination ports; or a wider range"
		       : "pool and cap concurrent connections; more source "
			 "addresses or destination ports; or a wider range");
}

static void dest_finding(const struct audit_input *in, const struct sd_dest *d,
			 struct audit_report *r, enum severity sev)
{
	char src[64], dst[64];
	long cap = audit_capacity(in);
	uint32_t occ = audit_occupied(in, d), reuse = audit_tw_reusable(in, d);
	bool reusing = audit_reuse_applies(in, d);
	struct finding *f;

	f = finding_new(r, sev, "%s -> %s:%u uses %u of %ld ports (%.0f%%)",
			audit_addr(d->family, d->src, src, sizeof(src), false),
			audit_addr(d->family, d->dst, dst, sizeof(dst), true),
			d->dport, occ, cap, cap > 0 ? 100.0 * occ / cap : 100);
	if (reuse)
		finding_printf(f, F_SUMMARY, ", plus %u TIME_WAIT that "
			       "connect() may reuse", reuse);
	finding_printf(f, F_EVIDENCE, "ESTABLISHED %u, TIME_WAIT %u (%u "
		       "reusable: tcp_tw_reuse %s), FIN_WAIT2 %u, CLOSE_WAIT %u, "
		       "SYN_SENT %u; this side closed about %.1f connections/s; "
		       "while this host closes first it sustains about %.0f new "
		       "connections/s (ports / %s)",
		       d->state[SD_ESTABLISHED], d->state[SD_TIME_WAIT], reuse,
		       reusing ? "applies, after tcp_tw_reuse_delay"
		       : "does not apply here", d->state[SD_FIN_WAIT2],
		       d->state[SD_CLOSE_WAIT], d->state[SD_SYN_SENT],
		       dest_rate(in, d), audit_sustainable_rate(in, d),
		       reusing ? "tcp_tw_reuse_delay"
		       : TCP_TIMEWAIT_TEXT " of TIME_WAIT");
	if (sev != SEV_OK)
		dest_remedy(in, d, f);
}

void check_destinations(const struct audit_input *in, struct audit_report *r)
{
	const struct sd_dest *top[MAX_DEST_FINDINGS];
	size_t n = audit_top_dests(in, top, MAX_DEST_FINDINGS), shown = 0;
	long cap = audit_capacity(in);

	for (size_t i = 0; i < n; i++) {
		double ratio = cap > 0 ? (double)audit_occupied(in, top[i]) / cap : 1;
		enum severity sev = audit_ratio_severity(in, ratio);

		if (sev == SEV_OK)
			break;
		dest_finding(in, top[i], r, sev);
		shown++;
	}
	if (shown)
		return;
	if (n) {
		dest_finding(in, top[0], r, SEV_OK);
		return;
	}
	finding_new(r, SEV_OK, "no sockets hold ephemeral ports towards any "
		    "destination");
}

/* The local address of proto whose sockets hold the most ports. */
static const struct sd_local *busiest_local(const struct audit_input *in,
					    uint8_t proto)
{
	const struct sd_local *worst = NULL;

	for (size_t i = 0; i < in->sd.nlocal; i++)
		if (in->sd.local[i].proto == proto &&
		    (!worst || in->sd.local[i].ports > worst->ports))
			worst = &in->sd.local[i];
	return worst;
}

/*
 * bind(ip, 0) needs a port no socket on ip (or on the wildcard address)
 * uses: no sharing across destinations, so ports run out per local address.
 */
void check_bind(const struct audit_input *in, struct audit_report *r)
{
	long cap = audit_capacity(in);
	const struct sd_local *worst;
	char a[64];
	struct finding *f;
	double ratio, any;

	if (!(worst = busiest_local(in, IPPROTO_TCP)))
		return;
	ratio = cap > 0 ? (double)worst->ports / cap : 1;
	any = cap > 0 ? (double)in->sd.tcp_ports_used / cap : 1;
	/* the dump cannot tell a bind()-first socket apart: warn, no more */
	f = finding_new(r, audit_ratio_severity(in, ratio) ? SEV_WARNING
							   : SEV_OK,
			"bind(%s, 0) finds %u of %ld ports taken on that "
			"address (%.0f%%); bind(%s, 0) %u (%.0f%%)",
			audit_addr(worst->family, worst->addr, a, sizeof(a),
				   false),
			worst->ports, cap, 100 * ratio,
			worst->family == AF_INET ? "0.0.0.0" : "::",
			in->sd.tcp_ports_used, 100 * any);
	finding_printf(f, F_EVIDENCE, "matters only where the application "
		       "calls bind() to port 0 before connect(): that needs a "
		       "port no other socket on the same local address (or on "
		       "the wildcard address) uses, and fails with EADDRINUSE "
		       "when none is left; other local addresses keep their own "
		       "ports; plain connect() shares ports across destinations");
	if (f->sev)
		finding_printf(f, F_REMEDY, "set IP_BIND_ADDRESS_NO_PORT before "
			       "bind() so the port is chosen at connect() "
			       "(setsockopt(fd, IPPROTO_IP, "
			       "IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one)))");
}

void check_udp(const struct audit_input *in, struct audit_report *r)
{
	long cap = audit_capacity(in);
	const struct sd_local *worst;
	char a[64];
	struct finding *f;
	double ratio;

	if (!(worst = busiest_local(in, IPPROTO_UDP)))
		return;
	ratio = cap > 0 ? (double)worst->ports / cap : 1;
	f = finding_new(r, audit_ratio_severity(in, ratio),
			"UDP sockets hold %u ports on %s (%.0f%% of %ld)",
			worst->ports, audit_addr(worst->family, worst->addr, a,
						 sizeof(a), false),
			100 * ratio, cap);
	finding_printf(f, F_EVIDENCE, "UDP autobind needs a port unique per "
		       "local address and holds it until close(); it fails with "
		       "EAGAIN when none is left");
	if (f->sev)
		finding_printf(f, F_REMEDY, "close idle UDP sockets, or send "
			       "from fewer sockets (check with: ss -uanp)");
}

void check_listeners(const struct audit_input *in, struct audit_report *r)
{
	const struct sd_result *sd = &in->sd;
	struct portset all = in->reserved;
	char list[256];
	struct finding *f;

	if (!sd->bound_in_range)
		return;
	f = finding_new(r, sd->held_by_listeners && sd->bound_in_range *
			HELD_WARN_DIVISOR >= sd->range_size ? SEV_WARNING
							    : SEV_OK,
			"%u ports inside the ephemeral range are held by "
			"listening (%u) or bound-only (%u) sockets",
			sd->bound_in_range, sd->held_by_listeners,
			sd->held_by_bound);
	finding_printf(f, F_EVIDENCE, "connect() skips a port any socket "
		       "listens on or has bind()-ed, on any address: capacity "
		       "per destination is %u, not %u; a service whose port an "
		       "outgoing connection took cannot bind() it (EADDRINUSE)",
		       sd->p_eff, sd->range_size - sd->reserved_in_range);
	if (!sd->held_by_listeners)
		return;
	for (unsigned p = sd->port_lo; p <= sd->port_hi && p; p++)
		if (portset_has(&sd->listening, p))
			portset_add(&all, p);
	if (!portset_format(&all, 1, 65535, list, sizeof(list)))
		finding_printf(f, F_FIX, "net.ipv4.ip_local_reserved_ports = %s",
			       list);
	finding_remedy(f, "reserve the services' ports (this list keeps the "
		       "current reservations), or move the services below the "
		       "range");
}

void check_close_wait(const struct audit_input *in, struct audit_report *r)
{
	uint32_t n = in->sd.tcp_state[SD_CLOSE_WAIT];
	struct finding *f;

	if (n < CLOSE_WAIT_WARN)
		return;
	f = finding_new(r, SEV_WARNING, "%u sockets in CLOSE_WAIT", n);
	finding_printf(f, F_EVIDENCE, "the peer closed and the application has "
		       "not called close(); each keeps its port until it does");
	finding_printf(f, F_REMEDY, "fix the application's connection handling "
		       "(a leak or a stuck pool); no sysctl shortens CLOSE_WAIT; "
		       "find the owner with: ss -tnp state close-wait");
}

void check_conntrack(const struct audit_input *in, struct audit_report *r)
{
	double fill;
	struct finding *f;
	char tw[48] = "";

	if (in->ct_count == UNSET || in->ct_max <= 0)
		return;
	fill = (double)in->ct_count / in->ct_max;
	f = finding_new(r, fill >= CT_CRIT ? SEV_CRITICAL
			: fill >= CT_WARN || in->ct_insert_failed > 0 ||
			  in->ct_drop > 0 ? SEV_WARNING : SEV_OK,
			"conntrack table %ld of %ld entries (%.0f%%)",
			in->ct_count, in->ct_max, 100 * fill);
	if (in->ct_tw_timeout != UNSET)
		snprintf(tw, sizeof(tw), "%ld s", in->ct_tw_timeout);
	finding_printf(f, F_EVIDENCE, "insert_failed %lld, drop %lld, "
		       "early_drop %lld since boot or namespace creation; "
		       "conntrack keeps TIME_WAIT entries %s "
		       "(nf_conntrack_tcp_timeout_time_wait)",
		       in->ct_insert_failed == UNSET ? 0 : in->ct_insert_failed,
		       in->ct_drop == UNSET ? 0 : in->ct_drop,
		       in->ct_early_drop == UNSET ? 0 : in->ct_early_drop,
		       tw[0] ? tw : "(unreadable)");
	if (!f->sev)
		return;
	finding_printf(f, F_FIX, "net.netfilter.nf_conntrack_max = %ld",
		       in->ct_max * 2);
	finding_remedy(f, "exempt high-churn flows from tracking (NOTRACK), or "
		       "raise the table size");
}
