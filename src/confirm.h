/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_CONFIRM_H
#define PORTTUNE_CONFIRM_H

#include <limits.h>
#include <stdbool.h>

#include "err.h"
#include "txn.h"

/*
 * apply --confirm: STATE/confirm.pending records a change awaiting
 * `porttune confirm`; a detached child of the apply rolls its snapshot
 * back at the deadline unless the record is gone by then.
 */

/* The record's name in the state directory. */
#define CONFIRM_PENDING "confirm.pending"

struct confirm_rec {
	char state[16];		/* reserved | waiting | reverting */
	unsigned snapshot;
	long long deadline;	/* epoch seconds */
	long pid;		/* the process that owns the record */
	char token[40];
	char boot_id[40];
	char netns[64];		/* "net:[4026531840]" */
	char created[32];
	char profile[512];
};

/*
 * 0 and *r filled when a confirm is pending; 1 when none is (a record
 * whose owner died, or from an earlier boot, is dropped); -errno.
 */
int confirm_read(const char *state_dir, struct confirm_rec *r, struct err *err);

/*
 * Under the lock of st (the apply's own, taken once): refuse (-EBUSY,
 * message naming the pending snapshot) when a confirm is pending. With
 * reserve, hold the place for this apply until confirm_start or
 * confirm_release.
 */
int confirm_guard(const struct state *st, bool reserve, const char *profile,
		  struct err *err);
void confirm_release(const char *state_dir);

/*
 * After a successful apply with t->confirm_secs: record the deadline and
 * fork the detached child. Returns 0 in the apply (t->confirm_deadline
 * set), 1 in the child once it is done (it freed t; return at once),
 * -errno on failure.
 */
int confirm_start(struct txn *t, struct err *err);

/* porttune confirm: drop the record; 1 when nothing was pending. */
int confirm_cancel(const char *state_dir, struct confirm_rec *r,
		   struct err *err);

/* The last line of STATE/confirm.log (what the last child did), or "". */
void confirm_last_outcome(const char *state_dir, char *buf, size_t len);

/* "2026-11-21T12:00:05Z" */
void confirm_time(long long t, char *buf, size_t len);

#endif
