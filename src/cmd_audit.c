// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune audit: findings with severity, evidence and remedy (exit 0-3). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cmd.h"
#include "nic.h"

static const char *const sev_colour[] = { "\033[32m", "\033[33m", "\033[31m",
					  "\033[35m" };

static const char *tri(int v)
{
	return v < 0 ? "n/a" : v ? "on" : "off";
}

static void print_nics(const struct nic_state *v, size_t n)
{
	char usecs[16], queues[32];

	if (!n)
		return;
	printf("\n%-15s %-12s %-4s %-4s %-4s %-4s %-9s %-12s %s\n", "INTERFACE",
	       "DRIVER", "TSO", "GSO", "GRO", "LRO", "RX-USECS", "ADAPTIVE-RX",
	       "QUEUES");
	for (size_t i = 0; i < n; i++) {
		snprintf(usecs, sizeof(usecs), "%d", v[i].rx_usecs);
		snprintf(queues, sizeof(queues), "%d/%d", v[i].channels,
			 v[i].channels_max);
		printf("%-15s %-12s %-4s %-4s %-4s %-4s %-9s %-12s %s\n",
		       v[i].name, v[i].driver[0] ? v[i].driver : "?",
		       tri(v[i].tso), tri(v[i].gso), tri(v[i].gro),
		       tri(v[i].lro), v[i].rx_usecs < 0 ? "n/a" : usecs,
		       tri(v[i].adaptive_rx),
		       v[i].channels < 0 ? "n/a" : queues);
	}
}

static json_object *nics_json(const struct nic_state *v, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(v[i].name));
		json_object_object_add(o, "driver",
				       json_object_new_string(v[i].driver));
		json_object_object_add(o, "kind", json_object_new_string(v[i].kind));
#define TRI(key, x) json_object_object_add(o, key, (x) < 0 ? NULL : \
		json_object_new_boolean(x))
		TRI("tso", v[i].tso);
		TRI("gso", v[i].gso);
		TRI("gro", v[i].gro);
		TRI("lro", v[i].lro);
		TRI("adaptive_rx", v[i].adaptive_rx);
#undef TRI
		json_object_object_add(o, "rx_usecs", v[i].rx_usecs < 0 ? NULL
				       : json_object_new_int(v[i].rx_usecs));
		json_object_object_add(o, "channels", v[i].channels < 0 ? NULL
				       : json_object_new_int(v[i].channels));
		json_object_object_add(o, "channels_max", v[i].channels < 0
				       ? NULL
				       : json_object_new_int(v[i].channels_max));
		json_object_array_add(a, o);
	}
	return a;
}

static void print_text(const struct audit_input *in,
		       const struct audit_report *r, const struct nic_state *nics,
		       size_t nnics)
{
	bool colour = use_colour(stdout);
	size_t counts[4] = { 0 };

	for (size_t i = 0; i < r->n; i++)
		counts[r->v[i].sev]++;
	printf("porttune audit: %s%s%s (%zu critical, %zu warning, %zu ok",
	       colour ? sev_colour[r->worst] : "", severity_name(r->worst),
	       colour ? "\033[0m" : "", counts[SEV_CRITICAL],
	       counts[SEV_WARNING], counts[SEV_OK]);
	if (counts[SEV_UNKNOWN])
		printf(", %zu unknown", counts[SEV_UNKNOWN]);
	printf(")\n\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->v[i];

		printf("%s%-8s%s  %-14s  %s\n", colour ? sev_colour[f->sev] : "",
		       severity_name(f->sev), colour ? "\033[0m" : "", f->check,
		       f->summary);
		if (f->evidence[0])
			printf("%-26s  evidence: %s\n", "", f->evidence);
		if (f->remedy[0])
			printf("%-26s  remedy:   %s\n", "", f->remedy);
	}
	print_nics(nics, nnics);
	if (in->drift && (plan_count(in->drift, CS_PENDING) ||
			  plan_count(in->drift, CS_INVALID))) {
		printf("\nDrift from the profile\n");
		plan_print_text(stdout, in->drift, VIEW_DIFF);
	}
}

static json_object *jlong(long v)
{
	return v == UNSET ? NULL : json_object_new_int64(v);
}

static json_object *to_json(const struct audit_input *in,
			    const struct audit_report *r,
			    const struct nic_state *nics, size_t nnics)
{
	json_object *o = json_object_new_object();
	json_object *fs = json_object_new_array();
	json_object *set = json_object_new_object();
	json_object *tcp = json_object_new_object();
	json_object *ctr = json_object_new_object();

	json_object_object_add(o, "status",
			       json_object_new_string(severity_name(r->worst)));
	json_object_object_add(o, "exit_code", json_object_new_int(r->worst));
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->v[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "check",
				       json_object_new_string(f->check));
		json_object_object_add(e, "severity", json_object_new_string(
					       severity_name(f->sev)));
		json_object_object_add(e, "summary",
				       json_object_new_string(f->summary));
		json_object_object_add(e, "evidence",
				       json_object_new_string(f->evidence));
		json_object_object_add(e, "remedy", f->remedy[0]
				       ? json_object_new_string(f->remedy) : NULL);
		json_object_array_add(fs, e);
	}
	json_object_object_add(o, "findings", fs);
	json_object_object_add(set, "port_range_low", jlong(in->port_lo));
	json_object_object_add(set, "port_range_high", jlong(in->port_hi));
	json_object_object_add(set, "reserved_in_range",
			       jlong(in->reserved_in_range));
	json_object_object_add(set, "effective_ports",
			       jlong(audit_effective_ports(in)));
	json_object_object_add(set, "tcp_tw_reuse", jlong(in->tw_reuse));
	json_object_object_add(set, "tcp_tw_reuse_delay",
			       jlong(in->tw_reuse_delay));
	json_object_object_add(set, "tcp_timestamps", jlong(in->timestamps));
	json_object_object_add(set, "tcp_fin_timeout", jlong(in->fin_timeout));
	json_object_object_add(set, "tcp_max_tw_buckets",
			       jlong(in->max_tw_buckets));
	json_object_object_add(o, "settings", set);
	json_object_object_add(tcp, "inuse", jlong(in->tcp_inuse));
	json_object_object_add(tcp, "time_wait", jlong(in->tcp_tw));
	json_object_object_add(tcp, "orphan", jlong(in->tcp_orphan));
	json_object_object_add(o, "sockstat", tcp);
	json_object_object_add(ctr, "TCPTimeWaitOverflow", jlong(in->tw_overflow));
	json_object_object_add(ctr, "TWRecycled", jlong(in->tw_recycled));
	json_object_object_add(o, "counters", ctr);
	json_object_object_add(o, "interfaces", nics_json(nics, nnics));
	if (in->drift)
		json_object_object_add(o, "drift",
				       plan_json(in->drift, VIEW_DIFF));
	return o;
}

