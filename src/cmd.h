/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_CMD_H
#define PORTTUNE_CMD_H

#include <stdbool.h>

#include "output.h"
#include "txn.h"

#include "sysctld.h"

#define DEFAULT_STATE_DIR "/var/lib/porttune"

/* Global options, before or after the command (main.c's table). */
struct gopts {
	const char *state_dir;
	const char *netns;	/* --netns as given; main has entered it */
	const char *root;	/* --root: stands for / under /etc, /run, /usr/lib,
				   /lib; NULL for / itself */
	const char *cmd;	/* the command main runs, and its arguments as */
	const char *args;	/* main's table states them (for usage) */
};

/* Exit codes, documented in porttune(8). */
enum {
	EXIT_OK = 0,
	/* diff */
	EXIT_DIFF_DRIFT = 1,
	EXIT_DIFF_TROUBLE = 2,
	/* audit: the monitoring-plugin convention */
	EXIT_AUDIT_WARNING = 1,
	EXIT_AUDIT_CRITICAL = 2,
	EXIT_AUDIT_UNKNOWN = 3,
	/* apply / rollback */
	EXIT_APPLY_FAILED = 1,		/* a change failed; reverted */
	EXIT_APPLY_BAD_INPUT = 2,	/* usage, profile, lock, state dir:
					   nothing done */
	EXIT_APPLY_REVERT_FAILED = 3,	/* the revert failed too */
	/* apply / rollback --detailed-exitcodes (Puppet's convention) */
	EXIT_DETAILED_CHANGED = 2,
	EXIT_DETAILED_FAILED = 4,
	EXIT_DETAILED_CHANGED_FAILED = 6,
	/* usage errors of the top level */
	EXIT_USAGE = 2,
};

int cmd_audit(int argc, char **argv, const struct gopts *g);
int cmd_diff(int argc, char **argv, const struct gopts *g);
int cmd_apply(int argc, char **argv, const struct gopts *g);
int cmd_rollback(int argc, char **argv, const struct gopts *g);
int cmd_snapshots(int argc, char **argv, const struct gopts *g);
int cmd_watch(int argc, char **argv, const struct gopts *g);
int cmd_persist(int argc, char **argv, const struct gopts *g);
int cmd_confirm(int argc, char **argv, const struct gopts *g);

/* --root: a path below /etc, /run, /usr/lib, /lib moves under ROOT. */
const char *rooted(const struct gopts *g, const char *path, char *buf,
		   size_t len);
/* Boot-time conflicts: "porttune: warning: FILE:LINE sets ..." on stderr. */
void conflicts_print(const struct boot_conflicts *c);
json_object *conflicts_json(const struct boot_conflicts *c);

/* Option values shared by audit and watch; 0 or -1. */
int parse_seconds(const char *s, double *out);
int parse_top(const char *s, unsigned *out);

/* Command-line state of apply and rollback. */
struct txn_cli {
	enum format fmt;
	bool detailed;		/* --detailed-exitcodes */
	bool bad;		/* a usage error, reported once all are parsed */
};

/* --dry-run, --format, --detailed-exitcodes; false for other options. */
bool txn_option(int c, struct txn *t, struct txn_cli *o);
int txn_usage_error(const struct txn_cli *o, const struct gopts *g);

/* Run an apply-like transaction, print its report, pick the exit code. */
int txn_command(struct txn *t, enum format fmt, bool detailed);

/* Tell that snapshot `id`'s transaction was interrupted, and what to do. */
void warn_interrupted(unsigned id);

/* Print "porttune: MESSAGE" to stderr. */
void pt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Flush stdout and report a write error (e.g. a full disk or closed pipe). */
int finish_stdout(int code);

/* The command's usage, from main's table: "usage: porttune CMD ARGS". */
void cmd_usage(FILE *f, const struct gopts *g);

#endif
