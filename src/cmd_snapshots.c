// SPDX-License-Identifier: GPL-2.0-or-later
/* porttune snapshots [list | show ID] */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

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

static int list(const struct gopts *g)
{
	struct snap_info *v;
	struct err e = { 0 };
	size_t n;

	if (snapshot_list(g->state_dir, &v, &n, &e)) {
		pt_error("snapshots: %s", e.msg);
		return 1;
	}
	if (!n)
		printf("no snapshots in %s/snapshots\n", g->state_dir);
	else
		printf("%-6s  %-20s  %-8s  %8s  %s\n", "ID", "CREATED",
		       "COMMAND", "SETTINGS", "SOURCE");
	for (size_t i = 0; i < n; i++)
		printf("%-6u  %-20s  %-8s  %8zu  %s\n", v[i].meta.id,
		       v[i].meta.created, v[i].meta.command, v[i].nsettings,
		       v[i].meta.source);
	free(v);
	list_pending(g);
	return finish_stdout(0);
}

static int show(const struct gopts *g, const char *which)
{
	char path[PATH_MAX], buf[4096];
	struct err e = { 0 };
	size_t n;
	FILE *f;

	if (snapshot_find(g->state_dir, which, path, sizeof(path), &e)) {
		pt_error("snapshots: %s", e.msg);
		return 1;
	}
	f = fopen(path, "re");
	if (!f) {
		pt_error("snapshots: %s: %s", path, strerror(errno));
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return finish_stdout(0);
}

int cmd_snapshots(int argc, char **argv, const struct gopts *g)
{
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list")))
		return list(g);
	if (argc == 3 && !strcmp(argv[1], "show"))
		return show(g, argv[2]);
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: porttune snapshots [list | show SNAPSHOT]\n");
		return finish_stdout(0);
	}
	fprintf(stderr, "usage: porttune snapshots [list | show SNAPSHOT]\n");
	return 2;
}