static void prom_gauge(const char *name, const char *help, long v)
{
	if (v == UNSET)
		return;
	printf("# HELP %s %s\n# TYPE %s gauge\n%s %ld\n", name, help, name,
	       name, v);
}

/* node_exporter textfile collector format */
static void print_prometheus(const struct audit_input *in,
			     const struct audit_report *r)
{
	prom_gauge("porttune_audit_status",
		   "Worst finding: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
		   r->worst);
	printf("# HELP porttune_finding_severity Severity of each check "
	       "(0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).\n"
	       "# TYPE porttune_finding_severity gauge\n");
	for (size_t i = 0; i < r->n; i++)
		printf("porttune_finding_severity{check=\"%s\"} %d\n",
		       r->v[i].check, r->v[i].sev);
	prom_gauge("porttune_ephemeral_ports",
		   "Usable ephemeral ports per destination.",
		   audit_effective_ports(in));
	prom_gauge("porttune_tcp_time_wait_sockets",
		   "TIME_WAIT sockets in this network namespace.", in->tcp_tw);
	prom_gauge("porttune_tcp_inuse_sockets",
		   "TCP sockets in use in this network namespace.",
		   in->tcp_inuse);
	prom_gauge("porttune_tcp_max_tw_buckets",
		   "net.ipv4.tcp_max_tw_buckets.", in->max_tw_buckets);
	if (in->tw_overflow != UNSET)
		printf("# HELP porttune_tcp_time_wait_overflow_total TcpExt "
		       "TCPTimeWaitOverflow.\n# TYPE porttune_tcp_time_wait_"
		       "overflow_total counter\nporttune_tcp_time_wait_"
		       "overflow_total %lld\n", in->tw_overflow);
	if (in->drift)
		prom_gauge("porttune_drift_settings",
			   "Settings that differ from the profile.",
			   (long)plan_count(in->drift, CS_PENDING));
}

static void usage(FILE *f)
{
	fprintf(f, "usage: porttune audit [--profile FILE] "
		"[--format text|json|prometheus]\n");
}

int cmd_audit(int argc, char **argv, const struct gopts *g)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct audit_input in = { 0 };
	struct audit_report r;
	struct nic_state *nics = NULL;
	size_t nnics = 0;
	struct profile prof = { 0 };
	struct plan plan = { 0 };
	enum format fmt = FMT_TEXT;
	const char *path = NULL;
	struct err e = { 0 };
	int c;

	(void)g;
	while ((c = getopt_long(argc, argv, "p:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			path = optarg;
			break;
		case 'f':
			if (!format_parse(optarg, true, &fmt))
				break;
			pt_error("audit: --format: '%s' is not text, json or "
				 "prometheus", optarg);
			return EXIT_AUDIT_UNKNOWN;
		case 'h':
			usage(stdout);
			return finish_stdout(EXIT_OK);
		default:
			usage(stderr);
			return EXIT_AUDIT_UNKNOWN;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return EXIT_AUDIT_UNKNOWN;
	}
	in.cfg = (struct audit_cfg){ 0.5, 0.8 };
	if (path) {
		if (profile_load(&prof, path, &e)) {
			profile_print_diags(&prof);
			if (!prof.nerrors)
				pt_error("%s", e.msg);
			profile_free(&prof);
			return EXIT_AUDIT_UNKNOWN;
		}
		in.cfg = prof.audit;
		if (plan_build(&prof, &plan, &e)) {
			pt_error("%s", e.msg);
			profile_free(&prof);
			return EXIT_AUDIT_UNKNOWN;
		}
		in.drift = &plan;
	}
	if (audit_gather(&in, &e))
		pt_error("audit: %s", e.msg);
	audit_evaluate(&in, &r);
	/* NIC state is context for people; a host without ethtool netlink
	 * still gets its port audit */
	if (fmt != FMT_PROMETHEUS && nic_survey(path ? &prof : NULL, &nics,
						&nnics, &e))
		pt_error("audit: interfaces: %s", e.msg);
	if (fmt == FMT_JSON)
		json_emit(stdout, to_json(&in, &r, nics, nnics));
	else if (fmt == FMT_PROMETHEUS)
		print_prometheus(&in, &r);
	else
		print_text(&in, &r, nics, nnics);
	free(nics);
	c = r.worst;
	audit_report_free(&r);
	plan_free(&plan);
	profile_free(&prof);
	return finish_stdout(c);
}
