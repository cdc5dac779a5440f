// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune diff: how the host differs from a profile (exit 0/1/2, as diff). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "hostwide.h"

/*
 * diff changes nothing and does not need the state directory; it only
 * passes on an interrupted apply, which explains drift. A directory it
 * must not trust is named, not read.
 */
static void check_state(const struct gopts *g)
{
	struct err e = { 0 };
	struct state st;
	unsigned id = 0;

	if (state_open(&st, g->state_dir, false, &e) ||
	    snapshot_check_interrupted(&st, &id, &e)) {
		/* a user's diff cannot read root's directory: nothing to say */
		if (geteuid() == 0)
			pt_error("warning: diff: not checked for an interrupted apply: "
				 "%s", e.msg);
	} else if (id) {
		warn_interrupted(id);
	}
	state_close(&st);
}

int cmd_diff(int argc, char **argv, const struct gopts *g)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum format fmt = FMT_TEXT;
	const char *path = NULL;
	struct profile prof;
	struct plan plan = { 0 };
	struct boot_conflicts bc = { 0 };
	char buf[PATH_MAX];
	struct err e = { 0 };
	size_t drift, bad;
	int c, code;

	while ((c = getopt_long(argc, argv, "p:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			path = optarg;
			break;
		case 'f':
			if (!format_parse(optarg, false, &fmt))
				break;
			pt_error("diff: --format: '%s' is not text or json",
				 optarg);
			return EXIT_DIFF_TROUBLE;
		case 'h':
			cmd_usage(stdout, g);
			return finish_stdout(EXIT_OK);
		default:
			cmd_usage(stderr, g);
			return EXIT_DIFF_TROUBLE;
		}
	}
	if (!path || optind < argc) {
		cmd_usage(stderr, g);
		return EXIT_DIFF_TROUBLE;
	}
	path = rooted(g, path, buf, sizeof(buf));
	check_state(g);
	if (profile_load(&prof, path, &e)) {
		profile_print_diags(&prof);
		if (!prof.nerrors)
			pt_error("%s", e.msg);
		profile_free(&prof);
		return EXIT_DIFF_TROUBLE;
	}
	if (plan_build(&prof, &plan, &e)) {
		pt_error("%s", e.msg);
		code = EXIT_DIFF_TROUBLE;
		goto out;
	}
	hostwide_guard(&plan, false);
	if (boot_conflicts_find(g->root, &prof, &bc, &e))
		pt_error("diff: boot-time sysctl files: %s", e.msg);
	drift = plan_count(&plan, CS_PENDING);
	bad = plan_count(&plan, CS_INVALID);
	code = bad ? EXIT_DIFF_TROUBLE : drift ? EXIT_DIFF_DRIFT : EXIT_OK;
	if (fmt == FMT_JSON) {
		json_object *o = plan_json(&plan, VIEW_DIFF);

		json_object_object_add(o, "profile", json_object_new_string(path));
		json_object_object_add(o, "drift", json_object_new_boolean(drift));
		json_object_object_add(o, "conflicts", conflicts_json(&bc));
		json_emit(stdout, o);
	} else {
		plan_print_text(stdout, &plan, VIEW_DIFF);
		if (!drift && !bad)
			printf("no drift: %zu setting%s match %s\n",
			       plan_count(&plan, CS_SAME),
			       plan_count(&plan, CS_SAME) == 1 ? "" : "s", path);
	}
	profile_print_diags(&prof);
	plan_print_diags(&plan);
	conflicts_print(&bc);
out:
	boot_conflicts_free(&bc);
	plan_free(&plan);
	profile_free(&prof);
	return finish_stdout(code);
}
