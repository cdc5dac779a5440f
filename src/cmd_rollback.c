// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune rollback: apply a snapshot, through the same transaction. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: porttune rollback [SNAPSHOT|latest|baseline] "
		"[--dry-run] "
		"[--format text|json] [--detailed-exitcodes]\n");
}

int cmd_rollback(int argc, char **argv, const struct gopts *g)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "detailed-exitcodes", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct txn t = { .state_dir = g->state_dir, .command = "rollback" };
	struct txn_cli o = { .fmt = FMT_TEXT };
	const char *which = "latest";
	int c;

	while ((c = getopt_long(argc, argv, "nf:h", opts, NULL)) != -1) {
		if (txn_option(c, &t, &o))
			continue;
		if (c == 'h') {
			usage(stdout);
			return finish_stdout(EXIT_OK);
		}
		o.bad = true;
	}
	if (optind < argc)
		which = argv[optind++];
	if (o.bad || optind < argc)
		return txn_usage_error(&o, usage);
	/* resolved under the lock, so a concurrent apply cannot slip in */
	t.snapshot = which;
	t.profile_path = which;
	return txn_command(&t, o.fmt, o.detailed);
}
