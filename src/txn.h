/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_TXN_H
#define PORTTUNE_TXN_H

#include <limits.h>
#include <stdbool.h>

#include "plan.h"
#include "profile.h"
#include "snapshot.h"
#include "sysctld.h"
#include "statedir.h"

/* apply and rollback are the same transaction over a different profile. */
struct txn {
	/* in */
	const char *state_dir;
	const char *profile_path;
	const char *snapshot;	/* rollback: "latest" or an id, found under
				   the lock into profile_path */
	const char *command;	/* "apply" or "rollback", recorded in snapshots */
	bool dry_run;
	bool strict;		/* unsupported settings count as failures */
	bool allow_host_wide;	/* in a netns, write host-wide keys too */
	char *const *ifaces;	/* apply --interface: only these, no sysctls */
	size_t nifaces;
	const char *root;	/* --root, for the boot-time conflict check */
	bool boot_check;	/* apply: name sysctl.d files undoing the profile */
	unsigned confirm_secs;	/* apply --confirm: revert unless confirmed */
	/* checked under the lock before anything else (apply: no confirm
	 * pending); nonzero refuses the transaction as bad input */
	int (*guard)(const struct txn *t, struct err *err);
	/* out */
	struct state st;	/* the state directory, open while t lives */
	struct snap_info target;/* rollback: the snapshot restored */
	unsigned interrupted;	/* an interrupted snapshot of this netns */
	bool foreign;		/* rollback refused: another namespace's */
	bool guarded;		/* refused by guard */
	struct profile prof;
	struct plan plan;
	bool loaded;		/* prof is valid */
	bool planned;		/* plan is valid */
	bool snapshot_written;
	struct snap_meta snap;
	char snap_path[PATH_MAX];
	char source[PATH_MAX];	/* the snapshot rollback applies */
	bool failed;		/* a change failed (and what was done reverted) */
	bool revert_failed;	/* ... and the revert did not fully work */
	struct boot_conflicts conflicts;
	long long confirm_deadline;	/* epoch seconds; 0: nothing pending */
};

enum txn_stage { TXN_OK, TXN_BAD_INPUT, TXN_FAILED };

/*
 * open state -> lock -> [guard] -> [refuse over an interrupted apply] -> load profile -> plan -> [dry run stops here] -> snapshot ->
 * apply -> verify, reverting on failure. Returns the stage reached and
 * fills err for anything but TXN_OK.
 */
enum txn_stage txn_run(struct txn *t, struct err *err);
void txn_free(struct txn *t);

#endif
