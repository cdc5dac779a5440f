// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune apply: make the host match a profile, as one transaction. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "confirm.h"
#include "output.h"
#include "txn.h"

/* The most --confirm waits: long enough to reconnect, short enough to
 * notice. */
#define CONFIRM_MAX (24 * 3600)
#define HOTPLUG_LOCK_TRIES 200	/* x 50 ms, well inside udev's timeout */

static void summary(FILE *f, const struct txn *t)
{
	const struct plan *p = &t->plan;
	size_t changed = plan_count(p, CS_CHANGED);
	size_t same = plan_count(p, CS_SAME);
	size_t unsup = plan_count(p, CS_UNSUPPORTED);
	size_t pending = plan_count(p, CS_PENDING);

	fprintf(f, "%s: ", t->command);
	if (t->dry_run)
		fprintf(f, "dry run, %zu would change", pending);
	else if (!changed && !t->failed)
		fprintf(f, "nothing to change");
	else
		fprintf(f, "%zu changed", changed);
	fprintf(f, ", %zu already set", same);
	if (unsup)
		fprintf(f, ", %zu unsupported", unsup);
	if (t->snapshot_written && !t->failed)
		fprintf(f, "; snapshot %u saved (undo: porttune rollback %u)",
			t->snap.id, t->snap.id);
	fputc('\n', f);
	if (t->confirm_deadline) {
		char when[32];

		confirm_time(t->confirm_deadline, when, sizeof(when));
		fprintf(f, "%s: confirm by %s with porttune confirm, or "
			"snapshot %u is rolled back then\n", t->command, when,
			t->snap.id);
	} else if (t->confirm_secs && !t->dry_run) {
		fprintf(f, "%s: nothing changed, nothing to confirm\n",
			t->command);
	}
}

static json_object *report_json(const struct txn *t, const struct err *e,
				const char *result)
{
	enum view v = t->dry_run ? VIEW_DRY_RUN : VIEW_APPLY;
	json_object *o = t->planned ? plan_json(&t->plan, v)
				    : json_object_new_object();
	json_object *snap = NULL;
	bool changed = t->dry_run ? plan_count(&t->plan, CS_PENDING) > 0
				  : plan_count(&t->plan, CS_CHANGED) > 0;

	if (t->snapshot_written) {
		snap = json_object_new_object();
		json_object_object_add(snap, "id",
				       json_object_new_int64(t->snap.id));
		json_object_object_add(snap, "path",
				       json_object_new_string(t->snap_path));
	}
	json_object_object_add(o, "command", json_object_new_string(t->command));
	json_object_object_add(o, "profile",
			       json_object_new_string(t->profile_path));
	json_object_object_add(o, "dry_run", json_object_new_boolean(t->dry_run));
	json_object_object_add(o, "changed", json_object_new_boolean(changed));
	json_object_object_add(o, "result", json_object_new_string(result));
	json_object_object_add(o, "snapshot", snap);
	if (t->boot_check)
		json_object_object_add(o, "conflicts",
				       conflicts_json(&t->conflicts));
	if (t->confirm_deadline) {
		json_object *c = json_object_new_object();
		char when[32];

		confirm_time(t->confirm_deadline, when, sizeof(when));
		json_object_object_add(c, "deadline",
				       json_object_new_string(when));
		json_object_object_add(c, "seconds",
				       json_object_new_int64(t->confirm_secs));
		json_object_object_add(o, "confirm", c);
	}
	json_object_object_add(o, "interrupted", t->interrupted
			       ? json_object_new_int64(t->interrupted) : NULL);
	json_object_object_add(o, "error",
			       e->msg[0] ? json_object_new_string(e->msg) : NULL);
	if (t->loaded || t->prof.nerrors) {
		json_object *errs = json_object_new_array();

		for (size_t i = 0; i < t->prof.nerrors; i++)
			json_object_array_add(errs, json_object_new_string(
						      t->prof.errors[i]));
		json_object_object_add(o, "profile_errors", errs);
	}
	return o;
}

