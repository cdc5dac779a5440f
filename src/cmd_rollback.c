// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune rollback: apply a snapshot, through the same transaction. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"

int cmd_rollback(int argc, char **argv, const struct gopts *g)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "detailed-exitcodes", no_argument, NULL, 'd' },
		{ "allow-host-wide", no_argument, NULL, 'H' },
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
			cmd_usage(stdout, g);
			return finish_stdout(EXIT_OK);
		}
		o.bad = true;
	}
	if (optind < argc)
		which = argv[optind++];
	if (o.bad || optind < argc)
		return txn_usage_error(&o, g);
	/* resolved under the lock, so a concurrent apply cannot slip in */
	t.snapshot = which;
	t.profile_path = which;
	return txn_command(&t, o.fmt, o.detailed);
}
