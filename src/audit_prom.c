// SPDX-License-Identifier: GPL-2.0-or-later
/* audit in the Prometheus text format, for node_exporter's textfile collector. */
#include <stdlib.h>
#include <string.h>

#include "audit_render.h"
#include "audit_trace.h"

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void gauge(FILE *f, const char *name, const char *help, long long v)
{
	if (v == UNSET)
		return;
	head(f, name, "gauge", help);
	fprintf(f, "%s %lld\n", name, v);
}

static void counter(FILE *f, const char *name, const char *help, long long v)
{
	if (v == UNSET)
		return;
	head(f, name, "counter", help);
	fprintf(f, "%s %lld\n", name, v);
}

enum dest_metric { DM_IN_USE, DM_RATIO, DM_CLOSE_RATE, DM_SUSTAINABLE };

static const struct {
	const char *name, *help;
} dest_metrics[] = {
	[DM_IN_USE] = { "ports_in_use",
		"Sockets holding an ephemeral port towards one destination." },
	[DM_RATIO] = { "occupancy_ratio",
		"Ports connect() cannot use (TIME_WAIT it may take over "
		"excluded) over the capacity of one destination." },
	[DM_CLOSE_RATE] = { "close_rate",
		"Connections per second this side closed towards one "
		"destination (TIME_WAIT entered within the window)." },
	[DM_SUSTAINABLE] = { "sustainable_rate",
		"New connections per second one destination sustains: "
		"capacity / " TCP_TIMEWAIT_TEXT ", or / tcp_tw_reuse_delay where "
		"reuse applies." },
};

static double dest_value(const struct audit_input *in, const struct sd_dest *d,
			 enum dest_metric m)
{
	long cap = audit_capacity(in);

	switch (m) {
	case DM_IN_USE:
		return d->used;
	case DM_RATIO:
		return cap > 0 ? (double)audit_occupied(in, d) / cap : 0;
	case DM_CLOSE_RATE:
		return in->sd.recent_ms ? d->tw_recent * 1000.0 / in->sd.recent_ms
					: 0;
	case DM_SUSTAINABLE:
		return audit_sustainable_rate(in, d);
	}
	return 0;
}

/* One series per destination and metric. */
static void dest_series(FILE *f, const struct audit_input *in,
			const struct sd_dest *const *v, size_t n,
			enum dest_metric m)
{
	char name[64], src[64], dst[64];

	snprintf(name, sizeof(name), "porttune_destination_%s",
		 dest_metrics[m].name);
	head(f, name, "gauge", dest_metrics[m].help);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s{src=\"%s\",dst=\"%s\",dport=\"%u\"} %.9g\n",
			name,
			audit_addr(v[i]->family, v[i]->src, src, sizeof(src), false),
			audit_addr(v[i]->family, v[i]->dst, dst, sizeof(dst), false),
			v[i]->dport, dest_value(in, v[i], m));
}

static void destinations(FILE *f, const struct audit_input *in, unsigned top)
{
	const struct sd_dest **v = calloc(top + 1, sizeof(*v));
	size_t n = audit_top_dests(in, v, top);

	for (size_t m = 0; m < sizeof(dest_metrics) / sizeof(*dest_metrics); m++)
		dest_series(f, in, v, n, m);
	free(v);
}

static void census(FILE *f, const struct audit_input *in, unsigned top)
{
	head(f, "porttune_sockets", "gauge",
	     "Sockets in this network namespace by protocol and TCP state.");
	for (unsigned s = 1; s < SD_BOUND_INACTIVE; s++)
		fprintf(f, "porttune_sockets{proto=\"tcp\",state=\"%s\"} %u\n",
			sd_state_key(s), in->sd.tcp_state[s]);
	fprintf(f, "porttune_sockets{proto=\"udp\",state=\"all\"} %u\n",
		in->sd.udp_total);
	gauge(f, "porttune_destination_capacity_ports",
	      "Ephemeral ports one destination can use (range - reserved - "
	      "held by listening or bound sockets).", in->sd.p_eff);
	gauge(f, "porttune_tcp_time_wait_sockets",
	      "TCP sockets in TIME_WAIT (sock_diag dump, IPv4 and IPv6).",
	      in->sd.tcp_state[SD_TIME_WAIT]);
	destinations(f, in, top);
}

