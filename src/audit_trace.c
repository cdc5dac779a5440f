// SPDX-License-Identifier: GPL-2.0-or-later
/* audit --trace: findings, tables, JSON and Prometheus series of a trace. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "audit_trace.h"
#include "xalloc.h"

#define ADD(o, k, v) json_object_object_add(o, k, v)

/* Why an errno happens and what to do; exhaustion is CRITICAL. */
static const struct {
	int err;
	enum severity sev;
	const char *remedy;
} errno_remedies[] = {
	{ EADDRNOTAVAIL, SEV_CRITICAL, "no local port is free towards this "
	  "destination: reuse connections (HTTP keep-alive, nginx upstream "
	  "keepalive, a connection pool), let net.ipv4.tcp_tw_reuse reuse "
	  "TIME_WAIT ports, widen net.ipv4.ip_local_port_range, or spread "
	  "over more destination addresses" },
	{ EADDRINUSE, SEV_CRITICAL, "no free port in net.ipv4.ip_local_port_"
	  "range for this local address: connect() without bind(), or set "
	  "IP_BIND_ADDRESS_NO_PORT before bind(); reuse connections; widen "
	  "the range" },
	{ EAGAIN, SEV_CRITICAL, "the ephemeral port range is exhausted "
	  "(UDP or unbound sockets): widen net.ipv4.ip_local_port_range, "
	  "reuse sockets" },
	{ ENOBUFS, SEV_CRITICAL, "the kernel ran out of socket memory or "
	  "table space: check net.ipv4.tcp_mem and conntrack" },
	{ ECONNREFUSED, SEV_WARNING, "nothing listens at this destination, "
	  "or its accept queue overflowed: check the service and its "
	  "listen() backlog (net.core.somaxconn)" },
	{ ETIMEDOUT, SEV_WARNING, "the destination does not answer: check "
	  "the route, firewalls and the peer's SYN backlog" },
	{ ENETUNREACH, SEV_WARNING, "no route to this destination's network" },
	{ EHOSTUNREACH, SEV_WARNING, "the destination host is unreachable" },
};

static int remedy_of(int err)
{
	for (size_t i = 0; i < sizeof(errno_remedies) / sizeof(*errno_remedies); i++)
		if (errno_remedies[i].err == err)
			return (int)i;
	return -1;
}

const char *trace_errno_name(int err, char *buf, size_t len)
{
	const char *s = strerrorname_np(err);

	if (s)
		return s;
	snprintf(buf, len, "E%d", err);
	return buf;
}

void trace_result_free(struct trace_result *r)
{
	for (int i = 0; i < TRACE_NKINDS; i++) {
		for (size_t j = 0; j < r->n[i]; j++)
			free(r->v[i][j].cgroup_path);
		free(r->v[i]);
	}
	memset(r, 0, sizeof(*r));
}

void trace_result_netns(const struct trace_result *all, uint32_t netns,
			struct trace_result *out)
{
	*out = *all;
	for (int k = 0; k < TRACE_NKINDS; k++) {
		size_t n = 0;

		out->v[k] = xrealloc(NULL, (all->n[k] ? all->n[k] : 1) *
					   sizeof(*out->v[k]));
		/* the order (by count) carries over */
		for (size_t i = 0; i < all->n[k]; i++) {
			const struct trace_entry *x = &all->v[k][i];

			if (x->netns != netns)
				continue;
			out->v[k][n] = *x;
			out->v[k][n++].cgroup_path = xstrdup0(x->cgroup_path);
		}
		out->n[k] = n;
	}
}

static bool same_dest(const struct trace_entry *x, uint8_t family,
		      const uint8_t *addr, uint16_t port)
{
	return x->family == family && x->port == port &&
	       !memcmp(x->addr, addr, family == AF_INET ? 4 : 16);
}

double trace_fail_rate(const struct trace_result *r, uint8_t family,
		       const uint8_t *addr, uint16_t port)
{
	uint64_t n = 0;

	for (size_t i = 0; i < r->n[TRACE_CONNECT_FAIL]; i++)
		if (same_dest(&r->v[TRACE_CONNECT_FAIL][i], family, addr, port))
			n += r->v[TRACE_CONNECT_FAIL][i].count;
	return r->seconds > 0 ? n / r->seconds : 0;
}

const struct trace_entry *trace_top_closer(const struct trace_result *r,
					   uint8_t family, const uint8_t *addr,
					   uint16_t port)
{
	const struct trace_entry *best = NULL;

	/* entries are sorted by count: the first match is the top closer */
	for (size_t i = 0; i < r->n[TRACE_CLOSE] && !best; i++)
		if (same_dest(&r->v[TRACE_CLOSE][i], family, addr, port))
			best = &r->v[TRACE_CLOSE][i];
	return best;
}

