// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune: ephemeral-port and NIC tuning. The command table lives here. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#ifndef PORTTUNE_VERSION
#define PORTTUNE_VERSION "0.0.0"
#endif

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, const struct gopts *g);
	const char *args;
	const char *summary;
};

static const struct command commands[] = {
	{ "audit", cmd_audit, "[--profile FILE] "
	  "[--format text|json|prometheus|nagios] [--output FILE] "
	  "[--interval S] [--processes] [--top N] [--no-sockets] [-w PCT] "
	  "[-c PCT] [--timeout S] [--suggest-profile FILE]",
	  "diagnose ephemeral-port exhaustion and the settings behind it" },
	{ "watch", cmd_watch, "[--interval S] [--top N] [--count N]",
	  "refresh the key figures and top destinations until interrupted" },
	{ "diff", cmd_diff, "--profile FILE [--format text|json]",
	  "show how this host differs from a profile" },
	{ "apply", cmd_apply, "--profile FILE [--dry-run] [--strict] "
	  "[--interface IF]... [--confirm S] [--format text|json] "
	  "[--detailed-exitcodes]",
	  "make the host match a profile, snapshot first" },
	{ "rollback", cmd_rollback, "[SNAPSHOT|latest|baseline] [--dry-run] "
	  "[--format text|json] [--detailed-exitcodes]",
	  "restore the values a snapshot recorded" },
	{ "snapshots", cmd_snapshots, "[list [--all] | show SNAPSHOT | ack ID]",
	  "list or show rollback snapshots, accept an interrupted apply" },
	{ "confirm", cmd_confirm, "",
	  "keep the changes of apply --confirm: cancel their rollback" },
	{ "persist", cmd_persist, "--profile FILE [--dry-run] [--force] | "
	  "--remove", "apply a profile at every boot and to new interfaces" },
};

void pt_error(const char *fmt, ...)
{
	va_list ap;

	fputs("porttune: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void warn_interrupted(unsigned id)
{
	pt_error("warning: snapshot %u: an apply or rollback was interrupted "
		 "and the host may be half changed; undo it with 'porttune "
		 "rollback', or keep the host as it is with 'porttune "
		 "snapshots ack %u'", id, id);
}

int finish_stdout(int code)
{
	if (fflush(stdout) || ferror(stdout)) {
		pt_error("write error on standard output: %s", strerror(errno));
		return code ? code : 1;
	}
	return code;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: porttune [--state-dir DIR] [--root DIR] COMMAND "
		"[OPTIONS]\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(f, "  %-10s %s\n  %-10s   %s\n", commands[i].name,
			commands[i].args, "", commands[i].summary);
	fprintf(f, "\nporttune COMMAND --help shows a command's options; "
		"porttune(8) has the rest.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct gopts g = { .state_dir = DEFAULT_STATE_DIR };
	int c;

	/* '+' stops at the command name: its options are its own */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			g.state_dir = optarg;
			break;
		case 'r':
			g.root = optarg;
			break;
		case 'h':
			usage(stdout);
			return finish_stdout(EXIT_OK);
		case 'V':
			printf("porttune %s\n", PORTTUNE_VERSION);
			return finish_stdout(EXIT_OK);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++) {
		char who[64];

		if (strcmp(argv[optind], commands[i].name))
			continue;
		argv += optind;
		argc -= optind;
		/* getopt names argv[0] in its messages: "porttune: apply: ..." */
		snprintf(who, sizeof(who), "porttune: %s", commands[i].name);
		argv[0] = who;
		optind = 0;	/* glibc: 0 also resets getopt's internal state */
		return commands[i].fn(argc, argv, &g);
	}
	pt_error("'%s' is not a command; see porttune --help", argv[optind]);
	return EXIT_USAGE;
}
