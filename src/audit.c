// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The audit core: gathering struct audit_input (the only part of the audit
 * that reads /proc and the socket dump), and the capacity arithmetic of
 * ports per destination that the checks and renderers share.
 *
 * Ports run out per (source IP, destination IP, destination port), against
 * the capacity P_eff = range - reserved - ports held by listening and
 * bound-only sockets. A TIME_WAIT tuple that connect() would take over
 * (tcp_tw_reuse) does not count as occupied.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "audit.h"
#include "counters.h"
#include "portguard.h"
#include "sysctl.h"

#define WIDE_LOW 16384		/* above 15000-15090 (Envoy, Istio) */
#define WIDE_HIGH 65001

/* ---- capacity ---------------------------------------------------------- */

long audit_effective_ports(const struct audit_input *in)
{
	if (in->port_lo == UNSET)
		return UNSET;
	return in->port_hi - in->port_lo + 1 -
	       (in->reserved_in_range > 0 ? in->reserved_in_range : 0);
}

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

enum severity audit_ratio_severity(const struct audit_input *in, double ratio)
{
	return ratio >= in->cfg.crit_ratio ? SEV_CRITICAL
	       : ratio >= in->cfg.warn_ratio ? SEV_WARNING : SEV_OK;
}

/* ---- gathering --------------------------------------------------------- */

static long read_long(const char *key)
{
	char v[64];

	if (sysctl_read(key, v, sizeof(v), NULL))
		return UNSET;
	return strtol(v, NULL, 10);
}

static long long ctr(const struct counters *c, const char *name)
{
	int64_t v;

	return counters_get(c, name, &v) ? (long long)v : UNSET;
}

/* Per-second change of a counter between two samples; 0 if unknown. */
static double rate(const struct counters *a, const struct counters *b,
		   const char *name, double seconds)
{
	long long x = ctr(a, name), y = ctr(b, name);

	return x == UNSET || y == UNSET || y < x ? 0 : (y - x) / seconds;
}

static void from_counters(struct audit_input *in, const struct counters *c)
{
	in->tcp_inuse = ctr(c, "sockstat.TCP.inuse");
	in->tcp6_inuse = ctr(c, "sockstat6.TCP6.inuse");
	in->tcp_tw = ctr(c, "sockstat.TCP.tw");
	in->tcp_orphan = ctr(c, "sockstat.TCP.orphan");
	in->tw_overflow = ctr(c, "TcpExt.TCPTimeWaitOverflow");
	in->tw_recycled = ctr(c, "TcpExt.TWRecycled");
	in->tw_entered = ctr(c, "TcpExt.TW");
	in->paws_active = ctr(c, "TcpExt.PAWSActive");
	in->active_opens = ctr(c, "Tcp.ActiveOpens");
	in->attempt_fails = ctr(c, "Tcp.AttemptFails");
	in->ct_count = ctr(c, "conntrack.count");
	in->ct_max = ctr(c, "conntrack.max");
	in->ct_insert_failed = ctr(c, "conntrack.insert_failed");
	in->ct_drop = ctr(c, "conntrack.drop");
	in->ct_early_drop = ctr(c, "conntrack.early_drop");
}

