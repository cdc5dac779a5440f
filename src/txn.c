// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "hostwide.h"
#include "txn.h"

static enum txn_stage run_locked(struct txn *t, struct err *err)
{
	size_t bad;

	if (t->snapshot) {
		if (snapshot_find(t->state_dir, t->snapshot, t->source,
				  sizeof(t->source), err))
			return TXN_BAD_INPUT;
		t->profile_path = t->source;
	}
	if (profile_load(&t->prof, t->profile_path, err))
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
	if (t->dry_run || !plan_count(&t->plan, CS_PENDING))
		return TXN_OK;
	snapshot_meta_now(&t->snap, t->command, t->profile_path);
	if (snapshot_write(t->state_dir, &t->plan, &t->snap, t->snap_path,
			   sizeof(t->snap_path), err)) {
		err_prefix(err, "nothing was changed");
		return TXN_FAILED;
	}
	t->snapshot_written = true;
	if (plan_apply(&t->plan, err)) {
		t->failed = true;
		for (size_t i = 0; i < t->plan.n; i++)
			t->revert_failed |= t->plan.v[i].touched;
		/* all undone: the snapshot describes nothing in effect, and
		 * "rollback latest" must reach the apply before this one */
		if (!t->revert_failed && !unlink(t->snap_path))
			t->snapshot_written = false;
		return TXN_FAILED;
	}
	return TXN_OK;
}

enum txn_stage txn_run(struct txn *t, struct err *err)
{
	enum txn_stage st;
	int fd = -1;

	if (!t->dry_run && state_lock(t->state_dir, &fd, err))
		return TXN_BAD_INPUT;
	st = run_locked(t, err);
	if (fd >= 0)
		close(fd);
	return st;
}

void txn_free(struct txn *t)
{
	profile_free(&t->prof);
	plan_free(&t->plan);
}
