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

#include "audit.h"
#include "counters.h"
#include "sysctl.h"

#define TIME_WAIT_SECONDS 60	/* TCP_TIMEWAIT_LEN: a constant, not a sysctl */
#define SMALL_RANGE 16384
#define TINY_RANGE 4096

static const char *const sev_names[] = { "OK", "WARNING", "CRITICAL",
					  "UNKNOWN" };

const char *severity_name(enum severity s)
{
	return sev_names[s];
}

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
	long eff = audit_effective_ports(in);

	if (eff == UNSET) {
		f->sev = SEV_UNKNOWN;
		snprintf(f->summary, sizeof(f->summary),
			 "cannot read net.ipv4.ip_local_port_range");
		return true;
	}
	f->sev = eff < TINY_RANGE ? SEV_CRITICAL
	       : eff < SMALL_RANGE ? SEV_WARNING : SEV_OK;
	snprintf(f->summary, sizeof(f->summary),
		 "%ld usable ephemeral ports per destination (%ld-%ld)", eff,
		 in->port_lo, in->port_hi);
	snprintf(f->evidence, sizeof(f->evidence),
		 "%ld in range, %ld reserved; without TIME_WAIT reuse one "
		 "destination sustains about %ld new connections/s (%ld ports "
		 "/ %d s TIME_WAIT)", in->port_hi - in->port_lo + 1,
		 in->reserved_in_range > 0 ? in->reserved_in_range : 0,
		 eff / TIME_WAIT_SECONDS, eff, TIME_WAIT_SECONDS);
	if (f->sev != SEV_OK)
		snprintf(f->remedy, sizeof(f->remedy),
			 "widen it, e.g. net.ipv4.ip_local_port_range = 10240 "
			 "65000, and keep listening services out of it with "
			 "net.ipv4.ip_local_reserved_ports");
	return true;
}

static bool check_parity(const struct audit_input *in, struct finding *f)
{
	if (in->port_lo == UNSET || in->port_lo % 2 != in->port_hi % 2 ||
	    in->port_lo == in->port_hi)
		return false;
	f->sev = SEV_WARNING;
	snprintf(f->summary, sizeof(f->summary),
		 "both ends of the port range are %s",
		 in->port_lo % 2 ? "odd" : "even");
	snprintf(f->evidence, sizeof(f->evidence),
		 "connect() prefers ports of the low end's parity and bind() "
		 "the other half (Linux >= 4.2); the kernel logs \"prefer "
		 "different parity\"");
	snprintf(f->remedy, sizeof(f->remedy),
		 "net.ipv4.ip_local_port_range = %ld %ld", in->port_lo,
		 in->port_hi < 65535 ? in->port_hi + 1 : in->port_hi - 1);
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
			 "the range away from them");
	return true;
}

/* TIME_WAIT pressure: the global count against one destination's share. */
static bool tw_pressure(const struct audit_input *in)
{
	long eff = audit_effective_ports(in);

	return in->tcp_tw != UNSET && eff > 0 &&
	       in->tcp_tw >= in->cfg.warn_ratio * eff;
}