static int exit_code(const struct txn *t, enum txn_stage st, bool detailed)
{
	/* a dry run "changes" what it would change: puppet --noop exits 2 */
	bool changed = plan_count(&t->plan, t->dry_run ? CS_PENDING
						       : CS_CHANGED) > 0;

	/* failed before any change (the snapshot could not be written):
	 * "nothing done", as porttune(8) promises */
	bool untouched = st == TXN_BAD_INPUT ||
			 (st == TXN_FAILED && !t->failed && !t->foreign);

	if (!detailed)
		return st == TXN_OK ? EXIT_OK
		     : untouched ? EXIT_APPLY_BAD_INPUT
		     : t->revert_failed ? EXIT_APPLY_REVERT_FAILED
		     : EXIT_APPLY_FAILED;
	if (st == TXN_OK)
		return changed ? EXIT_DETAILED_CHANGED : EXIT_OK;
	return changed ? EXIT_DETAILED_CHANGED_FAILED : EXIT_DETAILED_FAILED;
}

/*
 * apply --confirm could not leave its reverting process: the change was
 * asked for only with a way back, so take it back now.
 */
static enum txn_stage confirm_unarmed(struct txn *t, struct err *e)
{
	struct txn rb = { .state_dir = t->state_dir, .command = "rollback" };
	struct err re = { 0 };
	char which[16];

	snprintf(which, sizeof(which), "%u", t->snap.id);
	rb.snapshot = rb.profile_path = which;
	pt_error("%s: --confirm: %s", t->command, e->msg);
	if (txn_run(&rb, &re) == TXN_OK) {
		err_set(e, -ECHILD, "no automatic rollback possible; rolled "
			"back snapshot %u now", t->snap.id);
	} else {
		err_set(e, -ECHILD, "no automatic rollback possible, and "
			"rolling back failed too (%s): restore with porttune "
			"rollback %u", re.msg, t->snap.id);
		t->revert_failed = true;
	}
	txn_free(&rb);
	return TXN_FAILED;
}

/* apply's guard, under the transaction's lock (see confirm_guard) */
static int one_confirm_at_a_time(const struct txn *t, struct err *err)
{
	int rc = confirm_guard(&t->st, t->confirm_secs, t->profile_path, err);

	return rc ? err_prefix(err, "%s", t->command) : 0;
}

int txn_command(struct txn *t, enum format fmt, bool detailed)
{
	struct err e = { 0 };
	enum txn_stage st = txn_run(t, &e);
	const char *result;
	int code;

	/* udev adds devices in bursts (and at boot, beside the unit): a
	 * hotplug apply waits its turn instead of losing the device */
	for (int i = 0; t->nifaces && st == TXN_BAD_INPUT && e.code == -EBUSY &&
	     !t->loaded && !t->guarded && i < HOTPLUG_LOCK_TRIES; i++) {
		struct timespec ts = { 0, 50000000L };

		nanosleep(&ts, NULL);
		memset(&e, 0, sizeof(e));
		st = txn_run(t, &e);
	}

	if (st == TXN_OK && t->boot_check) {
		struct err be = { 0 };

		if (boot_conflicts_find(t->root, &t->prof, &t->conflicts, &be))
			pt_error("%s: boot-time sysctl files: %s", t->command,
				 be.msg);
	}
	if (t->confirm_secs && !t->dry_run) {
		if (st == TXN_OK && t->snapshot_written && !t->failed) {
			int rc = confirm_start(t, &e);

			if (rc > 0) {	/* the detached child, done */
				boot_conflicts_free(&t->conflicts);
				return EXIT_OK;
			}
			if (rc)		/* no safety net: do not leave it */
				st = confirm_unarmed(t, &e);
		}
		confirm_release(t->state_dir);	/* unless the child has it */
	}
	result = st == TXN_OK ? "ok" : st == TXN_BAD_INPUT ? "invalid"
	       : t->revert_failed ? "revert-failed" : "failed";
	code = exit_code(t, st, detailed);

	/* said first: it explains what rollback targets, or why apply stops */
	if (t->snapshot && t->target.interrupted)
		pt_error("snapshot %u: undoing an interrupted %s",
			 t->target.meta.id, t->target.meta.command);
	else if (t->interrupted && !(st == TXN_BAD_INPUT && e.code == -EBUSY))
		warn_interrupted(t->interrupted);

	if (fmt == FMT_JSON) {
		json_emit(stdout, report_json(t, &e, result));
	} else {
		if (t->planned)
			plan_print_text(stdout, &t->plan, t->dry_run
					? VIEW_DRY_RUN : VIEW_APPLY);
		if (st == TXN_OK)
			summary(stdout, t);
	}
	profile_print_diags(&t->prof);
	plan_print_diags(&t->plan);
	conflicts_print(&t->conflicts);
	if (st == TXN_FAILED && t->failed) {
		size_t rev = plan_count(&t->plan, CS_REVERTED);

		pt_error("%s failed: %s", t->command, e.msg);
		if (t->revert_failed)
			pt_error("revert FAILED: some changes remain; restore "
				 "with: porttune rollback %u", t->snap.id);
		else
			pt_error("reverted %zu change%s: the host is as it was",
				 rev, rev == 1 ? "" : "s");
	} else if (st != TXN_OK && e.msg[0] &&
		   !(t->prof.nerrors && st == TXN_BAD_INPUT && !t->planned)) {
		pt_error("%s", e.msg);
	}
	boot_conflicts_free(&t->conflicts);
	txn_free(t);
	return finish_stdout(code);
}

