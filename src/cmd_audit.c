// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune audit: findings with severity, evidence and remedy (exit 0-3). */
#include <getopt.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "audit_netns.h"
#include "audit_render.h"
#include "audit_trace.h"
#include "audit_suggest.h"
#include "cmd.h"
#include "outfile.h"

/* --timeout: what to say when the audit has not finished in time. */
static char timeout_msg[96];
static int timeout_fd;

/* audit only reads, so there is nothing to undo: a hang (a stuck /proc
 * read, a huge socket dump) ends here as UNKNOWN, as a monitoring plugin's
 * timeout does. write() and _exit() are async-signal-safe. */
static void on_timeout(int sig)
{
	(void)sig;
	if (write(timeout_fd, timeout_msg, strlen(timeout_msg)) < 0)
		_exit(EXIT_AUDIT_UNKNOWN);
	_exit(EXIT_AUDIT_UNKNOWN);
}

static void arm_timeout(double seconds, enum format fmt)
{
	struct sigaction sa = { .sa_handler = on_timeout };
	struct itimerval it = { .it_value = {
		.tv_sec = (time_t)seconds,
		.tv_usec = (suseconds_t)((seconds - (time_t)seconds) * 1e6) } };

	timeout_fd = fmt == FMT_NAGIOS ? STDOUT_FILENO : STDERR_FILENO;
	snprintf(timeout_msg, sizeof(timeout_msg), fmt == FMT_NAGIOS
		 ? "PORTTUNE UNKNOWN - audit did not finish within %g s\n"
		 : "porttune: audit: did not finish within %g s\n", seconds);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_timeout(void)
{
	struct itimerval off = { 0 };

	setitimer(ITIMER_REAL, &off, NULL);
}

/* -w/-c PCT: an occupancy percentage, 0 < PCT <= 100. */
static int parse_pct(const char *s, double *ratio)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v > 0) || v > 100)
		return -1;
	*ratio = v / 100;
	return 0;
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

/* The findings' fixes as a profile, checked by the profile parser first. */
static int write_suggestion(const struct audit_report *r, const char *file)
{
	struct profile p = { 0 };
	struct err e = { 0 };
	char *text = NULL;
	size_t n = 0;
	int rc = audit_suggest_text(r, &text, &n);

	if (rc) {
		pt_error("audit: --suggest-profile: %s", strerror(-rc));
		return -1;
	}
	rc = profile_parse(&p, file, text, NULL, NULL, &e);
	if (!rc)
		rc = audit_suggest_write(file, text, &e);
	if (rc)
		pt_error("audit: --suggest-profile: %s", e.msg);
	else
		fprintf(stderr, "porttune: audit: %s: %zu suggested setting%s%s\n",
			file, n, n == 1 ? "" : "s", n ? "; review it, then "
			"porttune diff --profile FILE" : "; nothing to change");
	free(text);
	profile_free(&p);
	return rc ? -1 : 0;
}

/* -w/-c beat the profile's [audit] thresholds; -1 if they cross. */
static int thresholds(struct audit_cfg *cfg, double warn, double crit)
{
	cfg->warn_ratio = warn ? warn : cfg->warn_ratio;
	cfg->crit_ratio = crit ? crit : cfg->crit_ratio;
	if (cfg->warn_ratio <= cfg->crit_ratio)
		return 0;
	pt_error("audit: the warning threshold (%g%%) is above the critical "
		 "one (%g%%)", 100 * cfg->warn_ratio, 100 * cfg->crit_ratio);
	return -1;
}

/* --all-netns: the same audit in every network namespace. */
/*
 * --all-netns --trace: one window over every namespace before the audits
 * (the census then describes the end of the window), detached before the
 * per-namespace workers fork. r->ok false says why there is no trace.
 */
static void trace_all_netns(double seconds, struct trace_result *r)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct trace *tr;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	tr = trace_begin(r, true);
	trace_wait(tr, seconds, &stop);
	trace_take(tr, r);
	trace_stop(tr);
}

