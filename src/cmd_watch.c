// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune watch: the key figures and top destinations, refreshed in place. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "audit_render.h"
#include "audit_trace.h"
#include "cmd.h"
#include "watch_render.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* $COLUMNS, else the terminal's width, else no limit (a pipe or a file). */
static unsigned screen_width(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	unsigned w = 0;

	if (env && *env)
		w = (unsigned)strtoul(env, NULL, 10);
	else if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws))
		w = ws.ws_col;
	/* below this even the essential columns do not fit */
	return w && w < 40 ? 40 : w;
}

/* One screen: counters sampled over the interval, then the census. */
static int frame(const struct audit_opts *o, bool tty, unsigned n,
		 struct trace *tr, const struct trace_result *trace)
{
	struct audit_input in = { .cfg = AUDIT_CFG_DEFAULT };
	struct trace_result tres = { 0 };
	struct audit_report r;
	struct err e = { 0 };
	char when[32];
	time_t now;
	int rc = audit_gather(&in, o, &e);

	if (stop) {
		audit_input_free(&in);
		return 0;
	}
	if (trace) {
		/* counts since the previous frame: the maps are emptied */
		if (!tr)
			tres = *trace;	/* why tracing is impossible */
		trace_take(tr, &tres);
		in.trace = &tres;
		in.top = o->top;
	}
	now = time(NULL);
	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	if (tty)
		fputs("\033[H\033[2J", stdout);
	if (rc) {
		pt_error("watch: %s", e.msg);
		trace_result_free(&tres);
		audit_input_free(&in);
		return rc;
	}
	audit_evaluate(&in, &r);
	watch_print_frame(stdout, &in, &r, &(struct watch_frame){
		when, n, o->interval, o->top, screen_width() });
	/* the frame shows the census; the trace adds its findings and tables */
	if (trace) {
		printf("\n");
		audit_trace_print_findings(stdout, &r);
		audit_trace_print(stdout, &tres, o->top);
	}
	fflush(stdout);
	trace_result_free(&tres);
	audit_report_free(&r);
	audit_input_free(&in);
	return 0;
}

int cmd_watch(int argc, char **argv, const struct gopts *g)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "top", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'c' },
		{ "trace", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct audit_opts o = { .sockets = true, .top = 10, .interval = 2 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct trace *tr = NULL;
	unsigned count = 0;
	struct trace_result why = { 0 };
	bool trace = false;
	int c, rc = 0;

	(void)g;
	while ((c = getopt_long(argc, argv, "i:t:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!parse_seconds(optarg, &o.interval))
				break;
			pt_error("watch: --interval: '%s' is not a number of "
				 "seconds (0-3600)", optarg);
			return EXIT_USAGE;
		case 't':
			if (!parse_top(optarg, &o.top))
				break;
			pt_error("watch: --top: '%s' is not a count", optarg);
			return EXIT_USAGE;
		case 'c':
			if (!parse_top(optarg, &count))
				break;
			pt_error("watch: --count: '%s' is not a count", optarg);
			return EXIT_USAGE;
		case 'T':
			trace = true;
			break;
		case 'h':
			cmd_usage(stdout, g);
			return finish_stdout(EXIT_OK);
		default:
			cmd_usage(stderr, g);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cmd_usage(stderr, g);
		return EXIT_USAGE;
	}
	/* no SA_RESTART: the interval's sleep ends at once on Ctrl-C */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (trace)
		tr = trace_begin(&why, false);
	for (unsigned n = 1; !stop && !rc && (!count || n <= count); n++)
		rc = frame(&o, isatty(STDOUT_FILENO), n, tr,
			   trace ? &why : NULL);
	trace_stop(tr);
	return finish_stdout(rc ? 1 : EXIT_OK);
}