bool txn_option(int c, struct txn *t, struct txn_cli *o)
{
	switch (c) {
	case 'n':
		t->dry_run = true;
		return true;
	case 'd':
		o->detailed = true;
		return true;
	case 'H':
		t->allow_host_wide = true;
		return true;
	case 'f':
		if (format_parse(optarg, false, &o->fmt)) {
			pt_error("%s: --format: '%s' is not text or json",
				 t->command, optarg);
			o->bad = true;
		}
		return true;
	}
	return false;
}

int txn_usage_error(const struct txn_cli *o, const struct gopts *g)
{
	cmd_usage(stderr, g);
	/* Puppet reads 2 as "changed": a usage error must say "failed" */
	return o->detailed ? EXIT_DETAILED_FAILED : EXIT_APPLY_BAD_INPUT;
}

int cmd_apply(int argc, char **argv, const struct gopts *g)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "strict", no_argument, NULL, 'S' },
		{ "interface", required_argument, NULL, 'i' },
		{ "confirm", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "detailed-exitcodes", no_argument, NULL, 'd' },
		{ "allow-host-wide", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct txn t = { .state_dir = g->state_dir, .command = "apply",
			 .root = g->root };
	struct txn_cli o = { .fmt = FMT_TEXT };
	char buf[PATH_MAX], *end, **ifs = NULL;
	unsigned long secs;
	int c, code;

	while ((c = getopt_long(argc, argv, "p:ni:f:h", opts, NULL)) != -1) {
		if (txn_option(c, &t, &o))
			continue;
		if (c == 'p') {
			t.profile_path = optarg;
		} else if (c == 'S') {
			t.strict = true;
		} else if (c == 'i') {
			ifs = realloc(ifs, (t.nifaces + 1) * sizeof(*ifs));
			if (!ifs)
				abort();
			ifs[t.nifaces++] = optarg;
		} else if (c == 'c') {
			secs = strtoul(optarg, &end, 10);
			if (end == optarg || *end || !secs || secs > CONFIRM_MAX) {
				pt_error("apply: --confirm: '%s' is not a number "
					 "of seconds (1-%d)", optarg,
					 CONFIRM_MAX);
				o.bad = true;
			}
			t.confirm_secs = (unsigned)secs;
		} else if (c == 'h') {
			free(ifs);
			cmd_usage(stdout, g);
			return finish_stdout(EXIT_OK);
		} else {
			o.bad = true;
		}
	}
	t.ifaces = ifs;
	/* decided after every option: --detailed-exitcodes may come last */
	if (o.bad || !t.profile_path || optind < argc) {
		free(ifs);
		return txn_usage_error(&o, g);
	}
	t.profile_path = rooted(g, t.profile_path, buf, sizeof(buf));
	/* the hotplug path changes no sysctls: no boot conflict to name */
	t.boot_check = !t.nifaces;
	/*
	 * One change awaits confirmation at a time. A hotplug apply
	 * (--interface, no --confirm) still runs: the new device is not in
	 * the pending snapshot, and udev must not lose it.
	 */
	if (!t.nifaces || t.confirm_secs)
		t.guard = one_confirm_at_a_time;
	code = txn_command(&t, o.fmt, o.detailed);
	free(ifs);
	return code;
}
