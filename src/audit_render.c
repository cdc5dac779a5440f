// SPDX-License-Identifier: GPL-2.0-or-later
/* audit reports as text for people, JSON for programs, Prometheus for scrapers. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_render.h"
#include "audit_trace.h"
#include "output.h"

static const char *const sev_colour[] = { "\033[32m", "\033[33m", "\033[31m",
					  "\033[35m" };

/* TCP states shown as columns of the destinations table. */
static const enum sd_state dest_cols[] = { SD_ESTABLISHED, SD_TIME_WAIT,
					   SD_FIN_WAIT2, SD_CLOSE_WAIT };

static const char *tri(int v)
{
	return v < 0 ? "n/a" : v ? "on" : "off";
}

static void print_findings(FILE *f, const struct audit_report *r)
{
	bool colour = use_colour(f);
	size_t counts[4] = { 0 };

	for (size_t i = 0; i < r->n; i++)
		counts[r->v[i].sev]++;
	fprintf(f, "porttune audit: %s%s%s (%zu critical, %zu warning, %zu ok",
		colour ? sev_colour[r->worst] : "", severity_name(r->worst),
		colour ? "\033[0m" : "", counts[SEV_CRITICAL],
		counts[SEV_WARNING], counts[SEV_OK]);
	if (counts[SEV_UNKNOWN])
		fprintf(f, ", %zu unknown", counts[SEV_UNKNOWN]);
	fprintf(f, ")\n\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *x = &r->v[i];

		fprintf(f, "%s%-8s%s  %-18s  %s\n", colour ? sev_colour[x->sev]
			: "", severity_name(x->sev), colour ? "\033[0m" : "",
			x->check, x->summary);
		if (x->evidence[0])
			fprintf(f, "%-30s  evidence: %s\n", "", x->evidence);
		if (x->remedy[0])
			fprintf(f, "%-30s  remedy:   %s\n", "", x->remedy);
	}
}

void audit_print_census(FILE *f, const struct audit_input *in)
{
	const struct sd_result *sd = &in->sd;
	const char *sep = "";

	fprintf(f, "TCP sockets %u:", sd->tcp_total);
	for (unsigned s = 1; s < SD_NSTATES; s++) {
		if (!sd->tcp_state[s])
			continue;
		fprintf(f, "%s %s %u", sep, sd_state_name(s), sd->tcp_state[s]);
		sep = ",";
	}
	fprintf(f, "%s; UDP sockets %u\n", sd->tcp_total ? "" : " none",
		sd->udp_total);
	fprintf(f, "Capacity per destination: %u ports (range %u - reserved %u"
		" - held by listeners %u - held by bound sockets %u)%s\n",
		sd->p_eff, sd->range_size, sd->reserved_in_range,
		sd->held_by_listeners, sd->held_by_bound, sd->bound_visible ? ""
		: in->bound_skipped ? " (bind()-only sockets not counted)"
		: " (bind()-only sockets not visible before Linux 6.8)");
}

void audit_print_destinations(FILE *f, const struct audit_input *in,
			      unsigned top)
{
	const struct sd_dest **v = calloc(top + 1, sizeof(*v));
	size_t n = audit_top_dests(in, v, top);
	long cap = audit_capacity(in);
	char src[64], dst[80];

	fprintf(f, "%-16s %-26s %7s %6s", "SOURCE", "DESTINATION", "IN-USE",
		"RATIO");
	for (size_t c = 0; c < sizeof(dest_cols) / sizeof(*dest_cols); c++)
		fprintf(f, " %11s", sd_state_name(dest_cols[c]));
	fprintf(f, " %8s %7s %7s %11s", "REUSABLE", "OTHER", "CLOSE/S",
		"SUSTAIN/S");
	audit_trace_dest_head(f, in->trace);
	fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		const struct sd_dest *d = v[i];
		uint32_t other = d->used, occ = audit_occupied(in, d);
		char port[96];

		audit_addr(d->family, d->dst, dst, sizeof(dst), true);
		snprintf(port, sizeof(port), "%s:%u", dst, d->dport);
		fprintf(f, "%-16s %-26s %7u %5.1f%%",
			audit_addr(d->family, d->src, src, sizeof(src), false),
			port, occ, cap > 0 ? 100.0 * occ / cap : 0);
		for (size_t c = 0; c < sizeof(dest_cols) / sizeof(*dest_cols); c++) {
			fprintf(f, " %11u", d->state[dest_cols[c]]);
			other -= d->state[dest_cols[c]];
		}
		fprintf(f, " %8u", audit_tw_reusable(in, d));
		fprintf(f, " %7u %7.1f %11.0f", other, in->sd.recent_ms ?
			d->tw_recent * 1000.0 / in->sd.recent_ms : 0,
			audit_sustainable_rate(in, d));
		audit_trace_dest_cols(f, in->trace, d);
		fputc('\n', f);
	}
	if (!n)
		fprintf(f, "(no socket holds an ephemeral port)\n");
	free(v);
}

