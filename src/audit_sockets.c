// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Socket-level findings: ports run out per (source IP, destination IP,
 * destination port), so the census is judged destination by destination,
 * against the capacity P_eff = range - reserved - ports held by listening
 * and bound-only sockets. A TIME_WAIT tuple that connect() would take over
 * (tcp_tw_reuse) does not count as occupied.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit.h"
#include "portguard.h"

#define MAX_DEST_FINDINGS 10	/* beyond this, the table tells the rest */
#define CLOSE_WAIT_WARN 100
#define WIDE_LOW 16384		/* above 15000-15090 (Envoy, Istio) */
#define WIDE_HIGH 65001

long audit_capacity(const struct audit_input *in)
{
	if (in->have_sd)
		return in->sd.p_eff;
	return audit_effective_ports(in);
}

/* tcp_tw_reuse = 2: the kernel's test is a loopback source or destination. */
static bool loopback(const struct sd_dest *d)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (d->family == AF_INET)
		return d->dst[0] == 127 || d->src[0] == 127;
	return !memcmp(d->dst, v6lo, 16) || !memcmp(d->src, v6lo, 16);
}

bool audit_reuse_applies(const struct audit_input *in, const struct sd_dest *d)
{
	return in->timestamps != 0 &&
	       (in->tw_reuse == 1 || (in->tw_reuse == 2 && loopback(d)));
}

uint32_t audit_tw_reusable(const struct audit_input *in, const struct sd_dest *d)
{
	return audit_reuse_applies(in, d) ? d->tw_aged : 0;
}

uint32_t audit_occupied(const struct audit_input *in, const struct sd_dest *d)
{
	return d->used - audit_tw_reusable(in, d);
}

static int cmp_occupied(const void *a, const void *b, void *ctx)
{
	const struct sd_dest *x = *(const struct sd_dest *const *)a;
	const struct sd_dest *y = *(const struct sd_dest *const *)b;
	uint32_t ox = audit_occupied(ctx, x), oy = audit_occupied(ctx, y);

	if (ox != oy)
		return ox < oy ? 1 : -1;
	if (x->used != y->used)
		return x->used < y->used ? 1 : -1;
	return memcmp(x, y, offsetof(struct sd_dest, used));
}

size_t audit_top_dests(const struct audit_input *in, const struct sd_dest **out,
		       size_t n)
{
	size_t cnt = in->sd.ndest;
	const struct sd_dest **all = cnt ? malloc(cnt * sizeof(*all)) : NULL;

	if (!all)
		return 0;
	for (size_t i = 0; i < cnt; i++)
		all[i] = &in->sd.dest[i];
	qsort_r(all, cnt, sizeof(*all), cmp_occupied, (void *)in);
	n = n < cnt ? n : cnt;
	memcpy(out, all, n * sizeof(*all));
	free(all);
	return n;
}

double audit_sustainable_rate(const struct audit_input *in,
			      const struct sd_dest *d)
{
	double cap = audit_capacity(in);
	/* before 6.14 the reuse delay is a fixed second */
	double delay = in->tw_reuse_delay > 0 ? in->tw_reuse_delay / 1000.0 : 1;

	if (cap <= 0)
		return 0;
	return audit_reuse_applies(in, d) ? cap / delay : cap / TCP_TIMEWAIT_SECONDS;
}

const char *audit_addr(uint8_t family, const uint8_t *addr, char *buf,
		       size_t len, bool brackets)
{
	char tmp[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, tmp, sizeof(tmp));
	snprintf(buf, len, brackets && family == AF_INET6 ? "[%s]" : "%s", tmp);
	return buf;
}

void audit_wider_range(const struct audit_input *in, char *fix, size_t len)
{
	long lo = in->port_lo < WIDE_LOW ? in->port_lo : WIDE_LOW;
	long hi = in->port_hi > WIDE_HIGH ? in->port_hi : WIDE_HIGH;
	struct portset exposed, all = in->reserved;
	char list[256];
	int o;

	if (lo % 2 == hi % 2)	/* ends of different parity, as the kernel prefers */
		hi += hi < 65535 ? 1 : -1;
	o = snprintf(fix, len, "net.ipv4.ip_local_port_range = %ld %ld", lo, hi);
	if (!portguard_exposed(lo, hi, &in->reserved,
			       in->have_sd ? &in->sd.listening : NULL, &exposed))
		return;
	for (size_t i = 0; i < sizeof(all.w) / sizeof(*all.w); i++)
		all.w[i] |= exposed.w[i];
	if (!portset_format(&all, 1, 65535, list, sizeof(list)) && o > 0 &&
	    (size_t)o < len)
		snprintf(fix + o, len - o,
			 "\nnet.ipv4.ip_local_reserved_ports = %s", list);
}

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
		snprintf(f->fix, sizeof(f->fix), "net.ipv4.tcp_tw_reuse = 1%s",
			 in->timestamps == 0 ? "\nnet.ipv4.tcp_timestamps = 1"
					     : "");
		finding_remedy(f, "TIME_WAIT holds most of these ports: keep-alive or a "
		       "connection pool so this side stops closing first, or let "
		       "connect() take over TIME_WAIT tuples older than "
		       "tcp_tw_reuse_delay (outgoing connections only; needs "
		       "TCP timestamps)");
		return;
	}
	audit_wider_range(in, f->fix, sizeof(f->fix));
	finding_remedy(f, tw * 2 >= occ
	       ? "TIME_WAIT younger than tcp_tw_reuse_delay holds most of "
		 "these ports: keep-alive or pooling so this side stops "
		 "closing first; more source addresses or destination ports; "
		 "or a wider range"
	       : "pool and cap concurrent connections; more source addresses "
		 "or destination ports; or a wider range");
}