/* "7,818" for rates of 100/s and more, "2.5" below. */
static const char *fmt_rate(double v, char *buf, size_t len)
{
	char digits[32];
	size_t n, o = 0;

	if (v < 100) {
		snprintf(buf, len, "%.1f", v);
		return buf;
	}
	snprintf(digits, sizeof(digits), "%.0f", v);
	n = strlen(digits);
	for (size_t i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = 0;
	return buf;
}

/* "nginx.service" from "/system.slice/nginx.service"; "/" for the root. */
static const char *unit_of(const struct trace_entry *x, char *buf, size_t len)
{
	const char *slash;

	if (!x->cgroup_path) {
		snprintf(buf, len, "cgroup %llu", (unsigned long long)x->cgroup);
		return buf;
	}
	slash = strrchr(x->cgroup_path, '/');
	snprintf(buf, len, "%s", slash && slash[1] ? slash + 1 : "/");
	return buf;
}

static void dest_of(const struct trace_entry *x, char *buf, size_t len)
{
	char a[64];

	snprintf(buf, len, "%s:%u", audit_addr(x->family, x->addr, a,
		 sizeof(a), true), x->port);
}

static void failure_finding(const struct trace_result *t,
			    const struct trace_entry *x, bool bind,
			    struct audit_report *r)
{
	int k = remedy_of(x->err);
	struct finding *f = audit_add(r, bind ? "bind-failures"
					      : "connect-failures",
				      k < 0 ? SEV_WARNING
					    : errno_remedies[k].sev);
	const struct trace_entry *closer = bind ? NULL :
		trace_top_closer(t, x->family, x->addr, x->port);
	char rate[32], unit[64], dst[96], en[16];
	char a[64];

	unit_of(x, unit, sizeof(unit));
	fmt_rate(t->seconds > 0 ? x->count / t->seconds : 0, rate, sizeof(rate));
	if (bind)
		finding_printf(f, F_SUMMARY, "%.15s (pid %d, %.40s) "
			 "failed %.20s bind() calls/s to port 0 on %.46s with "
			 "%.15s (\"%.40s\")",
			 x->comm, x->pid, unit, rate, audit_addr(x->family,
			 x->addr, a, sizeof(a), false), trace_errno_name(x->err,
			 en, sizeof(en)), strerror(x->err));
	else {
		dest_of(x, dst, sizeof(dst));
		finding_printf(f, F_SUMMARY, "%.15s (pid %d, %.40s) "
			 "failed %.20s connect() calls/s to %.56s with %.15s "
			 "(\"%.40s\")", x->comm,
			 x->pid, unit, rate, dst, trace_errno_name(x->err, en,
			 sizeof(en)), strerror(x->err));
	}
	finding_printf(f, F_EVIDENCE, "%llu failed %s() calls "
		 "traced in %.1f s (tracepoint syscalls:sys_exit_%s)",
		 (unsigned long long)x->count, bind ? "bind" : "connect",
		 t->seconds, bind ? "bind" : "connect");
	if (closer)
		finding_printf(f, F_EVIDENCE, "; %llu connections to it "
			 "closed first by %s (pid %d), which leaves their "
			 "TIME_WAIT ports on this host",
			 (unsigned long long)closer->count, closer->comm,
			 closer->pid);
	finding_printf(f, F_REMEDY, "%s", k < 0 ? "see the "
		 "process's own log for why its connections fail"
		 : errno_remedies[k].remedy);
}

static void kind_findings(const struct trace_result *t, enum trace_kind kind,
			  struct audit_report *r, unsigned top)
{
	size_t n = t->n[kind];
	uint64_t rest = 0;

	for (size_t i = 0; i < n; i++) {
		if (i < top)
			failure_finding(t, &t->v[kind][i],
					kind == TRACE_BIND_FAIL, r);
		else
			rest += t->v[kind][i].count;
	}
	if (n > top) {
		struct finding *f = audit_add(r, kind == TRACE_BIND_FAIL ?
					      "bind-failures" :
					      "connect-failures", SEV_WARNING);

		finding_printf(f, F_SUMMARY, "%zu more (process, "
			 "destination, errno) combinations failed %llu times",
			 n - top, (unsigned long long)rest);
	}
}

void audit_trace_checks(const struct trace_result *t, struct audit_report *r,
			unsigned top)
{
	uint64_t lost = 0;

	if (!t->ok) {
		struct finding *f = audit_add(r, "trace", SEV_UNKNOWN);

		finding_printf(f, F_SUMMARY, "cannot trace: %.240s",
			 t->why);
	} else {
		kind_findings(t, TRACE_CONNECT_FAIL, r, top);
		kind_findings(t, TRACE_BIND_FAIL, r, top);
		for (int i = 0; i < TRACE_NKINDS; i++)
			lost += t->dropped[i];
	}
	if (lost) {
		struct finding *f = audit_add(r, "trace-map-full", SEV_WARNING);

		finding_printf(f, F_SUMMARY, "a trace map filled up:"
			 " %llu updates were lost, the counts are lower bounds",
			 (unsigned long long)lost);
		finding_printf(f, F_EVIDENCE, "lost: connect "
			 "failures %llu, active closes %llu, bind failures %llu "
			 "(each map holds %d (process, address, errno) entries)",
			 (unsigned long long)t->dropped[0],
			 (unsigned long long)t->dropped[1],
			 (unsigned long long)t->dropped[2], TRACE_MAP_ENTRIES);
	}
	/* the user asked for evidence we could not get: UNKNOWN, unless the
	 * rest of the audit found something CRITICAL anyway */
	for (size_t i = 0; i < r->n; i++) {
		enum severity s = r->v[i].sev;

		if (s == SEV_UNKNOWN && r->worst == SEV_CRITICAL &&
		    !strcmp(r->v[i].check, "trace"))
			continue;
		if (s > r->worst)
			r->worst = s;
	}
}

/* ---- tables ------------------------------------------------------------ */

static void print_kind(FILE *f, const struct trace_result *t,
		       enum trace_kind kind, unsigned top)
{
	static const char *const title[] = {
		"Failed connect() calls", "Active closes (this side closed "
		"first: its TIME_WAIT)", "Failed bind() calls to port 0",
	};
	char dst[96], unit[64], en[16];

	fprintf(f, "\n%s, traced over %.1f s\n%-8s %-16s %-24s %-28s %-14s "
		"%10s\n", title[kind], t->seconds, "PID", "COMMAND", "CGROUP",
		kind == TRACE_BIND_FAIL ? "LOCAL ADDRESS" : "DESTINATION",
		kind == TRACE_CLOSE ? "" : "ERRNO", "PER SECOND");
	for (size_t i = 0; i < t->n[kind] && i < top; i++) {
		const struct trace_entry *x = &t->v[kind][i];

		dest_of(x, dst, sizeof(dst));
		fprintf(f, "%-8d %-16s %-24s %-28s %-14s %10.1f\n", x->pid,
			x->comm, unit_of(x, unit, sizeof(unit)), dst,
			kind == TRACE_CLOSE ? "" : trace_errno_name(x->err, en,
			sizeof(en)), t->seconds > 0 ? x->count / t->seconds : 0);
	}
	if (!t->n[kind])
		fprintf(f, "(none)\n");
}

void audit_trace_print(FILE *f, const struct trace_result *t, unsigned top)
{
	if (!t->ok)
		return;
	print_kind(f, t, TRACE_CONNECT_FAIL, top);
	print_kind(f, t, TRACE_CLOSE, top);
	if (t->n[TRACE_BIND_FAIL])
		print_kind(f, t, TRACE_BIND_FAIL, top);
}

void audit_trace_dest_head(FILE *f, const struct trace_result *t)
{
	if (t && t->ok)
		fprintf(f, " %9s %s", "FAILS/S", "TOP-CLOSER");
}

void audit_trace_dest_cols(FILE *f, const struct trace_result *t,
			   const struct sd_dest *d)
{
	const struct trace_entry *c;
	char who[40] = "-";

	if (!t || !t->ok)
		return;
	c = trace_top_closer(t, d->family, d->dst, d->dport);
	if (c)
		snprintf(who, sizeof(who), "%s/%d", c->comm, c->pid);
	fprintf(f, " %9.1f %s", trace_fail_rate(t, d->family, d->dst,
		d->dport), who);
}

void audit_trace_dest_json(json_object *o, const struct trace_result *t,
			   const struct sd_dest *d)
{
	const struct trace_entry *c;
	json_object *j = NULL;

	if (!t || !t->ok)
		return;
	c = trace_top_closer(t, d->family, d->dst, d->dport);
	if (c) {
		j = json_object_new_object();
		ADD(j, "pid", json_object_new_int(c->pid));
		ADD(j, "comm", json_object_new_string(c->comm));
		ADD(j, "count", json_object_new_int64((int64_t)c->count));
	}
	ADD(o, "fail_rate", json_object_new_double(trace_fail_rate(t,
	    d->family, d->dst, d->dport)));
	ADD(o, "top_closer", j);
}

/* ---- JSON ---------------------------------------------------------------- */

static json_object *entries_json(const struct trace_result *t,
				 enum trace_kind kind)
{
	json_object *a = json_object_new_array();
	char buf[64], en[16];

	for (size_t i = 0; i < t->n[kind]; i++) {
		const struct trace_entry *x = &t->v[kind][i];
		json_object *e = json_object_new_object();

		ADD(e, "pid", json_object_new_int(x->pid));
		ADD(e, "comm", json_object_new_string(x->comm));
		ADD(e, "cgroup", x->cgroup_path ? json_object_new_string(
			x->cgroup_path) : NULL);
		ADD(e, "cgroup_id", json_object_new_int64((int64_t)x->cgroup));
		ADD(e, kind == TRACE_BIND_FAIL ? "addr" : "dst",
		    json_object_new_string(audit_addr(x->family, x->addr, buf,
						      sizeof(buf), false)));
		if (kind != TRACE_BIND_FAIL)
			ADD(e, "dport", json_object_new_int(x->port));
		if (kind != TRACE_CLOSE)
			ADD(e, "errno", json_object_new_string(
				trace_errno_name(x->err, en, sizeof(en))));
		ADD(e, "count", json_object_new_int64((int64_t)x->count));
		json_object_array_add(a, e);
	}
	return a;
}

json_object *audit_trace_json(const struct trace_result *t)
{
	static const char *const drop_keys[] = { "connect_failures",
		"active_closes", "bind_failures" };
	json_object *o = json_object_new_object();
	json_object *d;
	bool full = false;

	ADD(o, "available", json_object_new_boolean(t->ok));
	if (!t->ok) {
		ADD(o, "error", json_object_new_string(t->why));
		return o;
	}
	ADD(o, "seconds", json_object_new_double(t->seconds));
	ADD(o, "attach_ms", json_object_new_double(t->attach_ms));
	ADD(o, "close_hook", t->close_hook ? json_object_new_string(
		t->close_hook) : NULL);
	ADD(o, "connect_failures", entries_json(t, TRACE_CONNECT_FAIL));
	ADD(o, "active_closes", entries_json(t, TRACE_CLOSE));
	ADD(o, "bind_failures", entries_json(t, TRACE_BIND_FAIL));
	d = json_object_new_object();
	for (int i = 0; i < TRACE_NKINDS; i++) {
		ADD(d, drop_keys[i], json_object_new_int64((int64_t)t->dropped[i]));
		full |= t->dropped[i] > 0;
	}
	ADD(o, "dropped", d);
	ADD(o, "map_full", json_object_new_boolean(full));
	return o;
}

/* ---- Prometheus ---------------------------------------------------------- */

/* Label values: backslash, quote and newline escaped. */
static void label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
}