static void print_processes(FILE *f, const struct audit_input *in,
			    unsigned top)
{
	const struct sd_proc **p = calloc(top + 1, sizeof(*p));
	const struct sd_cgroup **c = calloc(top + 1, sizeof(*c));
	size_t np = sd_top_procs(&in->sd, p, top);
	size_t nc = sd_top_cgroups(&in->sd, c, top);

	fprintf(f, "\nWho holds the ports\n%-8s %-16s %8s %10s %8s\n", "PID",
		"COMMAND", "SOCKETS", "EPHEMERAL", "PORTS");
	for (size_t i = 0; i < np; i++)
		fprintf(f, "%-8d %-16s %8u %10u %8u\n", p[i]->pid, p[i]->comm,
			p[i]->sockets, p[i]->ephemeral, p[i]->ports);
	fprintf(f, "(%u sockets belong to no process: TIME_WAIT, or not yet "
		"accepted)\n", in->sd.proc_unattributed);
	if (in->sd.proc_unreadable)
		fprintf(f, "(%u sockets could not be attributed: %s)\n",
			in->sd.proc_unreadable, geteuid() ? "not root, and other "
			"users' /proc/PID/fd cannot be read" : "their process "
			"exited during the scan, or /proc/PID/fd was unreadable");
	if (nc) {
		fprintf(f, "\n%-40s %8s %10s\n", "CGROUP (SERVICE)", "SOCKETS",
			"EPHEMERAL");
		for (size_t i = 0; i < nc; i++)
			fprintf(f, "%-40s %8u %10u\n", c[i]->path ? c[i]->path
				: "?", c[i]->sockets, c[i]->ephemeral);
	}
	free(p);
	free(c);
}

static void print_nics(FILE *f, const struct nic_state *v, size_t all,
		       unsigned top)
{
	size_t n = all < top ? all : top;
	char usecs[16], queues[32];

	if (!n)
		return;
	fprintf(f, "\n%-15s %-12s %-4s %-4s %-4s %-4s %-9s %-12s %s\n",
		"INTERFACE", "DRIVER", "TSO", "GSO", "GRO", "LRO", "RX-USECS",
		"ADAPTIVE-RX", "QUEUES");
	for (size_t i = 0; i < n; i++) {
		snprintf(usecs, sizeof(usecs), "%d", v[i].rx_usecs);
		snprintf(queues, sizeof(queues), "%d/%d", v[i].channels,
			 v[i].channels_max);
		fprintf(f, "%-15s %-12s %-4s %-4s %-4s %-4s %-9s %-12s %s\n",
			v[i].name, v[i].driver[0] ? v[i].driver : "?",
			tri(v[i].tso), tri(v[i].gso), tri(v[i].gro),
			tri(v[i].lro), v[i].rx_usecs < 0 ? "n/a" : usecs,
			tri(v[i].adaptive_rx),
			v[i].channels < 0 ? "n/a" : queues);
	}
	/* a host with hundreds of interfaces must not bury the findings */
	if (all > n)
		fprintf(f, "(%zu more interfaces; --top %zu lists them all)\n",
			all - n, all);
}

static void print_counters(FILE *f, const struct audit_input *in)
{
	fprintf(f, "\nKernel counters since boot or namespace creation: "
		"TcpExt TW %lld, TWRecycled "
		"%lld, TCPTimeWaitOverflow %lld, PAWSActive %lld; Tcp "
		"ActiveOpens %lld, AttemptFails %lld\n", in->tw_entered,
		in->tw_recycled, in->tw_overflow, in->paws_active,
		in->active_opens, in->attempt_fails);
	if (in->interval > 0)
		fprintf(f, "Rates over %.1f s: %.1f connects/s, %.1f entering "
			"TIME_WAIT/s, %.1f TIME_WAIT reuses/s, %.1f failed "
			"connects/s\n", in->interval, in->rate_active_opens,
			in->rate_tw_entered, in->rate_tw_recycled,
			in->rate_attempt_fails);
}