static bool check_reuse(const struct audit_input *in, struct finding *f)
{
	if (in->tw_reuse == UNSET)
		return false;
	if (in->tw_reuse == 1 && in->timestamps == 0) {
		f->sev = SEV_WARNING;
		snprintf(f->summary, sizeof(f->summary),
			 "tcp_tw_reuse = 1 has no effect: tcp_timestamps = 0");
		snprintf(f->evidence, sizeof(f->evidence),
			 "a TIME_WAIT tuple is reused only when the peer sent "
			 "timestamps");
		snprintf(f->remedy, sizeof(f->remedy),
			 "net.ipv4.tcp_timestamps = 1");
		return true;
	}
	if (in->tw_reuse == 1) {
		f->sev = SEV_OK;
		snprintf(f->summary, sizeof(f->summary),
			 "tcp_tw_reuse = 1: connect() may take over TIME_WAIT "
			 "tuples");
		/* before 6.14 the delay is a fixed second */
		snprintf(f->evidence, sizeof(f->evidence),
			 "after tcp_tw_reuse_delay (%ld ms) and with peer "
			 "timestamps; %lld reuses since boot (TWRecycled)",
			 in->tw_reuse_delay == UNSET ? 1000 : in->tw_reuse_delay,
			 in->tw_recycled == UNSET ? 0 : in->tw_recycled);
		return true;
	}
	f->sev = tw_pressure(in) ? SEV_WARNING : SEV_OK;
	snprintf(f->summary, sizeof(f->summary), in->tw_reuse == 2
		 ? "tcp_tw_reuse = 2: TIME_WAIT reuse for loopback only"
		 : "tcp_tw_reuse = 0: TIME_WAIT tuples are never reused");
	snprintf(f->evidence, sizeof(f->evidence),
		 "%ld TIME_WAIT sockets now; outbound connections to other "
		 "hosts wait the full %d s for their port",
		 in->tcp_tw == UNSET ? 0 : in->tcp_tw, TIME_WAIT_SECONDS);
	snprintf(f->remedy, sizeof(f->remedy),
		 "net.ipv4.tcp_tw_reuse = 1 (safe for outbound connect(); "
		 "not tcp_tw_recycle, which was removed in 4.12)");
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
		 "(TCP_TIMEWAIT_LEN is compiled in)%s", TIME_WAIT_SECONDS,
		 in->fin_timeout < 60 ? "; lowering it did not shorten "
		 "TIME_WAIT here" : "");
	if (in->fin_timeout < 60 && tw_pressure(in))
		snprintf(f->remedy, sizeof(f->remedy),
			 "for TIME_WAIT pressure use net.ipv4.tcp_tw_reuse = 1, "
			 "connection pooling or keep-alive");
	return true;
}

static bool check_time_wait(const struct audit_input *in, struct finding *f)
{
	long eff = audit_effective_ports(in);
	double r;

	if (in->tcp_tw == UNSET || eff <= 0)
		return false;
	r = (double)in->tcp_tw / eff;
	f->sev = r >= in->cfg.warn_ratio ? SEV_WARNING : SEV_OK;
	snprintf(f->summary, sizeof(f->summary),
		 "%ld TIME_WAIT sockets, %.0f%% of one destination's ports",
		 in->tcp_tw, 100 * r);
	snprintf(f->evidence, sizeof(f->evidence),
		 "/proc/net/sockstat: tw %ld, inuse %ld, orphan %ld; ports "
		 "run out per (source, destination, port), so this is a ceiling "
		 "for the busiest destination", in->tcp_tw, in->tcp_inuse,
		 in->tcp_orphan);
	if (f->sev)
		snprintf(f->remedy, sizeof(f->remedy),
			 "keep-alive or pooling to the busy destination, "
			 "net.ipv4.tcp_tw_reuse = 1, or a wider port range");
	return true;
}

static bool check_tw_cap(const struct audit_input *in, struct finding *f)
{
	if (in->max_tw_buckets == UNSET || in->tcp_tw == UNSET)
		return false;
	f->sev = in->tcp_tw >= in->max_tw_buckets * 0.9 ? SEV_WARNING : SEV_OK;
	snprintf(f->summary, sizeof(f->summary),
		 "TIME_WAIT sockets at %.0f%% of tcp_max_tw_buckets (%ld)",
		 pct(in->tcp_tw, in->max_tw_buckets), in->max_tw_buckets);
	snprintf(f->evidence, sizeof(f->evidence),
		 "past the cap sockets close without TIME_WAIT (about 256 "
		 "bytes each while they last)");
	if (f->sev)
		snprintf(f->remedy, sizeof(f->remedy),
			 "raise net.ipv4.tcp_max_tw_buckets, or reduce "
			 "connection churn");
	return true;
}