static void dest_finding(const struct audit_input *in, const struct sd_dest *d,
			 struct audit_report *r, enum severity sev)
{
	char src[64], dst[64];
	long cap = audit_capacity(in);
	uint32_t occ = audit_occupied(in, d), reuse = audit_tw_reusable(in, d);
	struct finding *f = audit_add(r, "destination", sev);
	size_t o;

	o = snprintf(f->summary, sizeof(f->summary),
		     "%s -> %s:%u uses %u of %ld ports (%.0f%%)",
		     audit_addr(d->family, d->src, src, sizeof(src), false),
		     audit_addr(d->family, d->dst, dst, sizeof(dst), true),
		     d->dport, occ, cap, cap > 0 ? 100.0 * occ / cap : 100);
	if (reuse && o < sizeof(f->summary))
		snprintf(f->summary + o, sizeof(f->summary) - o,
			 ", plus %u TIME_WAIT that connect() may reuse", reuse);
	snprintf(f->evidence, sizeof(f->evidence),
		 "ESTABLISHED %u, TIME_WAIT %u (%u reusable: tcp_tw_reuse %s), "
		 "FIN_WAIT2 %u, CLOSE_WAIT %u, SYN_SENT %u; this side closed "
		 "about %.1f connections/s; while this host closes first it "
		 "sustains about %.0f new connections/s (ports / %s)",
		 d->state[SD_ESTABLISHED], d->state[SD_TIME_WAIT], reuse,
		 audit_reuse_applies(in, d) ? "applies, after tcp_tw_reuse_delay"
		 : "does not apply here", d->state[SD_FIN_WAIT2],
		 d->state[SD_CLOSE_WAIT], d->state[SD_SYN_SENT],
		 dest_rate(in, d), audit_sustainable_rate(in, d),
		 audit_reuse_applies(in, d) ? "tcp_tw_reuse_delay"
					    : TCP_TIMEWAIT_TEXT " of TIME_WAIT");
	if (sev != SEV_OK)
		dest_remedy(in, d, f);
}

enum severity audit_ratio_severity(const struct audit_input *in, double ratio)
{
	return ratio >= in->cfg.crit_ratio ? SEV_CRITICAL
	       : ratio >= in->cfg.warn_ratio ? SEV_WARNING : SEV_OK;
}

static void check_destinations(const struct audit_input *in,
			       struct audit_report *r)
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
	snprintf(audit_add(r, "destination", SEV_OK)->summary,
		 sizeof(r->v[0].summary),
		 "no sockets hold ephemeral ports towards any destination");
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
static void check_bind(const struct audit_input *in, struct audit_report *r)
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
	f = audit_add(r, "bind-capacity", audit_ratio_severity(in, ratio) ?
		      SEV_WARNING : SEV_OK);
	snprintf(f->summary, sizeof(f->summary),
		 "bind(%s, 0) finds %u of %ld ports taken on that address "
		 "(%.0f%%); bind(%s, 0) %u (%.0f%%)",
		 audit_addr(worst->family, worst->addr, a, sizeof(a), false),
		 worst->ports, cap, 100 * ratio,
		 worst->family == AF_INET ? "0.0.0.0" : "::",
		 in->sd.tcp_ports_used, 100 * any);
	snprintf(f->evidence, sizeof(f->evidence),
		 "matters only where the application calls bind() to port 0 "
		 "before connect(): that needs a port no other socket on the "
		 "same local address (or on the wildcard address) uses, and "
		 "fails with EADDRINUSE when none is left; other local "
		 "addresses keep their own ports; plain connect() shares ports "
		 "across destinations");
	if (f->sev)
		snprintf(f->remedy, sizeof(f->remedy),
			 "set IP_BIND_ADDRESS_NO_PORT before bind() so the port "
			 "is chosen at connect() (setsockopt(fd, IPPROTO_IP, "
			 "IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one)))");
}