void audit_print_text(FILE *f, const struct audit_view *v)
{
	const struct audit_input *in = v->in;

	print_findings(f, v->r);
	if (in->have_sd) {
		fprintf(f, "\n");
		audit_print_census(f, in);
		fprintf(f, "\nTop destinations (IN-USE: ports connect() cannot use; "
			"REUSABLE: TIME_WAIT connect() may take over; CLOSE/S: "
			"connections this side closed per second over the last "
			"%.0f s)\n",
			in->sd.recent_ms / 1000.0);
		audit_print_destinations(f, in, v->top);
		if (v->processes)
			print_processes(f, in, v->top);
	}
	if (in->trace)
		audit_trace_print(f, in->trace, v->top);
	print_counters(f, in);
	print_nics(f, v->nics, v->nnics, v->top);
	if (in->drift && (plan_count(in->drift, CS_PENDING) ||
			  plan_count(in->drift, CS_INVALID))) {
		fprintf(f, "\nDrift from the profile\n");
		plan_print_text(f, in->drift, VIEW_DIFF);
	}
}

/* ---- JSON ------------------------------------------------------------ */

static json_object *jll(long long v)
{
	return v == UNSET ? NULL : json_object_new_int64(v);
}

#define ADD(o, k, v) json_object_object_add(o, k, v)

static json_object *findings_json(const struct audit_report *r)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < r->n; i++) {
		const struct finding *x = &r->v[i];
		json_object *e = json_object_new_object();

		ADD(e, "check", json_object_new_string(x->check));
		ADD(e, "severity", json_object_new_string(severity_name(x->sev)));
		ADD(e, "summary", json_object_new_string(x->summary));
		ADD(e, "evidence", json_object_new_string(x->evidence));
		ADD(e, "remedy", x->remedy[0] ? json_object_new_string(x->remedy)
					      : NULL);
		ADD(e, "fix", x->fix[0] ? json_object_new_string(x->fix) : NULL);
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *settings_json(const struct audit_input *in)
{
	json_object *o = json_object_new_object();

	ADD(o, "port_range_low", jll(in->port_lo));
	ADD(o, "port_range_high", jll(in->port_hi));
	ADD(o, "reserved_in_range", jll(in->reserved_in_range));
	ADD(o, "effective_ports", jll(audit_effective_ports(in)));
	ADD(o, "tcp_tw_reuse", jll(in->tw_reuse));
	ADD(o, "tcp_tw_reuse_delay", jll(in->tw_reuse_delay));
	ADD(o, "tcp_timestamps", jll(in->timestamps));
	ADD(o, "tcp_fin_timeout", jll(in->fin_timeout));
	ADD(o, "tcp_max_tw_buckets", jll(in->max_tw_buckets));
	return o;
}

static json_object *counters_json(const struct audit_input *in)
{
	json_object *o = json_object_new_object();

	ADD(o, "TCPTimeWaitOverflow", jll(in->tw_overflow));
	ADD(o, "TWRecycled", jll(in->tw_recycled));
	ADD(o, "TW", jll(in->tw_entered));
	ADD(o, "PAWSActive", jll(in->paws_active));
	ADD(o, "ActiveOpens", jll(in->active_opens));
	ADD(o, "AttemptFails", jll(in->attempt_fails));
	return o;
}

static json_object *sockets_json(const struct sd_result *sd)
{
	json_object *o = json_object_new_object();
	json_object *tcp = json_object_new_object();
	json_object *udp = json_object_new_object();

	for (unsigned s = 1; s < SD_BOUND_INACTIVE; s++)
		ADD(tcp, sd_state_key(s), json_object_new_int64(sd->tcp_state[s]));
	ADD(tcp, "total", json_object_new_int64(sd->tcp_total));
	ADD(tcp, "ephemeral", json_object_new_int64(sd->tcp_ephemeral));
	ADD(udp, "total", json_object_new_int64(sd->udp_total));
	ADD(udp, "ephemeral", json_object_new_int64(sd->udp_ephemeral));
	ADD(o, "tcp", tcp);
	ADD(o, "udp", udp);
	return o;
}

static json_object *capacity_json(const struct sd_result *sd)
{
	json_object *o = json_object_new_object();

	ADD(o, "range", json_object_new_int64(sd->range_size));
	ADD(o, "reserved", json_object_new_int64(sd->reserved_in_range));
	ADD(o, "held_by_listeners", json_object_new_int64(sd->held_by_listeners));
	ADD(o, "held_by_bound", json_object_new_int64(sd->held_by_bound));
	ADD(o, "bound_sockets_visible", json_object_new_boolean(sd->bound_visible));
	ADD(o, "effective", json_object_new_int64(sd->p_eff));
	return o;
}

static json_object *dests_json(const struct audit_input *in, unsigned top)
{
	const struct sd_dest **v = calloc(top + 1, sizeof(*v));
	size_t n = audit_top_dests(in, v, top);
	json_object *a = json_object_new_array();
	long cap = audit_capacity(in);
	char buf[64];

	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_new_object();
		json_object *st = json_object_new_object();

		ADD(e, "src", json_object_new_string(audit_addr(
			v[i]->family, v[i]->src, buf, sizeof(buf), false)));
		ADD(e, "dst", json_object_new_string(audit_addr(
			v[i]->family, v[i]->dst, buf, sizeof(buf), false)));
		ADD(e, "dport", json_object_new_int(v[i]->dport));
		ADD(e, "in_use", json_object_new_int64(v[i]->used));
		ADD(e, "occupied", json_object_new_int64(audit_occupied(in, v[i])));
		ADD(e, "time_wait_blocking", json_object_new_int64(
			v[i]->state[SD_TIME_WAIT] - audit_tw_reusable(in, v[i])));
		ADD(e, "time_wait_reusable", json_object_new_int64(
			audit_tw_reusable(in, v[i])));
		ADD(e, "capacity", json_object_new_int64(cap));
		ADD(e, "ratio", json_object_new_double(cap > 0 ?
			(double)audit_occupied(in, v[i]) / cap : 0));
		for (unsigned s = 1; s < SD_BOUND_INACTIVE; s++)
			if (v[i]->state[s])
				ADD(st, sd_state_key(s),
				    json_object_new_int64(v[i]->state[s]));
		ADD(e, "states", st);
		ADD(e, "close_rate", json_object_new_double(in->sd.recent_ms ?
			v[i]->tw_recent * 1000.0 / in->sd.recent_ms : 0));
		ADD(e, "sustainable_rate", json_object_new_double(
			audit_sustainable_rate(in, v[i])));
		audit_trace_dest_json(e, in->trace, v[i]);
		json_object_array_add(a, e);
	}
	free(v);
	return a;
}

