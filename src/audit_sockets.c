// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Socket-level findings: ports run out per (source IP, destination IP,
 * destination port), so the census is judged destination by destination,
 * against the capacity P_eff = range - reserved - ports held by listeners.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "audit.h"

#define TIME_WAIT_SECONDS 60
#define MAX_DEST_FINDINGS 10	/* beyond this, the table tells the rest */
#define CLOSE_WAIT_WARN 100

long audit_capacity(const struct audit_input *in)
{
	if (in->have_sd)
		return in->sd.p_eff;
	return audit_effective_ports(in);
}

static bool loopback(const struct sd_dest *d)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	return d->family == AF_INET ? d->dst[0] == 127
				    : !memcmp(d->dst, v6lo, 16);
}

/* Whether connect() to d may take over its TIME_WAIT tuples. */
static bool reuse_applies(const struct audit_input *in, const struct sd_dest *d)
{
	return in->timestamps != 0 &&
	       (in->tw_reuse == 1 || (in->tw_reuse == 2 && loopback(d)));
}

double audit_sustainable_rate(const struct audit_input *in,
			      const struct sd_dest *d)
{
	double cap = audit_capacity(in);
	/* before 6.14 the reuse delay is a fixed second */
	double delay = in->tw_reuse_delay > 0 ? in->tw_reuse_delay / 1000.0 : 1;

	if (cap <= 0)
		return 0;
	return reuse_applies(in, d) ? cap / delay : cap / TIME_WAIT_SECONDS;
}

const char *audit_addr(uint8_t family, const uint8_t *addr, char *buf,
		       size_t len, bool brackets)
{
	char tmp[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, tmp, sizeof(tmp));
	snprintf(buf, len, brackets && family == AF_INET6 ? "[%s]" : "%s", tmp);
	return buf;
}

static double dest_rate(const struct audit_input *in, const struct sd_dest *d)
{
	return in->sd.recent_ms ? d->tw_recent * 1000.0 / in->sd.recent_ms : 0;
}

static void dest_remedy(const struct audit_input *in, const struct sd_dest *d,
			struct finding *f)
{
	uint32_t tw = d->state[SD_TIME_WAIT];
	size_t o = 0;

	if (tw * 2 >= d->used && !reuse_applies(in, d))
		o += snprintf(f->remedy + o, sizeof(f->remedy) - o,
			      "net.ipv4.tcp_tw_reuse = 1 (TIME_WAIT holds %u of "
			      "these ports); ", tw);
	if (tw * 2 >= d->used)
		o += snprintf(f->remedy + o, sizeof(f->remedy) - o,
			      "keep-alive or a connection pool so the client "
			      "stops closing first; ");
	else
		o += snprintf(f->remedy + o, sizeof(f->remedy) - o,
			      "pool and cap concurrent connections; ");
	snprintf(f->remedy + o, sizeof(f->remedy) - o,
		 "more capacity: a wider net.ipv4.ip_local_port_range, more "
		 "source addresses or destination ports");
}

static void dest_finding(const struct audit_input *in, const struct sd_dest *d,
			 struct audit_report *r, enum severity sev)
{
	char src[64], dst[64];
	double ratio = (double)d->used / audit_capacity(in);
	struct finding *f = audit_add(r, "destination", sev);

	snprintf(f->summary, sizeof(f->summary),
		 "%s -> %s:%u uses %u of %ld ports (%.0f%%)",
		 audit_addr(d->family, d->src, src, sizeof(src), false),
		 audit_addr(d->family, d->dst, dst, sizeof(dst), true),
		 d->dport, d->used, audit_capacity(in), 100 * ratio);
	snprintf(f->evidence, sizeof(f->evidence),
		 "ESTABLISHED %u, TIME_WAIT %u, FIN_WAIT2 %u, CLOSE_WAIT %u, "
		 "SYN_SENT %u; about %.1f new connections/s closed from this "
		 "side against %.0f/s sustainable%s",
		 d->state[SD_ESTABLISHED], d->state[SD_TIME_WAIT],
		 d->state[SD_FIN_WAIT2], d->state[SD_CLOSE_WAIT],
		 d->state[SD_SYN_SENT], dest_rate(in, d),
		 audit_sustainable_rate(in, d),
		 reuse_applies(in, d) ? " (with TIME_WAIT reuse)" : "");
	if (sev != SEV_OK)
		dest_remedy(in, d, f);
}

static void check_destinations(const struct audit_input *in,
			       struct audit_report *r)
{
	const struct sd_dest *top[MAX_DEST_FINDINGS];
	size_t n = sd_top_dests(&in->sd, top, MAX_DEST_FINDINGS), shown = 0;
	long cap = audit_capacity(in);

	for (size_t i = 0; i < n && cap > 0; i++) {
		double ratio = (double)top[i]->used / cap;

		if (ratio < in->cfg.warn_ratio)
			break;
		dest_finding(in, top[i], r, ratio >= in->cfg.crit_ratio
			     ? SEV_CRITICAL : SEV_WARNING);
		shown++;
	}
	if (shown)
		return;
	if (n) {
		dest_finding(in, top[0], r, SEV_OK);
		return;
	}
	snprintf(audit_add(r, "destination", SEV_OK)->summary,
		 sizeof(r->v[0].summary),
		 "no sockets hold ephemeral ports towards any destination");
}

/*
 * bind(ip, 0) and UDP need a port unique per local address: no sharing
 * across destinations, so the host-wide count is what runs out.
 */