static void check_udp(const struct audit_input *in, struct audit_report *r)
{
	long cap = audit_capacity(in);
	const struct sd_local *worst;
	char a[64];
	struct finding *f;
	double ratio;

	if (!(worst = busiest_local(in, IPPROTO_UDP)))
		return;
	ratio = cap > 0 ? (double)worst->ports / cap : 1;
	f = audit_add(r, "udp-ports", audit_ratio_severity(in, ratio));
	snprintf(f->summary, sizeof(f->summary),
		 "UDP sockets hold %u ports on %s (%.0f%% of %ld)",
		 worst->ports, audit_addr(worst->family, worst->addr, a,
					  sizeof(a), false), 100 * ratio, cap);
	snprintf(f->evidence, sizeof(f->evidence),
		 "UDP autobind needs a port unique per local address and holds "
		 "it until close(); it fails with EAGAIN when none is left");
	if (f->sev)
		snprintf(f->remedy, sizeof(f->remedy),
			 "close idle UDP sockets, or send from fewer sockets "
			 "(check with: ss -uanp)");
}

static void check_listeners(const struct audit_input *in,
			    struct audit_report *r)
{
	const struct sd_result *sd = &in->sd;
	struct portset all = in->reserved;
	char list[256];
	struct finding *f;

	if (!sd->bound_in_range)
		return;
	f = audit_add(r, "listeners-in-range", sd->held_by_listeners &&
		      sd->bound_in_range * 20 >= sd->range_size ? SEV_WARNING
								: SEV_OK);
	snprintf(f->summary, sizeof(f->summary),
		 "%u ports inside the ephemeral range are held by listening "
		 "(%u) or bound-only (%u) sockets", sd->bound_in_range,
		 sd->held_by_listeners, sd->held_by_bound);
	snprintf(f->evidence, sizeof(f->evidence),
		 "connect() skips a port any socket listens on or has bind()-ed, "
		 "on any address: capacity per destination is %u, not %u; a "
		 "service whose port an outgoing connection took cannot bind() "
		 "it (EADDRINUSE)", sd->p_eff,
		 sd->range_size - sd->reserved_in_range);
	if (!sd->held_by_listeners)
		return;
	for (unsigned p = sd->port_lo; p <= sd->port_hi && p; p++)
		if (portset_has(&sd->listening, p))
			portset_add(&all, p);
	if (!portset_format(&all, 1, 65535, list, sizeof(list)))
		snprintf(f->fix, sizeof(f->fix),
			 "net.ipv4.ip_local_reserved_ports = %s", list);
	finding_remedy(f, "reserve the services' ports (this list keeps the current "
	       "reservations), or move the services below the range");
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
		 "pool); no sysctl shortens CLOSE_WAIT; find the owner with: "
		 "ss -tnp state close-wait");
}

static void check_conntrack(const struct audit_input *in,
			    struct audit_report *r)
{
	double fill;
	struct finding *f;
	char tw[48] = "";

	if (in->ct_count == UNSET || in->ct_max <= 0)
		return;
	fill = (double)in->ct_count / in->ct_max;
	f = audit_add(r, "conntrack", fill >= 0.9 ? SEV_CRITICAL
		      : fill >= 0.75 || in->ct_insert_failed > 0 ||
		        in->ct_drop > 0 ? SEV_WARNING : SEV_OK);
	snprintf(f->summary, sizeof(f->summary),
		 "conntrack table %ld of %ld entries (%.0f%%)", in->ct_count,
		 in->ct_max, 100 * fill);
	if (in->ct_tw_timeout != UNSET)
		snprintf(tw, sizeof(tw), "%ld s", in->ct_tw_timeout);
	snprintf(f->evidence, sizeof(f->evidence),
		 "insert_failed %lld, drop %lld, early_drop %lld since boot or "
		 "namespace creation; conntrack keeps TIME_WAIT entries %s "
		 "(nf_conntrack_tcp_timeout_time_wait)",
		 in->ct_insert_failed == UNSET ? 0 : in->ct_insert_failed,
		 in->ct_drop == UNSET ? 0 : in->ct_drop,
		 in->ct_early_drop == UNSET ? 0 : in->ct_early_drop,
		 tw[0] ? tw : "(unreadable)");
	if (!f->sev)
		return;
	snprintf(f->fix, sizeof(f->fix), "net.netfilter.nf_conntrack_max = %ld",
		 in->ct_max * 2);
	finding_remedy(f, "exempt high-churn flows from tracking (NOTRACK), or raise "
	       "the table size");
}

void audit_socket_checks(const struct audit_input *in, struct audit_report *r)
{
	if (in->have_sd) {
		check_destinations(in, r);
		check_bind(in, r);
		check_udp(in, r);
		check_listeners(in, r);
		check_close_wait(in, r);
	}
	check_conntrack(in, r);
}