/* Ports taken per local address: what bind(ip, 0) and UDP autobind see. */
static json_object *locals_json(const struct sd_result *sd)
{
	json_object *a = json_object_new_array();
	char buf[64];

	for (size_t i = 0; i < sd->nlocal; i++) {
		const struct sd_local *l = &sd->local[i];
		json_object *e = json_object_new_object();

		ADD(e, "addr", json_object_new_string(audit_addr(
			l->family, l->addr, buf, sizeof(buf), false)));
		ADD(e, "proto", json_object_new_string(
			l->proto == IPPROTO_UDP ? "udp" : "tcp"));
		ADD(e, "sockets", json_object_new_int64(l->sockets));
		ADD(e, "ports", json_object_new_int64(l->ports));
		json_object_array_add(a, e);
	}
	return a;
}

static json_object *procs_json(const struct audit_input *in, unsigned top)
{
	const struct sd_proc **p = calloc(top + 1, sizeof(*p));
	size_t n = sd_top_procs(&in->sd, p, top);
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_new_object();

		ADD(e, "pid", json_object_new_int(p[i]->pid));
		ADD(e, "command", json_object_new_string(p[i]->comm));
		ADD(e, "sockets", json_object_new_int64(p[i]->sockets));
		ADD(e, "ephemeral", json_object_new_int64(p[i]->ephemeral));
		ADD(e, "ports", json_object_new_int64(p[i]->ports));
		json_object_array_add(a, e);
	}
	free(p);
	return a;
}

static json_object *cgroups_json(const struct audit_input *in, unsigned top)
{
	const struct sd_cgroup **c = calloc(top + 1, sizeof(*c));
	size_t n = sd_top_cgroups(&in->sd, c, top);
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_new_object();

		ADD(e, "id", json_object_new_int64((int64_t)c[i]->id));
		ADD(e, "path", c[i]->path ? json_object_new_string(c[i]->path)
					  : NULL);
		ADD(e, "sockets", json_object_new_int64(c[i]->sockets));
		ADD(e, "ephemeral", json_object_new_int64(c[i]->ephemeral));
		json_object_array_add(a, e);
	}
	free(c);
	return a;
}

