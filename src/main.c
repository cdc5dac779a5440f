// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune: ephemeral-port and NIC tuning. The command table lives here. */
#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "netns_target.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))

#ifndef PORTTUNE_VERSION
#define PORTTUNE_VERSION "0.0.0"
#endif

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, const struct gopts *g);
	const char *args;
	const char *summary;
	int trouble;		/* exit code when porttune cannot even start */
	bool puppet;		/* has --detailed-exitcodes: 4 is "failed" */
};

static const struct command commands[] = {
	{ "audit", cmd_audit, "[--profile FILE] "
	  "[--format text|json|prometheus|nagios] [--output FILE] "
	  "[--interval SECONDS] [--processes] [--top N] [--no-sockets] "
	  "[-w PCT] [-c PCT] [--timeout SECONDS] [--trace SECONDS] "
	  "[--suggest-profile FILE] [--all-netns]",
	  "diagnose ephemeral-port exhaustion and the settings behind it",
	  EXIT_AUDIT_UNKNOWN, false },
	{ "watch", cmd_watch, "[--interval SECONDS] [--top N] [--count N] "
	  "[--trace]",
	  "refresh the key figures and top destinations until interrupted",
	  EXIT_USAGE, false },
	{ "diff", cmd_diff, "--profile FILE [--format text|json]",
	  "show how this host differs from a profile", EXIT_DIFF_TROUBLE, false },
	{ "apply", cmd_apply, "--profile FILE [--dry-run] [--strict] "
	  "[--interface IF]... [--confirm SECONDS] [--format text|json] "
	  "[--detailed-exitcodes] [--allow-host-wide]",
	  "make the host match a profile, snapshot first",
	  EXIT_APPLY_BAD_INPUT, true },
	{ "rollback", cmd_rollback, "[SNAPSHOT|latest|baseline] [--dry-run] "
	  "[--format text|json] [--detailed-exitcodes] [--allow-host-wide]",
	  "restore the values a snapshot recorded", EXIT_APPLY_BAD_INPUT, true },
	{ "snapshots", cmd_snapshots, "[list [--all] | show SNAPSHOT | ack ID]",
	  "list or show rollback snapshots, accept an interrupted apply",
	  EXIT_USAGE, false },
	{ "confirm", cmd_confirm, "",
	  "keep the changes of apply --confirm: cancel their rollback",
	  EXIT_USAGE, false },
	{ "persist", cmd_persist, "--profile FILE [--dry-run] [--force] | "
	  "--remove [--dry-run] [--force]",
	  "apply a profile at every boot and to new interfaces",
	  EXIT_USAGE, false },
};

/*
 * Global options: accepted before or after the command name, anywhere
 * before "--", as "--NAME VALUE" or "--NAME=VALUE". main consumes them, so
 * commands never see them. Adding one is adding a row.
 */
struct global_option {
	const char *name;
	const char *arg;	/* shown in usage */
	size_t offset;		/* of the const char * it sets in struct gopts */
};

static const struct global_option global_options[] = {
	{ "state-dir", "DIR", offsetof(struct gopts, state_dir) },
	{ "netns", "NAME|PID|PATH", offsetof(struct gopts, netns) },
	{ "root", "DIR", offsetof(struct gopts, root) },
};

static const struct global_option *global_option(const char *arg,
						 const char **value)
{
	for (size_t i = 0; i < ARRAY_SIZE(global_options); i++) {
		const char *n = global_options[i].name;
		size_t len = strlen(n);

		if (strncmp(arg, "--", 2) || strncmp(arg + 2, n, len))
			continue;
		if (arg[2 + len] == '=') {
			*value = arg + 3 + len;
			return &global_options[i];
		}
		if (!arg[2 + len]) {
			*value = NULL;
			return &global_options[i];
		}
	}
	return NULL;
}

/* Take the global options out of argv (argv[0] stays); 0 or -1. */
static int take_global_options(int *argc, char **argv, struct gopts *g)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const struct global_option *o;
		const char *v;

		if (!strcmp(argv[i], "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		o = global_option(argv[i], &v);
		if (!o) {
			argv[out++] = argv[i];
			continue;
		}
		if (!v && i + 1 >= *argc) {
			pt_error("--%s needs an argument (%s)", o->name, o->arg);
			return -1;
		}
		if (!v)
			v = argv[++i];
		*(const char **)((char *)g + o->offset) = v;
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: porttune");
	for (size_t i = 0; i < ARRAY_SIZE(global_options); i++)
		fprintf(f, " [--%s %s]", global_options[i].name,
			global_options[i].arg);
	fprintf(f, " COMMAND [OPTIONS]\n(the options in brackets before "
		"COMMAND may also follow it)\n\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n  %-10s   %s\n", commands[i].name,
			commands[i].args, "", commands[i].summary);
	fprintf(f, "\nporttune COMMAND --help shows a command's options; "
		"porttune(8) has the rest.\n");
}

/* Whether the command's own options ask for Puppet's exit codes; getopt
 * would take any unambiguous prefix, "--de" at least. */
static bool asks_detailed(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		size_t n = strlen(argv[i]);

		if (n >= 4 && !strncmp(argv[i], "--detailed-exitcodes", n))
			return true;
	}
	return false;
}

/* Act on the namespace --netns names: entered before anything is read. */
static int enter_netns(const struct gopts *g)
{
	struct err e = { 0 };
	int fd, rc;

	if (!g->netns)
		return 0;
	rc = nst_open(g->netns, &fd, &e);
	if (!rc) {
		rc = nst_enter(fd, g->netns, &e);
		close(fd);
	}
	if (rc)
		pt_error("%s", e.msg);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct gopts g = { .state_dir = DEFAULT_STATE_DIR };
	int c;

	/* a NIC plan of 256 devices is a 130 kB array: from the heap, not a
	 * mapping of its own whose unmapping at exit flushes the TLB of the
	 * CPU the seal ran on */
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	if (take_global_options(&argc, argv, &g))
		return EXIT_USAGE;
	/* '+' stops at the command name: its options are its own */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
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
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *cmd = &commands[i];
		char who[64];

		if (strcmp(argv[optind], cmd->name))
			continue;
		argv += optind;
		argc -= optind;
		if (enter_netns(&g))
			return cmd->puppet && asks_detailed(argc, argv)
			       ? EXIT_DETAILED_FAILED : cmd->trouble;
		/* getopt names argv[0] in its messages: "porttune: apply: ..." */
		snprintf(who, sizeof(who), "porttune: %s", cmd->name);
		argv[0] = who;
		g.cmd = cmd->name;
		g.args = cmd->args;
		optind = 0;	/* glibc: 0 also resets getopt's internal state */
		return cmd->fn(argc, argv, &g);
	}
	pt_error("'%s' is not a command; see porttune --help", argv[optind]);
	return EXIT_USAGE;
}
