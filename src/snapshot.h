/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_SNAPSHOT_H
#define PORTTUNE_SNAPSHOT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "netns.h"
#include "plan.h"
#include "profile.h"
#include "statedir.h"

#define SNAPSHOT_KEEP 50	/* generations kept; older ones are pruned */
#define SNAPSHOT_ID_MAX 999999999u	/* file names "%06u.ini" up to 9 digits */

struct snap_meta {
	unsigned id;		/* 0: a baseline */
	char created[32];	/* UTC, ISO 8601 */
	char command[16];	/* apply | rollback | baseline */
	char source[512];	/* the profile or snapshot that was applied */
	char host[256];
	char kernel[128];
	struct netns_id ns;	/* where it was taken (set by snapshot_write) */
};

struct snap_info {
	struct snap_meta meta;
	size_t nsettings;
	bool baseline;		/* the values before porttune's first change */
	bool interrupted;	/* its apply or rollback never completed */
	bool running;		/* ... because it is running right now */
	bool damaged;		/* unreadable: listed, never skipped over */
	bool here;		/* taken in the namespace we run in */
	char name[64];		/* file name under snapshots/ */
	char path[PATH_MAX];	/* DIR/snapshots/NAME, for messages */
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

/*
 * Under the lock, before the first change: add what the plan changes for
 * the first time to this namespace's baseline, then write the snapshot as
 * the next generation (m->id, m->ns set), marked in progress until
 * snapshot_done(). Everything is atomic and relative to st's descriptors.
 * It is in place for every later command on return, and sealed (synced
 * to disk as NNNNNN.ini) meanwhile: snapshot_done() waits for that.
 */
int snapshot_write(struct state *st, const struct plan *plan,
		   struct snap_meta *m, char *path, size_t pathlen,
		   struct err *err);

/*
 * The check before writing without the parser, for plans whose keys,
 * devices and values are plain (as nearly all are): such lines read back
 * verbatim (a unit test holds this against the parser), so what remains
 * is what the loader's checks make of each one. true: the snapshot would
 * restore every pending change; false: not shown, read it back to know.
 */
bool snapshot_plain(const struct plan *plan);

/*
 * What `snapshots list` shows of one snapshot file's text (id from its
 * name): metadata and the number of settings. Pure. -EINVAL and command
 * "damaged" unless it is complete: [snapshot] with this id and a known
 * command, no error, at least one setting.
 */
int snapshot_parse(const char *text, unsigned id, struct snap_info *si);
/* The parsed snapshot `id` is whole: its id, a known command, a setting. */
bool snapshot_complete(const struct profile *p, unsigned id);

/* The transaction of snapshot `id` completed: wait for the seal (see
 * state_seal_wait), drop the in-progress mark. */
int snapshot_done(struct state *st, unsigned id, struct err *err);

/* A generation only in its mark (its writer was killed before the seal)
 * is sealed now; 0 when its .ini is there already. */
int snapshot_seal_mark(struct state *st, unsigned id, struct err *err);

/*
 * Interrupted snapshot `id` is dealt with (rolled back, or accepted by the
 * operator): drop its mark and those of later ones of its namespace.
 */
int snapshot_ack(struct state *st, unsigned id, struct err *err);

/*
 * Under the lock: remove temporary files; seal a snapshot a dead writer
 * left only in its mark; drop marks that stand for no interruption in
 * this boot (whose snapshot is gone, damaged, or of an earlier boot: a
 * reboot undid whatever that transaction had changed). *interrupted is
 * what snapshot_check_interrupted() would say then, found on the way;
 * the error is snapshot_ids()'s (a planted file refuses all).
 */
int snapshot_clean(struct state *st, unsigned *interrupted, struct err *err);

/* Everything it did was reverted: remove the snapshot altogether. */
void snapshot_discard(struct state *st, unsigned id);

/*
 * Every snapshot (baselines first, then generations oldest first), with
 * `here` telling the current namespace's. A missing directory is empty.
 */
int snapshot_list(const struct state *st, struct snap_info **v, size_t *n,
		  struct err *err);

/* The oldest interrupted snapshot of this namespace, 0 if none. */
unsigned snapshot_interrupted(const struct snap_info *v, size_t n);

/* The same from the directory, reading only the marked snapshots. */
int snapshot_check_interrupted(const struct state *st, unsigned *id,
			       struct err *err);

/*
 * "latest" (this namespace's oldest interrupted snapshot, else its newest
 * written by apply), "baseline" (this namespace's) or an id (any
 * namespace: the caller decides) -> *si.
 */
int snapshot_find(const struct state *st, const char *which,
		  struct snap_info *si, struct err *err);

/* Read a found snapshot as a snapshot (trusted: it comes from st). */
int snapshot_load(const struct state *st, const struct snap_info *si,
		  struct profile *p, struct err *err);

/* Shared by snapshot.c and snapshot_list.c. */
struct snap_ids {
	unsigned *gen;		/* NNNNNN.ini, or staged, ascending */
	size_t ngen;
	unsigned *pending;	/* NNNNNN.pending: in progress or interrupted */
	size_t npending;
	unsigned *staged;	/* generations only in their mark (not yet
				 * sealed, or killed before that), ascending */
	size_t nstaged;
	char **base;		/* baseline-*.ini */
	size_t nbase;
};

int snapshot_ids(const struct state *st, struct snap_ids *ids,
		 struct err *err);
/* The same walk; under the lock (drop_tmp) it also removes the temporary
 * files of writers that died (no live writer owns one then). */
int snapshot_scan(const struct state *st, struct snap_ids *ids, bool drop_tmp,
		  struct err *err);
bool snapshot_ids_pending(const struct snap_ids *ids, unsigned id);
bool snapshot_ids_staged(const struct snap_ids *ids, unsigned id);
/* The file that holds generation id: its .ini, or its mark if staged. */
void snapshot_gen_name(const struct snap_ids *ids, unsigned id, char *buf,
		       size_t len);
void snapshot_ids_free(struct snap_ids *ids);
/* The file holding ns's baseline: baseline-host.ini or baseline-INO.ini. */
void snapshot_baseline_name(const struct netns_id *ns, char *buf, size_t len);
/* [snapshot] metadata -> m; false when it records no namespace. */
bool snapshot_meta_from(const struct profile *p, struct snap_meta *m);

#endif
