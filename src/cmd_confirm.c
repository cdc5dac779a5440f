// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune confirm: keep what apply --confirm changed (exit 0), or say
 * why there was nothing to keep (exit 1). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "confirm.h"

int cmd_confirm(int argc, char **argv, const struct gopts *g)
{
	struct confirm_rec r;
	struct err e = { 0 };
	char when[32], last[512];
	int rc;

	(void)argv;
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		cmd_usage(stdout, g);
		return finish_stdout(EXIT_OK);
	}
	if (argc != 1) {
		cmd_usage(stderr, g);
		return EXIT_USAGE;
	}
	rc = confirm_cancel(g->state_dir, &r, &e);
	if (rc < 0) {
		pt_error("confirm: %s", e.msg);
		return 1;
	}
	if (rc > 0) {
		confirm_last_outcome(g->state_dir, last, sizeof(last));
		pt_error("confirm: nothing awaits confirmation%s%s",
			 last[0] ? "; last: " : "", last);
		return 1;
	}
	confirm_time(r.deadline, when, sizeof(when));
	printf("confirmed: the changes of snapshot %u (apply of %s at %s) "
	       "stay; the rollback due at %s is cancelled\n", r.snapshot,
	       r.profile, r.created, when);
	return finish_stdout(EXIT_OK);
}