static json_object *rates_json(const struct audit_input *in)
{
	json_object *o = json_object_new_object();

	ADD(o, "interval", json_object_new_double(in->interval));
	ADD(o, "active_opens", json_object_new_double(in->rate_active_opens));
	ADD(o, "time_wait_entered", json_object_new_double(in->rate_tw_entered));
	ADD(o, "time_wait_reused", json_object_new_double(in->rate_tw_recycled));
	ADD(o, "attempt_fails", json_object_new_double(in->rate_attempt_fails));
	ADD(o, "conntrack_insert_failed",
	    json_object_new_double(in->rate_ct_insert_failed));
	ADD(o, "conntrack_drop", json_object_new_double(in->rate_ct_drop));
	return o;
}

static json_object *conntrack_json(const struct audit_input *in)
{
	json_object *o = json_object_new_object();

	if (in->ct_count == UNSET) {
		json_object_put(o);
		return NULL;
	}
	ADD(o, "count", jll(in->ct_count));
	ADD(o, "max", jll(in->ct_max));
	ADD(o, "insert_failed", jll(in->ct_insert_failed));
	ADD(o, "drop", jll(in->ct_drop));
	ADD(o, "early_drop", jll(in->ct_early_drop));
	return o;
}

static json_object *nics_json(const struct nic_state *v, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		ADD(o, "name", json_object_new_string(v[i].name));
		ADD(o, "driver", json_object_new_string(v[i].driver));
		ADD(o, "kind", json_object_new_string(v[i].kind));
#define TRI(key, x) ADD(o, key, (x) < 0 ? NULL : json_object_new_boolean(x))
		TRI("tso", v[i].tso);
		TRI("gso", v[i].gso);
		TRI("gro", v[i].gro);
		TRI("lro", v[i].lro);
		TRI("adaptive_rx", v[i].adaptive_rx);
#undef TRI
		ADD(o, "rx_usecs", v[i].rx_usecs < 0 ? NULL
			: json_object_new_int(v[i].rx_usecs));
		ADD(o, "channels", v[i].channels < 0 ? NULL
			: json_object_new_int(v[i].channels));
		ADD(o, "channels_max", v[i].channels < 0 ? NULL
			: json_object_new_int(v[i].channels_max));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *audit_json(const struct audit_view *v)
{
	const struct audit_input *in = v->in;
	json_object *o = json_object_new_object();
	json_object *tw = json_object_new_object();

	ADD(o, "status", json_object_new_string(severity_name(v->r->worst)));
	ADD(o, "exit_code", json_object_new_int(v->r->worst));
	ADD(o, "findings", findings_json(v->r));
	ADD(o, "settings", settings_json(in));
	ADD(tw, "inuse", jll(in->tcp_inuse));
	ADD(tw, "inuse6", jll(in->tcp6_inuse));
	/* timewait minisockets: TIME_WAIT and orphaned FIN_WAIT2 */
	ADD(tw, "tw", jll(in->tcp_tw));
	ADD(tw, "orphan", jll(in->tcp_orphan));
	ADD(o, "sockstat", tw);
	ADD(o, "counters", counters_json(in));
	if (in->have_sd) {
		ADD(o, "sockets", sockets_json(&in->sd));
		ADD(o, "capacity", capacity_json(&in->sd));
		ADD(o, "destinations", dests_json(in, v->top));
		ADD(o, "local_addresses", locals_json(&in->sd));
		ADD(o, "close_rate_window", json_object_new_double(
			in->sd.recent_ms / 1000.0));
		if (v->processes) {
			json_object *u = json_object_new_object();

			ADD(u, "no_process", json_object_new_int64(
				in->sd.proc_unattributed));
			ADD(u, "unreadable", json_object_new_int64(
				in->sd.proc_unreadable));
			ADD(o, "processes", procs_json(in, v->top));
			ADD(o, "unattributed", u);
			ADD(o, "cgroups", cgroups_json(in, v->top));
		}
	}
	if (in->interval > 0)
		ADD(o, "rates", rates_json(in));
	ADD(o, "conntrack", conntrack_json(in));
	if (in->trace)
		ADD(o, "trace", audit_trace_json(in->trace));
	ADD(o, "interfaces", nics_json(v->nics, v->nnics));
	if (in->drift)
		ADD(o, "drift", plan_json(in->drift, VIEW_DIFF));
	return o;
}