static void check_local(const struct audit_input *in, struct audit_report *r)
{
	long cap = audit_capacity(in);
	const struct sd_local *worst = NULL;
	char a[64];
	struct finding *f;
	double ratio;

	for (size_t i = 0; i < in->sd.nlocal; i++)
		if (in->sd.local[i].proto == IPPROTO_UDP &&
		    (!worst || in->sd.local[i].ports > worst->ports))
			worst = &in->sd.local[i];
	ratio = cap > 0 ? (double)in->sd.tcp_ports_used / cap : 0;
	/* the dump cannot tell a bind()-first socket apart: warn, no more */
	f = audit_add(r, "bind-capacity", ratio >= in->cfg.warn_ratio
		      ? SEV_WARNING : SEV_OK);
	snprintf(f->summary, sizeof(f->summary),
		 "%u distinct local ports in use by TCP (%.0f%% of %ld)",
		 in->sd.tcp_ports_used, 100 * ratio, cap);
	snprintf(f->evidence, sizeof(f->evidence),
		 "matters if the application calls bind() to port 0 before "
		 "connect(): that needs a port no other socket uses and fails "
		 "with EADDRINUSE once these run out; plain connect() shares "
		 "ports across destinations");
	if (f->sev)
		snprintf(f->remedy, sizeof(f->remedy),
			 "set IP_BIND_ADDRESS_NO_PORT before bind() so the "
			 "port is chosen at connect()");
	if (!worst)
		return;
	ratio = cap > 0 ? (double)worst->ports / cap : 0;
	f = audit_add(r, "udp-ports", ratio >= in->cfg.crit_ratio
		      ? SEV_CRITICAL : ratio >= in->cfg.warn_ratio
		      ? SEV_WARNING : SEV_OK);
	snprintf(f->summary, sizeof(f->summary),
		 "UDP sockets hold %u ports on %s (%.0f%% of %ld)",
		 worst->ports, audit_addr(worst->family, worst->addr, a,
					  sizeof(a), false), 100 * ratio, cap);
	snprintf(f->evidence, sizeof(f->evidence),
		 "UDP autobind needs a port unique per local address and holds "
		 "it until close(); it fails with EAGAIN when none is left");
	if (f->sev)
		snprintf(f->remedy, sizeof(f->remedy),
			 "close idle UDP sockets, or send from fewer sockets");
}

static void check_listeners(const struct audit_input *in,
			    struct audit_report *r)
{
	const struct sd_result *sd = &in->sd;
	struct finding *f;

	if (!sd->bound_in_range)
		return;
	f = audit_add(r, "listeners-in-range", sd->bound_in_range * 20 >=
		      sd->range_size ? SEV_WARNING : SEV_OK);
	snprintf(f->summary, sizeof(f->summary),
		 "%u ports inside the ephemeral range are held by listening%s "
		 "sockets", sd->bound_in_range,
		 sd->bound_visible ? " or bound" : "");
	snprintf(f->evidence, sizeof(f->evidence),
		 "connect() skips a port any socket listens on or bound, on any "
		 "address: capacity per destination is %u, not %u",
		 sd->p_eff, sd->range_size - sd->reserved_in_range);
	snprintf(f->remedy, sizeof(f->remedy),
		 "list the services' ports in net.ipv4.ip_local_reserved_ports, "
		 "or move them below net.ipv4.ip_local_port_range");
}

static void check_close_wait(const struct audit_input *in,
			     struct audit_report *r)
{
	uint32_t n = in->sd.tcp_state[SD_CLOSE_WAIT];
	struct finding *f;

	if (n < CLOSE_WAIT_WARN)
		return;
	f = audit_add(r, "close-wait", SEV_WARNING);
	snprintf(f->summary, sizeof(f->summary),
		 "%u sockets in CLOSE_WAIT", n);
	snprintf(f->evidence, sizeof(f->evidence),
		 "the peer closed and the application has not called close(); "
		 "each keeps its port until it does");
	snprintf(f->remedy, sizeof(f->remedy),
		 "fix the application's connection handling (a leak or a stuck "
		 "pool); no sysctl shortens CLOSE_WAIT");
}

static void check_conntrack(const struct audit_input *in,
			    struct audit_report *r)
{
	double fill;
	struct finding *f;

	if (in->ct_count == UNSET || in->ct_max <= 0)
		return;
	fill = (double)in->ct_count / in->ct_max;
	f = audit_add(r, "conntrack", fill >= 0.9 ? SEV_CRITICAL
		      : fill >= 0.75 || in->ct_insert_failed > 0 ||
		        in->ct_drop > 0 ? SEV_WARNING : SEV_OK);
	snprintf(f->summary, sizeof(f->summary),
		 "conntrack table %ld of %ld entries (%.0f%%)", in->ct_count,
		 in->ct_max, 100 * fill);
	snprintf(f->evidence, sizeof(f->evidence),
		 "insert_failed %lld, drop %lld, early_drop %lld since boot; "
		 "conntrack keeps TIME_WAIT entries 120 s",
		 in->ct_insert_failed == UNSET ? 0 : in->ct_insert_failed,
		 in->ct_drop == UNSET ? 0 : in->ct_drop,
		 in->ct_early_drop == UNSET ? 0 : in->ct_early_drop);
	if (f->sev)
		snprintf(f->remedy, sizeof(f->remedy),
			 "raise net.netfilter.nf_conntrack_max, or exempt "
			 "high-churn flows from tracking (NOTRACK)");
}

void audit_socket_checks(const struct audit_input *in, struct audit_report *r)
{
	if (!in->have_sd) {
		check_conntrack(in, r);
		return;
	}
	check_destinations(in, r);
	check_local(in, r);
	check_listeners(in, r);
	check_close_wait(in, r);
	check_conntrack(in, r);
}
