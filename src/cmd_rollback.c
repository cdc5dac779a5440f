// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune rollback: apply a snapshot, through the same transaction. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "cmd.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: porttune rollback [SNAPSHOT|latest] [--dry-run] "
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
	enum format fmt = FMT_TEXT;
	bool detailed = false, bad = false;
	const char *which = "latest";
	int c;

	while ((c = getopt_long(argc, argv, "nf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			t.dry_run = true;
			break;
		case 'd':
			detailed = true;
			break;
		case 'f':
			if (!format_parse(optarg, false, &fmt))
				break;
			pt_error("rollback: --format: '%s' is not text or json",
				 optarg);
			bad = true;
			break;
		case 'h':
			usage(stdout);
			return finish_stdout(EXIT_OK);
		default:
			bad = true;
			break;
		}
	}
	if (optind < argc)
		which = argv[optind++];
	/* decided after every option: --detailed-exitcodes may come last */
	if (bad || optind < argc) {
		usage(stderr);
		return detailed ? EXIT_DETAILED_FAILED : EXIT_APPLY_BAD_INPUT;
	}
	/* resolved under the lock, so a concurrent apply cannot slip in */
	t.snapshot = which;
	t.profile_path = which;
	return txn_command(&t, fmt, detailed);
}
