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

/* One series per destination; value is in_use, or the occupancy ratio. */
static void dest_series(FILE *f, const struct audit_input *in,
			const struct sd_dest *const *v, size_t n, bool ratio)
{
	long cap = audit_capacity(in);
	char src[64], dst[64];

	head(f, ratio ? "porttune_destination_occupancy_ratio"
		      : "porttune_destination_ports_in_use", "gauge",
	     ratio ? "Ports in use over the capacity of one destination."
		   : "Sockets holding an ephemeral port towards one destination.");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "porttune_destination_%s{src=\"%s\",dst=\"%s\","
			"dport=\"%u\"} ", ratio ? "occupancy_ratio" : "ports_in_use",
			audit_addr(v[i]->family, v[i]->src, src, sizeof(src), false),
			audit_addr(v[i]->family, v[i]->dst, dst, sizeof(dst), false),
			v[i]->dport);
		if (ratio)
			fprintf(f, "%.6f\n", cap > 0 ? (double)v[i]->used / cap : 0);
		else
			fprintf(f, "%u\n", v[i]->used);
	}
}

static void destinations(FILE *f, const struct audit_input *in, unsigned top)
{
	const struct sd_dest **v = calloc(top + 1, sizeof(*v));
	size_t n = sd_top_dests(&in->sd, v, top);

	dest_series(f, in, v, n, false);
	dest_series(f, in, v, n, true);
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
	      "held by listeners).", in->sd.p_eff);
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
	gauge(f, "porttune_tcp_time_wait_sockets",
	      "TIME_WAIT sockets in this network namespace.", in->tcp_tw);
	gauge(f, "porttune_tcp_inuse_sockets",
	      "TCP sockets in use in this network namespace.", in->tcp_inuse);
	gauge(f, "porttune_tcp_max_tw_buckets", "net.ipv4.tcp_max_tw_buckets.",
	      in->max_tw_buckets);
	counter(f, "porttune_tcp_time_wait_overflow_total",
		"TcpExt TCPTimeWaitOverflow.", in->tw_overflow);
	counter(f, "porttune_tcp_time_wait_reused_total", "TcpExt TWRecycled.",
		in->tw_recycled);
	counter(f, "porttune_tcp_time_wait_entered_total", "TcpExt TW.",
		in->tw_entered);
	counter(f, "porttune_tcp_active_opens_total", "Tcp ActiveOpens.",
		in->active_opens);
	counter(f, "porttune_tcp_attempt_fails_total", "Tcp AttemptFails.",
		in->attempt_fails);
	gauge(f, "porttune_conntrack_entries", "nf_conntrack_count.",
	      in->ct_count);
	gauge(f, "porttune_conntrack_max", "nf_conntrack_max.", in->ct_max);
	if (in->have_sd)
		census(f, in, v->top);
	if (in->drift)
		gauge(f, "porttune_drift_settings",
		      "Settings that differ from the profile.",
		      (long long)plan_count(in->drift, CS_PENDING));
	if (in->trace)
		audit_trace_prometheus(f, in->trace);
}