static int all_namespaces(const struct gopts *g, const struct audit_opts *o,
			  const char *path, enum format fmt,
			  const char *suggest, const char *output,
			  double warn, double crit, double trace_s)
{
	/* an overview of every namespace: bind()-only sockets would make the
	 * kernel walk the shared bind table once per namespace */
	struct audit_opts each = *o;
	struct all_netns_req q = { .opts = &each, .cfg = AUDIT_CFG_DEFAULT,
				   .fmt = fmt };
	struct profile prof = { 0 };
	struct outfile out = { 0 };
	struct trace_result tres = { 0 };
	struct err e = { 0 };
	const char *clash = g->netns ? "--netns" : suggest ? "--suggest-profile"
			  : fmt == FMT_NAGIOS ? "--format nagios" : NULL;
	int code;

	each.no_bound = true;

	if (clash) {
		pt_error("audit: %s needs one namespace, not --all-netns", clash);
		return EXIT_AUDIT_UNKNOWN;
	}
	if (path) {
		if (profile_load(&prof, path, &e)) {
			profile_print_diags(&prof);
			if (!prof.nerrors)
				pt_error("%s", e.msg);
			profile_free(&prof);
			return EXIT_AUDIT_UNKNOWN;
		}
		q.prof = &prof;
		q.cfg = prof.audit;
	}
	if (thresholds(&q.cfg, warn, crit)) {
		profile_free(&prof);
		return EXIT_AUDIT_UNKNOWN;
	}
	if (output && outfile_open(&out, output, &e)) {
		pt_error("audit: --output: %s", e.msg);
		profile_free(&prof);
		return EXIT_AUDIT_UNKNOWN;
	}
	if (trace_s > 0) {
		trace_all_netns(trace_s, &tres);
		q.trace = &tres;
	}
	code = audit_all_netns(output ? out.f : stdout, &q);
	trace_result_free(&tres);
	disarm_timeout();
	if (output && outfile_commit(&out, &e)) {
		pt_error("audit: --output: %s", e.msg);
		code = EXIT_AUDIT_UNKNOWN;
	}
	profile_free(&prof);
	return finish_stdout(code);
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
		{ "all-netns", no_argument, NULL, 'A' },
		{ "suggest-profile", required_argument, NULL, 'g' },
		{ "output", required_argument, NULL, 'o' },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "trace", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct audit_opts o = { .sockets = true, .top = 10 };
	struct audit_input in = { .cfg = AUDIT_CFG_DEFAULT };
	struct audit_report r;
	struct audit_view view = { 0 };
	struct nic_state *nics = NULL;
	struct profile prof = { 0 };
	struct plan plan = { 0 };
	enum format fmt = FMT_TEXT;
	const char *path = NULL, *suggest = NULL;
	char rbuf[PATH_MAX];
	struct sigaction sa = { .sa_handler = on_signal };
	struct trace_result tres = { 0 };
	struct trace *tr = NULL;
	double trace_s = 0;
	struct err e = { 0 };
	double warn = 0, crit = 0, timeout = 0;
	const char *output = NULL;
	struct outfile out = { 0 };
	FILE *f = stdout;
	bool all_netns = false;
	int c;

	while ((c = getopt_long(argc, argv, "p:f:i:Pt:o:w:c:h", opts,
				NULL)) != -1) {
		switch (c) {
		case 'p':
			path = optarg;
			break;
		case 'f':
			if (!format_parse(optarg, true, &fmt))
				break;
			pt_error("audit: --format: '%s' is not text, json, "
				 "prometheus or nagios", optarg);
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
		case 'A':
			all_netns = true;
			break;
		case 'R':
			if (!parse_seconds(optarg, &trace_s))
				break;
			pt_error("audit: --trace: '%s' is not a number of "
				 "seconds (0-3600)", optarg);
			return EXIT_AUDIT_UNKNOWN;
		case 'g':
			suggest = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'w':
		case 'c':
			if (!parse_pct(optarg, c == 'w' ? &warn : &crit))
				break;
			pt_error("audit: -%c: '%s' is not a percentage (0-100)",
				 c, optarg);
			return EXIT_AUDIT_UNKNOWN;
		case 'T':
			if (!parse_seconds(optarg, &timeout))
				break;
			pt_error("audit: --timeout: '%s' is not a number of "
				 "seconds (0-3600)", optarg);
			return EXIT_AUDIT_UNKNOWN;
		case 'h':
			cmd_usage(stdout, g);
			return finish_stdout(EXIT_OK);
		default:
			cmd_usage(stderr, g);
			return EXIT_AUDIT_UNKNOWN;
		}
	}
	if (optind < argc) {
		cmd_usage(stderr, g);
		return EXIT_AUDIT_UNKNOWN;
	}
	if (timeout > 0)
		arm_timeout(timeout, fmt);
	if (path)
		path = rooted(g, path, rbuf, sizeof(rbuf));
	if (all_netns)
		return all_namespaces(g, &o, path, fmt, suggest, output,
				      warn, crit, trace_s);
	if (path && load_drift(path, &prof, &plan, &in)) {
		plan_free(&plan);
		profile_free(&prof);
		return EXIT_AUDIT_UNKNOWN;
	}
	if (thresholds(&in.cfg, warn, crit)) {
		plan_free(&plan);
		profile_free(&prof);
		return EXIT_AUDIT_UNKNOWN;
	}
	if (trace_s > 0) {
		/* Ctrl-C ends the window early; the programs still detach */
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		tr = trace_begin(&tres, false);
		in.trace = &tres;
		/* the census and rates describe the end of the traced window */
		trace_wait(tr, trace_s - o.interval, &stop);
	}
	if (audit_gather(&in, &o, &e))
		pt_error("audit: %s", e.msg);
	trace_wait(tr, trace_s, &stop);
	trace_take(tr, &tres);
	trace_stop(tr);
	in.top = o.top;
	in.prof = path ? &prof : NULL;
	in.root = g->root;
	in.state_dir = g->state_dir;
	audit_evaluate(&in, &r);
	view = (struct audit_view){ &in, &r, NULL, 0, o.top, o.processes };
	/* NIC state is context for people; a host without ethtool netlink
	 * still gets its port audit */
	if (fmt != FMT_PROMETHEUS && fmt != FMT_NAGIOS &&
	    nic_survey(path ? &prof : NULL, &nics, &view.nnics, &e))
		pt_error("audit: interfaces: %s", e.msg);
	view.nics = nics;
	disarm_timeout();
	c = r.worst;
	if (suggest && write_suggestion(&r, suggest))
		c = EXIT_AUDIT_UNKNOWN;
	if (output && outfile_open(&out, output, &e)) {
		pt_error("audit: --output: %s", e.msg);
		c = EXIT_AUDIT_UNKNOWN;
		goto done;
	}
	f = output ? out.f : stdout;
	if (fmt == FMT_JSON)
		json_emit(f, audit_json(&view));
	else if (fmt == FMT_PROMETHEUS)
		audit_print_prometheus(f, &view);
	else if (fmt == FMT_NAGIOS)
		audit_print_nagios(f, &view);
	else
		audit_print_text(f, &view);
	if (output && outfile_commit(&out, &e)) {
		pt_error("audit: --output: %s", e.msg);
		c = EXIT_AUDIT_UNKNOWN;
	}
done:
	free(nics);
	audit_report_free(&r);
	trace_result_free(&tres);
	audit_input_free(&in);
	plan_free(&plan);
	profile_free(&prof);
	return finish_stdout(c);
}
