// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune snapshots [list [--all] | show SNAPSHOT | ack ID] */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "confirm.h"

/* apply --confirm: the snapshot that is rolled back unless confirmed */
static void list_pending(const struct gopts *g)
{
	struct confirm_rec r;
	char when[32];

	if (confirm_read(g->state_dir, &r, NULL))
		return;
	confirm_time(r.deadline, when, sizeof(when));
	printf("pending: snapshot %u is rolled back at %s unless porttune "
	       "confirm runs first (%s)\n", r.snapshot, when, r.state);
}

/* The state directory is refused whole, before anything in it is read. */
static int open_state(const struct gopts *g, struct state *st)
{
	struct err e = { 0 };

	if (!state_open(st, g->state_dir, false, &e))
		return 0;
	pt_error("snapshots: %s", e.msg);
	return EXIT_APPLY_BAD_INPUT;
}

static void print_ns(const struct snap_info *si, const struct state *st,
		     char *buf, size_t len)
{
	const struct netns_id *ns = &si->meta.ns;

	if (si->damaged)
		snprintf(buf, len, "?");
	else if (!ns->ino)
		snprintf(buf, len, "unrecorded");
	else if (!ns->initial && strcmp(ns->boot_id, st->ns.boot_id))
		snprintf(buf, len, "%llu,earlier-boot", ns->ino);
	else if (ns->initial)
		snprintf(buf, len, "host");
	else
		snprintf(buf, len, "%s%s%llu", ns->name, ns->name[0] ? ":" : "",
			 ns->ino);
}

static int list(const struct gopts *g, bool all)
{
	struct snap_info *v;
	struct err e = { 0 };
	struct state st;
	size_t n, shown = 0;
	char id[16], ns[300];
	int rc = open_state(g, &st);

	if (rc)
		return rc;
	if (snapshot_list(&st, &v, &n, &e)) {
		pt_error("snapshots: %s", e.msg);
		state_close(&st);
		return EXIT_APPLY_BAD_INPUT;
	}
	for (size_t i = 0; i < n; i++) {
		/* a damaged one has no namespace: always shown */
		if (!all && !v[i].here && !v[i].damaged)
			continue;
		if (!shown++)
			printf("%-8s  %-20s  %-8s  %-11s  %8s  %-16s  %s\n",
			       "ID", "CREATED", "COMMAND", "STATUS",
			       "SETTINGS", "NETNS", "SOURCE");
		if (v[i].baseline)
			snprintf(id, sizeof(id), "baseline");
		else
			snprintf(id, sizeof(id), "%u", v[i].meta.id);
		print_ns(&v[i], &st, ns, sizeof(ns));
		printf("%-8s  %-20s  %-8s  %-11s  %8zu  %-16s  %s\n", id,
		       v[i].meta.created, v[i].meta.command,
		       v[i].damaged ? "damaged"
		       : v[i].interrupted ? "INTERRUPTED"
		       : v[i].running ? "running" : "complete",
		       v[i].nsettings, ns, v[i].meta.source);
	}
	if (!shown)
		printf("no snapshots%s in %s/snapshots%s\n",
		       all ? "" : " of this network namespace", g->state_dir,
		       all || !n ? "" : " (--all shows the others)");
	if (snapshot_interrupted(v, n))
		warn_interrupted(snapshot_interrupted(v, n));
	free(v);
	state_close(&st);
	list_pending(g);
	return finish_stdout(0);
}

static int show(const struct gopts *g, const char *which)
{
	struct snap_info si;
	struct err e = { 0 };
	struct state st;
	char *text = NULL;
	int rc = open_state(g, &st);

	if (rc)
		return rc;
	rc = snapshot_find(&st, which, &si, &e);
	if (!rc)
		rc = state_read(&st, si.name, &text, &e);
	if (rc) {
		pt_error("snapshots: %s", e.msg);
		state_close(&st);
		return rc == -EPERM ? EXIT_APPLY_BAD_INPUT : 1;
	}
	fputs(text, stdout);
	free(text);
	state_close(&st);
	return finish_stdout(0);
}

static int ack(const struct gopts *g, const char *arg)
{
	struct err e = { 0 };
	struct state st;
	char *end;
	unsigned long id = strtoul(arg, &end, 10);
	int fd = -1, rc;

	if (end == arg || *end || !id || id > SNAPSHOT_ID_MAX) {
		pt_error("snapshots: ack: %s: not a snapshot id", arg);
		return EXIT_USAGE;
	}
	rc = open_state(g, &st);
	if (rc)
		return rc;
	rc = st.dfd < 0 ? err_set(&e, -ENOENT, "%s: no state directory",
				  g->state_dir)
			: state_lock(&st, &fd, &e);
	if (!rc)
		rc = snapshot_ack(&st, (unsigned)id, &e);
	if (fd >= 0)
		close(fd);
	state_close(&st);
	if (rc) {
		pt_error("snapshots: ack: %s", e.msg);
		return rc == -EPERM ? EXIT_APPLY_BAD_INPUT : 1;
	}
	printf("snapshot %lu: accepted as it is; apply works again (porttune "
	       "rollback %lu still restores what it recorded)\n", id, id);
	return finish_stdout(0);
}

int cmd_snapshots(int argc, char **argv, const struct gopts *g)
{
	bool all = argc == 3 && !strcmp(argv[2], "--all");

	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list")) ||
	    (all && !strcmp(argv[1], "list")))
		return list(g, all);
	if (argc == 2 && !strcmp(argv[1], "--all"))
		return list(g, true);
	if (argc == 3 && !strcmp(argv[1], "show"))
		return show(g, argv[2]);
	if (argc == 3 && !strcmp(argv[1], "ack"))
		return ack(g, argv[2]);
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		cmd_usage(stdout, g);
		return finish_stdout(0);
	}
	cmd_usage(stderr, g);
	return 2;
}
