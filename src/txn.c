// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostwide.h"
#include "txn.h"

/* rollback: the snapshot asked for, from this namespace only. */
static enum txn_stage find_snapshot(struct txn *t, struct err *err)
{
	char was[300], here[300];

	if (snapshot_find(&t->st, t->snapshot, &t->target, err))
		return TXN_BAD_INPUT;
	snprintf(t->source, sizeof(t->source), "%s", t->target.path);
	t->profile_path = t->source;
	if (t->target.here)
		return TXN_OK;
	netns_describe(&t->target.meta.ns, was, sizeof(was));
	netns_describe(&t->st.ns, here, sizeof(here));
	err_set(err, -EXDEV, "snapshot %s was taken in network namespace %s%s, "
		"this is %s; refusing to restore it here",
		t->target.baseline ? "baseline" : t->snapshot, was,
		t->target.meta.ns.ino && strcmp(t->target.meta.ns.boot_id,
						t->st.ns.boot_id)
		? " during an earlier boot" : "", here);
	t->foreign = true;
	return TXN_FAILED;
}

/* apply: not over an interrupted transaction, whose original state the
 * new snapshot would lose. */
static enum txn_stage check_interrupted(struct txn *t, struct err *err)
{
	/* under the lock, snapshot_clean() found it already */
	if (!t->st.locked &&
	    snapshot_check_interrupted(&t->st, &t->interrupted, err))
		return TXN_BAD_INPUT;
	if (!t->interrupted || t->dry_run || t->snapshot)
		return TXN_OK;
	err_set(err, -EBUSY, "snapshot %u: an earlier %s was interrupted; "
		"undo it with 'porttune rollback', or keep the host as it is "
		"with 'porttune snapshots ack %u'; nothing was changed",
		t->interrupted, "apply or rollback", t->interrupted);
	return TXN_BAD_INPUT;
}

/* The changes failed and were reverted (as far as the revert went). */
static enum txn_stage undone(struct txn *t)
{
	t->failed = true;
	for (size_t i = 0; i < t->plan.n; i++)
		t->revert_failed |= t->plan.v[i].touched;
	/* all undone: the snapshot describes nothing in effect, and
	 * "rollback latest" must reach the apply before this one. Otherwise
	 * it stays marked as interrupted: the host is not as it was. */
	if (!t->revert_failed) {
		snapshot_discard(&t->st, t->snap.id);
		t->snapshot_written = false;
	}
	return TXN_FAILED;
}

static enum txn_stage run_locked(struct txn *t, struct err *err)
{
	enum txn_stage st;
	size_t bad;

	st = check_interrupted(t, err);
	if (st == TXN_OK && t->snapshot)
		st = find_snapshot(t, err);
	if (st != TXN_OK)
		return st;
	if (t->snapshot ? snapshot_load(&t->st, &t->target, &t->prof, err)
			: profile_load(&t->prof, t->profile_path, err))
		return TXN_BAD_INPUT;
	t->prof.only_ifs = t->ifaces;
	t->prof.nonly_ifs = t->nifaces;
	t->loaded = true;
	if (plan_build(&t->prof, &t->plan, err))
		return TXN_BAD_INPUT;
	t->planned = true;
	hostwide_guard(&t->plan, t->allow_host_wide);
	bad = plan_count(&t->plan, CS_INVALID);
	if (t->strict)
		bad += plan_count(&t->plan, CS_UNSUPPORTED);
	if (bad) {
		err_set(err, -EINVAL, "%zu setting%s cannot be applied; "
			"nothing was changed", bad, bad == 1 ? "" : "s");
		return TXN_BAD_INPUT;
	}
	if (t->dry_run)
		return TXN_OK;
	if (plan_count(&t->plan, CS_PENDING)) {
		snapshot_meta_now(&t->snap, t->command, t->profile_path);
		if (snapshot_write(&t->st, &t->plan, &t->snap, t->snap_path,
				   sizeof(t->snap_path), err)) {
			err_prefix(err, "nothing was changed");
			return TXN_FAILED;
		}
		t->snapshot_written = true;
		if (plan_apply(&t->plan, err))
			return undone(t);
		/* a snapshot the disk could not keep undoes the changes */
		if (state_seal_wait(&t->st, err)) {
			err_prefix(err, "snapshot %u not saved", t->snap.id);
			plan_revert(&t->plan);
			return undone(t);
		}
		if (snapshot_done(&t->st, t->snap.id, err))
			return TXN_FAILED;
	}
	/* the interrupted transaction and all after it are undone */
	if (t->snapshot && t->target.interrupted)
		return snapshot_ack(&t->st, t->target.meta.id, err)
			? TXN_FAILED : TXN_OK;
	return TXN_OK;
}

enum txn_stage txn_run(struct txn *t, struct err *err)
{
	enum txn_stage st = TXN_OK;
	int fd = -1;

	if (state_open(&t->st, t->state_dir, !t->dry_run, err))
		return TXN_BAD_INPUT;
	if (!t->dry_run) {
		if (state_lock(&t->st, &fd, err))
			return TXN_BAD_INPUT;
		if (snapshot_clean(&t->st, &t->interrupted, err))
			st = TXN_BAD_INPUT;
		else if ((t->guarded = t->guard && t->guard(t, err)))
			st = TXN_BAD_INPUT;
	}
	if (st == TXN_OK)
		st = run_locked(t, err);
	if (fd >= 0)
		close(fd);
	return st;
}

void txn_free(struct txn *t)
{
	profile_free(&t->prof);
	plan_free(&t->plan);
	state_close(&t->st);
}
