// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune audit: findings with severity, evidence and remedy (exit 0-3). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_render.h"
#include "audit_trace.h"
#include "cmd.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: porttune audit [--profile FILE] "
		"[--format text|json|prometheus] [--interval SECONDS] "
		"[--processes] [--top N] [--no-sockets] [--trace SECONDS]\n");
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* "0.5", "2", "10": positive seconds, at most an hour. */
int parse_seconds(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v > 0) || v > 3600)
		return -1;
	*out = v;
	return 0;
}

int parse_top(const char *s, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end || v == 0 || v > 10000)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int load_drift(const char *path, struct profile *prof,
		      struct plan *plan, struct audit_input *in)
{
	struct err e = { 0 };

	if (profile_load(prof, path, &e)) {
		profile_print_diags(prof);
		if (!prof->nerrors)
			pt_error("%s", e.msg);
		return -1;
	}
	in->cfg = prof->audit;
	if (plan_build(prof, plan, &e)) {
		pt_error("%s", e.msg);
		return -1;
	}
	in->drift = plan;
	return 0;
}

int cmd_audit(int argc, char **argv, const struct gopts *g)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "interval", required_argument, NULL, 'i' },
		{ "processes", no_argument, NULL, 'P' },
		{ "top", required_argument, NULL, 't' },
		{ "no-sockets", no_argument, NULL, 'S' },
		{ "trace", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct audit_opts o = { .sockets = true, .top = 10 };
	struct audit_input in = { .cfg = { 0.5, 0.8 } };
	struct audit_report r;
	struct audit_view view = { 0 };
	struct nic_state *nics = NULL;
	struct profile prof = { 0 };
	struct plan plan = { 0 };
	enum format fmt = FMT_TEXT;
	const char *path = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct trace_result tres = { 0 };
	struct trace *tr = NULL;
	double trace_s = 0;
	struct err e = { 0 };
	int c;

	(void)g;
	while ((c = getopt_long(argc, argv, "p:f:i:Pt:h", opts, NULL)) != -1) {
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
		case 'i':
			if (!parse_seconds(optarg, &o.interval))
				break;
			pt_error("audit: --interval: '%s' is not a number of "
				 "seconds (0-3600)", optarg);
			return EXIT_AUDIT_UNKNOWN;
		case 'P':
			o.processes = true;
			break;
		case 't':
			if (!parse_top(optarg, &o.top))
				break;
			pt_error("audit: --top: '%s' is not a count (1-10000)",
				 optarg);
			return EXIT_AUDIT_UNKNOWN;
		case 'S':
			o.sockets = false;
			break;
		case 'T':
			if (!parse_seconds(optarg, &trace_s))
				break;
			pt_error("audit: --trace: '%s' is not a number of "
				 "seconds (0-3600)", optarg);
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
	if (path && load_drift(path, &prof, &plan, &in)) {
		plan_free(&plan);
		profile_free(&prof);
		return EXIT_AUDIT_UNKNOWN;
	}
	if (trace_s > 0) {
		/* Ctrl-C ends the window early; the programs still detach */
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		tr = trace_begin(&tres);
		in.trace = &tres;
		/* the census and rates describe the end of the traced window */
		trace_wait(tr, trace_s - o.interval, &stop);
	}
	if (audit_gather(&in, &o, &e))
		pt_error("audit: %s", e.msg);
	trace_wait(tr, trace_s, &stop);
	trace_take(tr, &tres);
	trace_stop(tr);
	audit_evaluate(&in, &r);
	if (in.trace)
		audit_trace_checks(&tres, &r, o.top);
	view = (struct audit_view){ &in, &r, NULL, 0, o.top, o.processes };
	/* NIC state is context for people; a host without ethtool netlink
	 * still gets its port audit */
	if (fmt != FMT_PROMETHEUS &&
	    nic_survey(path ? &prof : NULL, &nics, &view.nnics, &e))
		pt_error("audit: interfaces: %s", e.msg);
	view.nics = nics;
	if (fmt == FMT_JSON)
		json_emit(stdout, audit_json(&view));
	else if (fmt == FMT_PROMETHEUS)
		audit_print_prometheus(stdout, &view);
	else
		audit_print_text(stdout, &view);
	c = r.worst;
	free(nics);
	audit_report_free(&r);
	trace_result_free(&tres);
	audit_input_free(&in);
	plan_free(&plan);
	profile_free(&prof);
	return finish_stdout(c);
}