static void sample_twice(struct audit_input *in, double seconds)
{
	struct counters a = { 0 }, b = { 0 };
	struct timespec ts = { (time_t)seconds,
			       (long)((seconds - (time_t)seconds) * 1e9) };
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	counters_read(&a, NULL);
	/* a signal cuts the wait short; the rates use the time that passed */
	nanosleep(&ts, NULL);
	counters_read(&b, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	from_counters(in, &b);
	in->interval = seconds;
	in->rate_active_opens = rate(&a, &b, "Tcp.ActiveOpens", seconds);
	in->rate_attempt_fails = rate(&a, &b, "Tcp.AttemptFails", seconds);
	in->rate_tw_entered = rate(&a, &b, "TcpExt.TW", seconds);
	in->rate_tw_recycled = rate(&a, &b, "TcpExt.TWRecycled", seconds);
	in->rate_ct_insert_failed = rate(&a, &b, "conntrack.insert_failed",
					 seconds);
	in->rate_ct_drop = rate(&a, &b, "conntrack.drop", seconds);
	counters_free(&a);
	counters_free(&b);
}

static int census(struct audit_input *in, const struct audit_opts *o,
		  const struct portset *reserved, struct err *err)
{
	double window = o->interval > 0 ? o->interval : 10;
	struct sd_request req = {
		/* bound-only sockets take their port from every destination */
		.flags = (o->no_bound ? 0 : SD_BOUND_ONLY) |
			 (o->processes ? SD_PROCS | SD_CGROUPS : 0),
		.port_lo = in->port_lo, .port_hi = in->port_hi,
		.reserved = reserved,
		/* TIME_WAIT timers start at TCP_TIMEWAIT_LEN: older entries
		 * say nothing */
		.recent_ms = (uint32_t)((window < TCP_TIMEWAIT_SECONDS ? window
					 : TCP_TIMEWAIT_SECONDS) * 1000),
		/* before 6.14 the delay is the peer's last timestamp + 1 s */
		.tw_aged_ms = in->tw_reuse_delay > 0 ? in->tw_reuse_delay : 1000,
	};
	int rc = sockdiag_collect(&req, &in->sd, err);

	if (rc)
		return err_prefix(err, "socket census");
	in->have_sd = true;
	in->bound_skipped = o->no_bound;
	if (o->processes)
		sd_resolve_cgroups(&in->sd, o->top, NULL, NULL);
	return 0;
}

int audit_gather(struct audit_input *in, const struct audit_opts *o,
		 struct err *err)
{
	struct portset *reserved = &in->reserved;
	char v[SYSCTL_VALUE_MAX];
	int rc = 0;

	in->port_lo = in->port_hi = in->reserved_in_range = UNSET;
	if (!sysctl_read("net.ipv4.ip_local_port_range", v, sizeof(v), err) &&
	    sysctl_parse_range(v, &in->port_lo, &in->port_hi)) {
		in->port_lo = in->port_hi = UNSET;
		err_set(err, -EINVAL, "ip_local_port_range: cannot parse '%s'",
			v);
	}
	memset(reserved, 0, sizeof(*reserved));
	if (in->port_lo != UNSET &&
	    !sysctl_read("net.ipv4.ip_local_reserved_ports", v, sizeof(v),
			 NULL) &&
	    !sysctl_portlist_parse(v, reserved, NULL))
		in->reserved_in_range = portset_count(reserved, in->port_lo,
						      in->port_hi);
	in->unpriv_start = read_long("net.ipv4.ip_unprivileged_port_start");
	in->tw_reuse = read_long("net.ipv4.tcp_tw_reuse");
	in->tw_reuse_delay = read_long("net.ipv4.tcp_tw_reuse_delay");
	in->timestamps = read_long("net.ipv4.tcp_timestamps");
	in->fin_timeout = read_long("net.ipv4.tcp_fin_timeout");
	in->max_tw_buckets = read_long("net.ipv4.tcp_max_tw_buckets");
	in->ct_tw_timeout =
		read_long("net.netfilter.nf_conntrack_tcp_timeout_time_wait");
	if (o && o->interval > 0) {
		sample_twice(in, o->interval);
	} else {
		struct counters c = { 0 };

		counters_read(&c, NULL);
		from_counters(in, &c);
		counters_free(&c);
	}
	if (in->port_lo == UNSET)
		return -EIO;
	if (o && o->sockets)
		rc = census(in, o, reserved, err);
	return rc;
}

void audit_input_free(struct audit_input *in)
{
	if (in->have_sd)
		sd_result_free(&in->sd);
	in->have_sd = false;
}
