/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_SNAPSHOT_H
#define PORTTUNE_SNAPSHOT_H

#include <limits.h>
#include <stddef.h>

#include "err.h"
#include "plan.h"

#define SNAPSHOT_KEEP 50	/* generations kept; older ones are pruned */
#define SNAPSHOT_ID_MAX 999999999u	/* file names "%06u.ini" up to 9 digits */

struct snap_meta {
	unsigned id;
	char created[32];	/* UTC, ISO 8601 */
	char command[16];	/* apply | rollback */
	char source[512];	/* the profile or snapshot that was applied */
	char host[256];
	char kernel[128];
};

struct snap_info {
	struct snap_meta meta;
	size_t nsettings;
	char path[PATH_MAX];
};

/*
 * The snapshot of a plan: a profile holding the `before` value of every
 * pending change, plus [snapshot] metadata. Pure; *text is malloc'd.
 */
int snapshot_render(const struct plan *plan, const struct snap_meta *m,
		    char **text, struct err *err);

/* Fill host, kernel and the current time. */
void snapshot_meta_now(struct snap_meta *m, const char *command,
		       const char *source);

/* Write atomically into DIR/snapshots as the next generation; m->id set. */
int snapshot_write(const char *state_dir, const struct plan *plan,
		   struct snap_meta *m, char *path, size_t pathlen,
		   struct err *err);

/*
 * What `snapshots list` shows of one snapshot file's text (id from its
 * name): metadata and the number of settings. Pure. -EINVAL and command
 * "damaged" unless it is complete: [snapshot] with this id and a known
 * command, no error, at least one setting.
 */
int snapshot_parse(const char *text, unsigned id, struct snap_info *si);

/* All snapshots, oldest first. */
int snapshot_list(const char *state_dir, struct snap_info **v, size_t *n,
		  struct err *err);

/* "latest" (the newest written by apply) or an id -> file path. */
int snapshot_find(const char *state_dir, const char *which, char *path,
		  size_t pathlen, struct err *err);

/* One apply or rollback at a time: an flock on DIR/lock. */
int state_lock(const char *state_dir, int *fd, struct err *err);

#endif