void audit_trace_prometheus(FILE *f, const struct trace_result *t)
{
	static const struct {
		const char *name, *help;
	} series[] = {
		{ "porttune_trace_connect_failures_total",
		  "Failed connect() calls traced, per process and destination." },
		{ "porttune_trace_active_closes_total",
		  "Connections closed first by this side, per process and "
		  "destination." },
		{ "porttune_trace_bind_failures_total",
		  "Failed bind() calls to port 0, per process and address." },
	};
	char buf[64], en[16];

	fprintf(f, "# HELP porttune_trace_available 1 if the tracepoints could "
		"be attached.\n# TYPE porttune_trace_available gauge\n"
		"porttune_trace_available %d\n", t->ok);
	if (!t->ok)
		return;
	fprintf(f, "# HELP porttune_trace_seconds Length of the traced window."
		"\n# TYPE porttune_trace_seconds gauge\nporttune_trace_seconds "
		"%.3f\n", t->seconds);
	for (int k = 0; k < TRACE_NKINDS; k++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", series[k].name,
			series[k].help, series[k].name);
		for (size_t i = 0; i < t->n[k]; i++) {
			const struct trace_entry *x = &t->v[k][i];

			fprintf(f, "%s{pid=\"%d\",comm=\"", series[k].name,
				x->pid);
			label(f, x->comm);
			fprintf(f, "\",dst=\"%s\",dport=\"%u\"",
				audit_addr(x->family, x->addr, buf, sizeof(buf),
					   false), x->port);
			if (k != TRACE_CLOSE)
				fprintf(f, ",errno=\"%s\"", trace_errno_name(
					x->err, en, sizeof(en)));
			fprintf(f, "} %llu\n", (unsigned long long)x->count);
		}
	}
	fprintf(f, "# HELP porttune_trace_dropped_total Updates lost because a "
		"trace map was full.\n# TYPE porttune_trace_dropped_total "
		"counter\nporttune_trace_dropped_total %llu\n",
		(unsigned long long)(t->dropped[0] + t->dropped[1] +
				     t->dropped[2]));
}

void audit_trace_print_findings(FILE *f, const struct audit_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].check, "connect-failures") ||
		    !strcmp(r->v[i].check, "bind-failures") ||
		    !strncmp(r->v[i].check, "trace", 5))
			fprintf(f, "%-8s  %-18s  %s\n", severity_name(r->v[i].sev),
				r->v[i].check, r->v[i].summary);
}
