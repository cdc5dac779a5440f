// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Settings-level audit: the sysctls and kernel counters that decide when a
 * host runs out of ephemeral ports. Each check is a small pure function of
 * struct audit_input; gathering the input is the only part that reads /proc.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "counters.h"
#include "sysctl.h"

#define SMALL_RANGE 16384

long audit_effective_ports(const struct audit_input *in)
{
	if (in->port_lo == UNSET)
		return UNSET;
	return in->port_hi - in->port_lo + 1 -
	       (in->reserved_in_range > 0 ? in->reserved_in_range : 0);
}

static double pct(long a, long b)
{
	return b > 0 ? 100.0 * a / b : 0;
}

/* Each check fills f and returns true when it has something to say. */
typedef bool (*check_fn)(const struct audit_input *in, struct finding *f);

static bool check_range(const struct audit_input *in, struct finding *f)
{
	long cap = audit_capacity(in);
	long held = in->have_sd ? (long)in->sd.bound_in_range : 0;
	size_t o;

	if (cap == UNSET) {
		f->sev = SEV_UNKNOWN;
		snprintf(f->summary, sizeof(f->summary),
			 "cannot read net.ipv4.ip_local_port_range");
		return true;
	}
	/* size alone is a warning; occupancy (the destinations) is critical */
	f->sev = cap <= 0 ? SEV_CRITICAL : cap < SMALL_RANGE ? SEV_WARNING
							     : SEV_OK;
	snprintf(f->summary, sizeof(f->summary),
		 "%ld usable ephemeral ports per destination (%ld-%ld)", cap,
		 in->port_lo, in->port_hi);
	o = snprintf(f->evidence, sizeof(f->evidence),
		     "%ld in range, %ld reserved, %ld held by listening or "
		     "bound sockets; connect() to one destination fails with "
		     "EADDRNOTAVAIL once all carry a socket; while this host "
		     "closes first, each connection keeps its port %d s in "
		     "TIME_WAIT, so without reuse one destination sustains "
		     "about %.0f new connections/s (ports / %d s)",
		     in->port_hi - in->port_lo + 1,
		     in->reserved_in_range > 0 ? in->reserved_in_range : 0, held,
		     TCP_TIMEWAIT_SECONDS, cap > 0 ? (double)cap / TCP_TIMEWAIT_SECONDS
						: 0, TCP_TIMEWAIT_SECONDS);
	if (in->have_sd && o < sizeof(f->evidence))
		o += snprintf(f->evidence + o, sizeof(f->evidence) - o,
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
		return true;
	audit_wider_range(in, f->fix, sizeof(f->fix));
	finding_remedy(f, "widen the range, keeping services' ports reserved");
	return true;
}

static bool check_parity(const struct audit_input *in, struct finding *f)
{
	if (in->port_lo == UNSET || in->port_lo % 2 != in->port_hi % 2 ||
	    in->port_lo == in->port_hi)
		return false;
	f->sev = SEV_OK;	/* at most one port: worth a note, not a page */
	snprintf(f->summary, sizeof(f->summary),
		 "both ends of the port range are %s",
		 in->port_lo % 2 ? "odd" : "even");
	snprintf(f->evidence, sizeof(f->evidence),
		 "since Linux 4.6 connect() tries ports of the low end's parity "
		 "first and bind(port 0) the other half (4.2-4.5: connect() "
		 "only started at an even offset); ends of the same parity cost "
		 "connect() at most one port, and the kernel logs \"prefer "
		 "different parity\"");
	snprintf(f->fix, sizeof(f->fix), "net.ipv4.ip_local_port_range = %ld %ld",
		 in->port_lo, in->port_hi < 65535 ? in->port_hi + 1
						  : in->port_hi - 1);
	finding_remedy(f, "optional, to silence the kernel's message");
	return true;
}

static bool check_reserved(const struct audit_input *in, struct finding *f)
{
	long size = in->port_hi - in->port_lo + 1;

	if (in->port_lo == UNSET || in->reserved_in_range <= 0)
		return false;
	f->sev = in->reserved_in_range * 2 > size ? SEV_WARNING : SEV_OK;
	snprintf(f->summary, sizeof(f->summary),
		 "%ld ports of the range are reserved (%.0f%%)",
		 in->reserved_in_range, pct(in->reserved_in_range, size));
	snprintf(f->evidence, sizeof(f->evidence),
		 "net.ipv4.ip_local_reserved_ports takes them out of "
		 "automatic selection");
	if (f->sev)
		snprintf(f->remedy, sizeof(f->remedy),
			 "reserve only the ports services listen on, or move "
			 "the range away from them (check with: sysctl "
			 "net.ipv4.ip_local_reserved_ports)");
	return true;
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

static bool check_reuse(const struct audit_input *in, struct finding *f)
{
	long delay = in->tw_reuse_delay == UNSET ? 1000 : in->tw_reuse_delay;

	if (in->tw_reuse == UNSET)
		return false;
	if (in->tw_reuse == 1 && in->timestamps == 0) {
		f->sev = SEV_WARNING;	/* a setting that cannot do what it says */
		snprintf(f->summary, sizeof(f->summary),
			 "tcp_tw_reuse = %ld has no effect: tcp_timestamps = 0",
			 in->tw_reuse);
		snprintf(f->evidence, sizeof(f->evidence),
			 "connect() takes over a TIME_WAIT tuple only when the "
			 "peer sent TCP timestamps (PAWS protects the new "
			 "connection)");
		snprintf(f->fix, sizeof(f->fix), "net.ipv4.tcp_timestamps = 1");
		finding_remedy(f, "turn timestamps back on");
		return true;
	}
	if (in->tw_reuse == 1) {
		f->sev = SEV_OK;
		snprintf(f->summary, sizeof(f->summary),
			 "tcp_tw_reuse = 1: connect() may take over TIME_WAIT "
			 "tuples");
		snprintf(f->evidence, sizeof(f->evidence),
			 "outgoing connections only, once the TIME_WAIT socket "
			 "is older than %ld ms (%s) and the peer sent "
			 "timestamps; %lld take-overs since boot or namespace "
			 "creation (TcpExt TWRecycled)", delay,
			 in->tw_reuse_delay == UNSET ? "fixed before Linux 6.14"
			 : "tcp_tw_reuse_delay",
			 in->tw_recycled == UNSET ? 0 : in->tw_recycled);
		return true;
	}
	f->sev = tw_share(in) >= in->cfg.warn_ratio ? SEV_WARNING : SEV_OK;
	snprintf(f->summary, sizeof(f->summary), in->tw_reuse == 2
		 ? "tcp_tw_reuse = 2: TIME_WAIT reuse for loopback only"
		 : "tcp_tw_reuse = 0: TIME_WAIT tuples are never reused");
	snprintf(f->evidence, sizeof(f->evidence),
		 "a TIME_WAIT socket blocks only its own 4-tuple for %d s: "
		 "connect() to that destination picks another port, or fails "
		 "with EADDRNOTAVAIL when every port carries one; it never "
		 "waits", TCP_TIMEWAIT_SECONDS);
	if (f->sev == SEV_OK)
		return true;
	snprintf(f->fix, sizeof(f->fix), "net.ipv4.tcp_tw_reuse = 1");
	finding_remedy(f, "keep-alive or pooling first; else let connect() take "
		     "over TIME_WAIT tuples (outgoing connections only; relies "
		     "on timestamps and PAWS, and the kernel documentation "
		     "advises changing it only with reason; tcp_tw_recycle was "
		     "removed in 4.12)");
	return true;
}

static bool check_fin_timeout(const struct audit_input *in, struct finding *f)
{
	if (in->fin_timeout == UNSET)
		return false;
	f->sev = SEV_OK;
	snprintf(f->summary, sizeof(f->summary),
		 "tcp_fin_timeout = %ld s bounds orphaned FIN_WAIT2 only",
		 in->fin_timeout);
	snprintf(f->evidence, sizeof(f->evidence),
		 "TIME_WAIT lasts %d s whatever tcp_fin_timeout says "
		 "(TCP_TIMEWAIT_LEN is compiled in); lowering it does not "
		 "shorten TIME_WAIT", TCP_TIMEWAIT_SECONDS);
	/* lowered from its default, TCP_FIN_TIMEOUT = TCP_TIMEWAIT_LEN */
	if (in->fin_timeout < TCP_TIMEWAIT_SECONDS &&
	    tw_share(in) >= in->cfg.warn_ratio)
		snprintf(f->remedy, sizeof(f->remedy),
			 "for TIME_WAIT pressure use keep-alive, connection "
			 "pooling, or net.ipv4.tcp_tw_reuse = 1");
	return true;
}

static bool check_time_wait(const struct audit_input *in, struct finding *f)
{
	long cap = audit_capacity(in);
	double share = tw_share(in);

	if (cap <= 0 || (!in->have_sd && in->tcp_tw == UNSET))
		return false;
	/* the same thresholds as the destinations: no check contradicts another */
	f->sev = audit_ratio_severity(in, share);
	if (in->have_sd)
		snprintf(f->summary, sizeof(f->summary),
			 "%u TIME_WAIT sockets; the busiest destination has "
			 "%.0f%% of its %ld ports blocked by TIME_WAIT",
			 in->sd.tcp_state[SD_TIME_WAIT], 100 * share, cap);
	else
		snprintf(f->summary, sizeof(f->summary),
			 "%ld timewait minisockets (TIME_WAIT and orphaned "
			 "FIN_WAIT2), at most %.0f%% of one destination's ports",
			 in->tcp_tw, 100 * share);
	snprintf(f->evidence, sizeof(f->evidence),
		 "/proc/net/sockstat: TCP inuse %ld (IPv4), TCP6 inuse %ld, "
		 "orphan %ld, tw %ld (TIME_WAIT and orphaned FIN_WAIT2 "
		 "minisockets, IPv4 and IPv6); ports run out per (source, "
		 "destination, port)", in->tcp_inuse, in->tcp6_inuse,
		 in->tcp_orphan, in->tcp_tw);
	if (!f->sev)
		return true;
	if (in->tw_reuse != 1)
		snprintf(f->fix, sizeof(f->fix), "net.ipv4.tcp_tw_reuse = 1");
	finding_remedy(f, in->tw_reuse != 1
		     ? "keep-alive or pooling to the busy destination, a wider "
		       "port range (see the destination findings), or reuse"
		     : "keep-alive or pooling to the busy destination, or a "
		       "wider port range (see the destination findings)");
	return true;
}

static bool check_tw_cap(const struct audit_input *in, struct finding *f)
{
	if (in->max_tw_buckets == UNSET || in->tcp_tw == UNSET)
		return false;
	f->sev = in->tcp_tw >= in->max_tw_buckets * 0.9 ? SEV_WARNING : SEV_OK;
	snprintf(f->summary, sizeof(f->summary),
		 "timewait minisockets at %.0f%% of tcp_max_tw_buckets (%ld)",
		 pct(in->tcp_tw, in->max_tw_buckets), in->max_tw_buckets);
	snprintf(f->evidence, sizeof(f->evidence),
		 "sockstat tw %ld (TIME_WAIT and orphaned FIN_WAIT2); past the "
		 "cap sockets close without TIME_WAIT (about 256 bytes each "
		 "while they last)", in->tcp_tw);
	if (!f->sev)
		return true;
	snprintf(f->fix, sizeof(f->fix), "net.ipv4.tcp_max_tw_buckets = %ld",
		 in->max_tw_buckets * 2);
	finding_remedy(f, "reduce connection churn, or raise the cap");
	return true;
}

static bool check_overflow(const struct audit_input *in, struct finding *f)
{
	if (in->tw_overflow == UNSET)
		return false;
	f->sev = in->tw_overflow > 0 ? SEV_WARNING : SEV_OK;
	snprintf(f->summary, sizeof(f->summary),
		 "TIME_WAIT cap hit %lld times since boot or namespace creation",
		 in->tw_overflow);
	snprintf(f->evidence, sizeof(f->evidence),
		 "TcpExt TCPTimeWaitOverflow = %lld; current kernels log "
		 "nothing (3.10-era kernels logged \"TCP: time wait bucket "
		 "table overflow\")", in->tw_overflow);
	if (!f->sev || in->max_tw_buckets == UNSET)
		return true;
	snprintf(f->fix, sizeof(f->fix), "net.ipv4.tcp_max_tw_buckets = %ld",
		 in->max_tw_buckets * 2);
	finding_remedy(f, "raise the cap; each TIME_WAIT socket costs about "
		     "256 bytes");
	return true;
}

static bool check_drift(const struct audit_input *in, struct finding *f)
{
	size_t drift, bad, o = 0;

	if (!in->drift)
		return false;
	drift = plan_count(in->drift, CS_PENDING);
	bad = plan_count(in->drift, CS_INVALID);
	f->sev = drift || bad ? SEV_WARNING : SEV_OK;
	snprintf(f->summary, sizeof(f->summary),
		 "%zu setting%s differ from the profile%s", drift,
		 drift == 1 ? "" : "s", bad ? ", some cannot be applied" : "");
	for (size_t i = 0; i < in->drift->n && o < sizeof(f->evidence); i++) {
		const struct change *c = &in->drift->v[i];

		if (c->status != CS_PENDING && c->status != CS_INVALID)
			continue;
		o += snprintf(f->evidence + o, sizeof(f->evidence) - o,
			      "%s%s%s%s: %s -> %s", o ? "; " : "",
			      c->dev ? c->dev : "", c->dev ? " " : "", c->key,
			      c->before ? c->before : "?", c->after);
	}
	if (f->sev)
		snprintf(f->remedy, sizeof(f->remedy),
			 "porttune apply --profile %s",
			 in->drift->n ? in->drift->v[0].file : "PROFILE");
	return true;
}

static const struct {
	const char *id;
	check_fn fn;
} checks[] = {
	{ "port-range", check_range },
	{ "port-parity", check_parity },
	{ "reserved-ports", check_reserved },
	{ "time-wait", check_time_wait },
	{ "tw-reuse", check_reuse },
	{ "fin-timeout", check_fin_timeout },
	{ "tw-buckets", check_tw_cap },
	{ "tw-overflow", check_overflow },
	{ "drift", check_drift },
};

void audit_evaluate(const struct audit_input *in, struct audit_report *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < sizeof(checks) / sizeof(*checks); i++) {
		struct finding f = { 0 };

		if (!checks[i].fn(in, &f))
			continue;
		snprintf(f.check, sizeof(f.check), "%s", checks[i].id);
		*audit_add(r, f.check, f.sev) = f;
	}
	audit_socket_checks(in, r);
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].sev > r->worst)
			r->worst = r->v[i].sev;
}

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