void audit_print_prometheus(FILE *f, const struct audit_view *v)
{
	const struct audit_input *in = v->in;

	gauge(f, "porttune_audit_status",
	      "Worst finding: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
	      v->r->worst);
	head(f, "porttune_finding_severity", "gauge",
	     "Worst severity of each check (0 OK, 1 WARNING, 2 CRITICAL, "
	     "3 UNKNOWN).");
	for (size_t i = 0; i < v->r->n; i++) {
		const struct finding *x = &v->r->v[i];
		enum severity worst = x->sev;
		bool seen = false;

		/* one series per check, however many findings it made */
		for (size_t j = 0; j < v->r->n; j++) {
			if (strcmp(v->r->v[j].check, x->check))
				continue;
			seen |= j < i;
			if (v->r->v[j].sev > worst)
				worst = v->r->v[j].sev;
		}
		if (!seen)
			fprintf(f, "porttune_finding_severity{check=\"%s\"} %d\n",
				x->check, worst);
	}
	gauge(f, "porttune_ephemeral_ports",
	      "Ports in net.ipv4.ip_local_port_range less reserved ones.",
	      audit_effective_ports(in));
	gauge(f, "porttune_tcp_timewait_minisockets",
	      "/proc/net/sockstat tw: TIME_WAIT and orphaned FIN_WAIT2 "
	      "minisockets; node_exporter: node_sockstat_TCP_tw.", in->tcp_tw);
	gauge(f, "porttune_tcp_inuse_sockets",
	      "TCP sockets in use in this network namespace; node_exporter: "
	      "node_sockstat_TCP_inuse.", in->tcp_inuse);
	gauge(f, "porttune_tcp_max_tw_buckets", "net.ipv4.tcp_max_tw_buckets.",
	      in->max_tw_buckets);
	/* node_exporter's netstat collector exports only some fields by
	 * default; the rest need --collector.netstat.fields */
	counter(f, "porttune_tcp_time_wait_overflow_total",
		"TcpExt TCPTimeWaitOverflow; node_exporter: "
		"node_netstat_TcpExt_TCPTimeWaitOverflow (not by default).",
		in->tw_overflow);
	counter(f, "porttune_tcp_time_wait_reused_total",
		"TcpExt TWRecycled; node_exporter: "
		"node_netstat_TcpExt_TWRecycled (not by default).",
		in->tw_recycled);
	counter(f, "porttune_tcp_time_wait_entered_total",
		"TcpExt TW; node_exporter: node_netstat_TcpExt_TW "
		"(not by default).", in->tw_entered);
	counter(f, "porttune_tcp_active_opens_total",
		"Tcp ActiveOpens; node_exporter: node_netstat_Tcp_ActiveOpens.",
		in->active_opens);
	counter(f, "porttune_tcp_attempt_fails_total",
		"Tcp AttemptFails; node_exporter: "
		"node_netstat_Tcp_AttemptFails (not by default).",
		in->attempt_fails);
	gauge(f, "porttune_conntrack_entries",
	      "nf_conntrack_count; node_exporter: node_nf_conntrack_entries.",
	      in->ct_count);
	gauge(f, "porttune_conntrack_max", "nf_conntrack_max; node_exporter: "
	      "node_nf_conntrack_entries_limit.", in->ct_max);
	if (in->have_sd)
		census(f, in, v->top);
	if (in->drift)
		gauge(f, "porttune_drift_settings",
		      "Settings that differ from the profile.",
		      (long long)plan_count(in->drift, CS_PENDING));
	if (in->trace)
		audit_trace_prometheus(f, in->trace);
}
