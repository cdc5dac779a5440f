/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_STATEDIR_H
#define PORTTUNE_STATEDIR_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "netns.h"

/*
 * The state directory is a trust boundary: whoever can write it decides
 * what rollback writes as root. It is opened once, checked on the open
 * descriptor, and everything below works relative to that descriptor, so
 * no rename between a check and a use can swap what was checked.
 */
/* A staged file made durable under its final name (state_seal). */
struct state_seal {
	pthread_t thread;
	bool running;		/* the thread is to be joined */
	bool own_stack;		/* it runs on the seal stack (statedir.c) */
	bool moved;		/* this thread left the disk's CPUs: */
	cpu_set_t was;		/* its CPUs before */
	bool open;		/* a result is still to be collected */
	int fd;			/* the staged file; the seal closes it */
	char staged[32], name[32];
	char **drop;		/* removed once sealed (malloc'd names) */
	size_t ndrop;
	int rc;			/* -errno of the step that failed */
	const char *step;
};

struct state {
	const char *path;	/* as given, for messages only */
	int dfd;		/* the directory; -1: it does not exist yet */
	int sfd;		/* its snapshots/; -1: none yet */
	struct netns_id ns;	/* the namespace this process runs in */
	bool locked;		/* this process holds DIR/lock */
	/* every entry of snapshots/ was checked under the lock: the
	 * directory being ours alone, later walks need not check again */
	bool entries_checked;
	struct state_seal seal;
};

/*
 * Open and check DIR and DIR/snapshots: directories (no symbolic link),
 * owned by the effective user, writable by no one else. With `create`
 * both are made (0700) when missing; without, a missing one is no state
 * (fd -1). Refusals are -EPERM with "DIR: reason; not safe for porttune
 * state".
 */
int state_open(struct state *st, const char *dir, bool create,
	       struct err *err);
/* Waits for a seal still running (state_seal_wait), then closes. */
void state_close(struct state *st);

/* One apply or rollback at a time: an flock on DIR/lock. */
int state_lock(struct state *st, int *fd, struct err *err);

/* Does another process hold the lock (an apply or rollback running)? */
bool state_busy(const struct state *st);

/* An entry of snapshots/ (fstatat, no link followed) must be a regular
 * file owned by the user and writable by no one else; *size (if asked)
 * is its size, -1 when it vanished meanwhile. */
int state_check_entry(const struct state *st, int dirfd, const char *name,
		      off_t *size, struct err *err);

/*
 * Read snapshots/NAME, a regular file owned by the user and writable by
 * no one else (malloc'd, NUL-terminated). -ENOENT when absent.
 */
int state_read(const struct state *st, const char *name, char **text,
	       struct err *err);
/* Its first len - 1 bytes at most, NUL-terminated in buf, under the same
 * checks. */
int state_read_head(const struct state *st, const char *name, char *buf,
		    size_t len, struct err *err);

/*
 * A generation pruned by the last seal, under snapshots/: the next
 * snapshot is written over it (state_write_tmp with spare) rather than into
 * a new file, so the disk neither allocates blocks for it nor discards
 * the old ones. Readers skip it like every dot file.
 */
#define SPARE_NAME ".spare"

/*
 * Writing under snapshots/: TEXT in a new temporary file (its name in
 * tmp), or with spare in the spare renamed to tmp when there is one fit
 * for it (regular, ours, no other link), not synced, *fd left open for
 * the fsync; then state_commit_tmp()
 * renames it to NAME given its fsync's result (sync_rc), or removes it.
 * state_write() is both with the fsync between. The rename is durable
 * once the directory is synced: state_seal() does that.
 */
int state_write_tmp(const struct state *st, const char *text, bool spare,
		    char *tmp, size_t tmplen, int *fd, struct err *err);
int state_commit_tmp(const struct state *st, const char *tmp, int fd,
		     int sync_rc, const char *name, struct err *err);
int state_write(const struct state *st, const char *name, const char *text,
		struct err *err);

/*
 * The file `staged` under snapshots/ (open as fd, its text complete in the
 * page cache) also becomes NAME, durably: fsync, a hard link, fsync of the
 * directory: NAME never names a file the disk does not hold whole. This
 * runs on a thread of its own (without one, right here), so a caller can
 * go on meanwhile; state_seal_wait() collects the result. fd is the
 * seal's to close. Once sealed, the files named in drop[0..ndrop) under
 * snapshots/ go too (pruned generations): the first becomes SPARE_NAME, the
 * others are removed (on a disk mounted with discard, freeing blocks takes
 * longer than the changes); the array and its names (malloc'd) are the
 * seal's to free.
 */
int state_seal(struct state *st, int fd, const char *staged, const char *name,
	       char **drop, size_t ndrop, struct err *err);
/* 0 once the seal completed (or none was started); else -errno naming
 * the step, reported once. */
int state_seal_wait(struct state *st, struct err *err);

#endif
