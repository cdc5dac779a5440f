// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune apply: make the host match a profile, as one transaction. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "output.h"
#include "txn.h"

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
	bool changed = plan_count(&t->plan, CS_CHANGED) > 0;

	/* failed before any change (the snapshot could not be written):
	 * "nothing done", as porttune(8) promises */
	bool untouched = st == TXN_BAD_INPUT || (st == TXN_FAILED && !t->failed);

	if (!detailed)
		return st == TXN_OK ? EXIT_OK
		     : untouched ? EXIT_APPLY_BAD_INPUT
		     : t->revert_failed ? EXIT_APPLY_REVERT_FAILED
		     : EXIT_APPLY_FAILED;
	if (st == TXN_OK)
		return changed && !t->dry_run ? EXIT_DETAILED_CHANGED : EXIT_OK;
	return changed ? EXIT_DETAILED_CHANGED_FAILED : EXIT_DETAILED_FAILED;
}

int txn_command(struct txn *t, enum format fmt, bool detailed)
{
	struct err e = { 0 };
	enum txn_stage st = txn_run(t, &e);
	const char *result = st == TXN_OK ? "ok"
			   : st == TXN_BAD_INPUT ? "invalid"
			   : t->revert_failed ? "revert-failed" : "failed";
	int code = exit_code(t, st, detailed);

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
	if (st == TXN_FAILED && t->failed) {
		size_t rev = plan_count(&t->plan, CS_REVERTED);

		pt_error("%s failed: %s", t->command, e.msg);
		if (t->revert_failed)
			pt_error("revert FAILED: some changes remain; restore "
				 "with: porttune rollback %u", t->snap.id);
		else
			pt_error("reverted %zu change%s: the host is as it was",
				 rev, rev == 1 ? "" : "s");
	} else if (st != TXN_OK && !(t->prof.nerrors && st == TXN_BAD_INPUT &&
				     !t->planned)) {
		pt_error("%s", e.msg);
	}
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

int txn_usage_error(const struct txn_cli *o, void (*usage)(FILE *f))
{
	usage(stderr);
	/* Puppet reads 2 as "changed": a usage error must say "failed" */
	return o->detailed ? EXIT_DETAILED_FAILED : EXIT_APPLY_BAD_INPUT;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: porttune apply --profile FILE [--dry-run] "
		"[--strict] [--format text|json] [--detailed-exitcodes]\n");
}

int cmd_apply(int argc, char **argv, const struct gopts *g)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "strict", no_argument, NULL, 'S' },
		{ "format", required_argument, NULL, 'f' },
		{ "detailed-exitcodes", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct txn t = { .state_dir = g->state_dir, .command = "apply" };
	struct txn_cli o = { .fmt = FMT_TEXT };
	int c;

	while ((c = getopt_long(argc, argv, "p:nf:h", opts, NULL)) != -1) {
		if (txn_option(c, &t, &o))
			continue;
		if (c == 'p') {
			t.profile_path = optarg;
		} else if (c == 'S') {
			t.strict = true;
		} else if (c == 'h') {
			usage(stdout);
			return finish_stdout(EXIT_OK);
		} else {
			o.bad = true;
		}
	}
	/* decided after every option: --detailed-exitcodes may come last */
	if (o.bad || !t.profile_path || optind < argc)
		return txn_usage_error(&o, usage);
	return txn_command(&t, o.fmt, o.detailed);
}