static bool check_overflow(const struct audit_input *in, struct finding *f)
{
	if (in->tw_overflow == UNSET)
		return false;
	f->sev = in->tw_overflow > 0 ? SEV_WARNING : SEV_OK;
	snprintf(f->summary, sizeof(f->summary),
		 "TIME_WAIT cap hit %lld times since boot", in->tw_overflow);
	snprintf(f->evidence, sizeof(f->evidence),
		 "TcpExt TCPTimeWaitOverflow = %lld (nothing goes to dmesg)",
		 in->tw_overflow);
	if (f->sev)
		snprintf(f->remedy, sizeof(f->remedy),
			 "raise net.ipv4.tcp_max_tw_buckets; each TIME_WAIT "
			 "socket costs about 256 bytes");
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
	r->v = calloc(sizeof(checks) / sizeof(*checks), sizeof(*r->v));
	if (!r->v)
		abort();
	for (size_t i = 0; i < sizeof(checks) / sizeof(*checks); i++) {
		struct finding *f = &r->v[r->n];

		memset(f, 0, sizeof(*f));
		f->check = checks[i].id;
		if (!checks[i].fn(in, f))
			continue;
		if (f->sev > r->worst)
			r->worst = f->sev;
		r->n++;
	}
}

void audit_report_free(struct audit_report *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static long read_long(const char *key)
{
	char v[64];

	if (sysctl_read(key, v, sizeof(v), NULL))
		return UNSET;
	return strtol(v, NULL, 10);
}

static long ctr(const struct counters *c, const char *name)
{
	int64_t v;

	return counters_get(c, name, &v) ? (long)v : UNSET;
}

int audit_gather(struct audit_input *in, struct err *err)
{
	static unsigned char bits[65536 / 8];
	char v[SYSCTL_VALUE_MAX];
	struct counters c;

	in->port_lo = in->port_hi = in->reserved_in_range = UNSET;
	if (!sysctl_read("net.ipv4.ip_local_port_range", v, sizeof(v), err) &&
	    sysctl_parse_range(v, &in->port_lo, &in->port_hi)) {
		in->port_lo = in->port_hi = UNSET;
		err_set(err, -EINVAL, "ip_local_port_range: cannot parse '%s'",
			v);
	}
	if (in->port_lo != UNSET &&
	    !sysctl_read("net.ipv4.ip_local_reserved_ports", v, sizeof(v),
			 NULL) &&
	    !sysctl_portlist_parse(v, bits, NULL)) {
		in->reserved_in_range = 0;
		for (long p = in->port_lo; p <= in->port_hi; p++)
			in->reserved_in_range += !!(bits[p / 8] & (1u << (p % 8)));
	}
	in->unpriv_start = read_long("net.ipv4.ip_unprivileged_port_start");
	in->tw_reuse = read_long("net.ipv4.tcp_tw_reuse");
	in->tw_reuse_delay = read_long("net.ipv4.tcp_tw_reuse_delay");
	in->timestamps = read_long("net.ipv4.tcp_timestamps");
	in->fin_timeout = read_long("net.ipv4.tcp_fin_timeout");
	in->max_tw_buckets = read_long("net.ipv4.tcp_max_tw_buckets");
	memset(&c, 0, sizeof(c));
	counters_read(&c, NULL);
	in->tcp_inuse = ctr(&c, "sockstat.TCP.inuse");
	in->tcp_tw = ctr(&c, "sockstat.TCP.tw");
	in->tcp_orphan = ctr(&c, "sockstat.TCP.orphan");
	in->tw_overflow = ctr(&c, "TcpExt.TCPTimeWaitOverflow");
	in->tw_recycled = ctr(&c, "TcpExt.TWRecycled");
	counters_free(&c);
	return in->port_lo == UNSET ? -EIO : 0;
}
