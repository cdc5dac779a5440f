// SPDX-License-Identifier: GPL-2.0-or-later
/* Finding snapshots: generations, baselines, interrupted transactions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snapshot.h"

int snapshot_load(const struct state *st, const struct snap_info *si,
		  struct profile *p, struct err *err)
{
	char *text;
	int rc = state_read(st, si->name, &text, err);

	memset(p, 0, sizeof(*p));
	if (rc == -ENOENT)
		return err_set(err, rc, "%s: no such snapshot", si->path);
	if (rc)
		return rc;
	/* from the checked state directory: a snapshot, whatever it says */
	rc = profile_parse_as(p, PROFILE_SNAPSHOT, si->path, text, NULL, NULL,
			      err);
	free(text);
	return rc;
}

/* -ENOENT when the file is gone (pruned meanwhile), -EPERM when refused. */
static int fill_info(const struct state *st, struct snap_info *si,
		     const char *name, unsigned id, bool baseline,
		     struct err *err)
{
	struct profile p;
	int rc;

	memset(si, 0, sizeof(*si));
	si->meta.id = id;
	si->baseline = baseline;
	snprintf(si->name, sizeof(si->name), "%s", name);
	snprintf(si->path, sizeof(si->path), "%s/snapshots/%s", st->path, name);
	rc = snapshot_load(st, si, &p, err);
	/* a file someone else could have written is not shown as ours */
	if (rc == -EPERM || rc == -ENOENT) {
		profile_free(&p);
		return rc;
	}
	if (rc || !snapshot_meta_from(&p, &si->meta))
		si->damaged = rc != 0;
	/* cut short (empty, header only, metadata only) is damaged too: every
	 * snapshot written holds its id, its command and a setting */
	if (!rc && !si->baseline)
		si->damaged |= !snapshot_complete(&p, id);
	si->here = !si->damaged && netns_same(&si->meta.ns, &st->ns);
	if (si->damaged)
		snprintf(si->meta.command, sizeof(si->meta.command), "damaged");
	si->nsettings = p.nsysctl;
	for (size_t i = 0; i < p.nnic; i++)
		si->nsettings += p.nic[i].nkv;
	profile_free(&p);
	return 0;
}

/*
 * A mark is an interruption when its snapshot is readable and of this
 * boot: a reboot undid whatever the transaction had changed, in every
 * namespace (a power loss can leave the marks of completed ones too).
 */
static int gen_info(const struct state *st, const struct snap_ids *ids,
		    unsigned id, struct snap_info *si, struct err *err)
{
	char name[32];
	int rc;

	snapshot_gen_name(ids, id, name, sizeof(name));
	rc = fill_info(st, si, name, id, false, err);
	si->interrupted = !rc && snapshot_ids_pending(ids, id) &&
			  !si->damaged && si->meta.ns.boot_id[0] &&
			  !strcmp(si->meta.ns.boot_id, st->ns.boot_id);
	return rc;
}

void snapshot_gen_name(const struct snap_ids *ids, unsigned id, char *buf,
		       size_t len)
{
	snprintf(buf, len, snapshot_ids_staged(ids, id) ? "%06u.pending"
		 : "%06u.ini", id);
}

int snapshot_clean(struct state *st, unsigned *interrupted, struct err *err)
{
	struct snap_ids ids;
	struct snap_info si;
	char mark[32];
	int rc = snapshot_scan(st, &ids, true, err);

	*interrupted = 0;
	if (rc)
		return rc;
	st->entries_checked = st->locked;
	for (size_t i = 0; i < ids.npending; i++) {
		unsigned id = ids.pending[i];

		/* an interruption stays; if its writer was killed before the
		 * seal, it is sealed now (on failure still read from the
		 * mark). Any other mark goes: its snapshot is gone, damaged
		 * or of an earlier boot. */
		if (!gen_info(st, &ids, id, &si, NULL) && si.interrupted) {
			snapshot_seal_mark(st, id, NULL);
			if (si.here && !*interrupted)
				*interrupted = id;
			continue;
		}
		snprintf(mark, sizeof(mark), "%06u.pending", id);
		unlinkat(st->sfd, mark, 0);
	}
	snapshot_ids_free(&ids);
	return 0;
}

/* Everything, or (marked) only generations with an in-progress mark,
 * which is all most commands need: no need to parse 50 files. */
static int list(const struct state *st, bool marked, struct snap_info **v,
		size_t *n, struct err *err)
{
	struct snap_ids ids;
	size_t k = 0;
	int rc = snapshot_ids(st, &ids, err);

	*v = NULL;
	*n = 0;
	if (rc)
		return rc;
	*v = calloc(ids.nbase + ids.ngen + 1, sizeof(**v));
	if (!*v)
		abort();
	for (size_t i = 0; !rc && !marked && i < ids.nbase; i++)
		if (!(rc = fill_info(st, &(*v)[k], ids.base[i], 0, true, err)))
			k++;
	for (size_t i = 0; (!rc || rc == -ENOENT) && i < ids.ngen; i++) {
		rc = 0;
		if (marked && !snapshot_ids_pending(&ids, ids.gen[i]))
			continue;
		/* one pruned since the directory was read is skipped */
		if (!(rc = gen_info(st, &ids, ids.gen[i], &(*v)[k], err)))
			k++;
	}
	snapshot_ids_free(&ids);
	if (rc && rc != -ENOENT) {
		free(*v);
		*v = NULL;
		return rc;
	}
	*n = k;
	/* the newest mark is a transaction in progress, not an interrupted
	 * one, while another process holds the lock */
	for (size_t i = k, busy = state_busy(st); busy && i-- > 0;) {
		if (!(*v)[i].interrupted)
			continue;
		(*v)[i].interrupted = false;
		(*v)[i].running = true;
		break;
	}
	return 0;
}

int snapshot_list(const struct state *st, struct snap_info **v, size_t *n,
		  struct err *err)
{
	return list(st, false, v, n, err);
}

unsigned snapshot_interrupted(const struct snap_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].interrupted && v[i].here)
			return v[i].meta.id;
	return 0;
}

int snapshot_check_interrupted(const struct state *st, unsigned *id,
			       struct err *err)
{
	struct snap_info *v;
	size_t n;
	int rc = list(st, true, &v, &n, err);

	*id = rc ? 0 : snapshot_interrupted(v, n);
	free(v);
	return rc;
}

static int not_found(const struct state *st, const char *what,
		     struct err *err)
{
	char here[300];

	netns_describe(&st->ns, here, sizeof(here));
	return err_set(err, -ENOENT, "%s/snapshots: no %s network namespace "
		       "%s%s", st->path, what, here, !strcmp(what, "baseline for")
		       ? ": porttune changed nothing there" : " to roll back");
}

/* latest: the interrupted one, else the newest apply of this namespace */
static int find_latest(const struct state *st, const struct snap_ids *ids,
		       struct snap_info *si, struct err *err)
{
	unsigned intr;
	int rc = snapshot_check_interrupted(st, &intr, err);

	if (rc || intr)
		return rc ? rc : gen_info(st, ids, intr, si, err);
	for (size_t i = ids->ngen; i-- > 0;) {
		rc = gen_info(st, ids, ids->gen[i], si, err);
		if (rc == -ENOENT)
			continue;
		if (rc)
			return rc;
		/* never roll back past a snapshot nobody can read */
		if (si->damaged)
			return err_set(err, -EINVAL, "snapshot %u is damaged "
				       "(porttune snapshots show %u); name the "
				       "snapshot to roll back", si->meta.id,
				       si->meta.id);
		if (si->here && !strcmp(si->meta.command, "apply"))
			return 0;
	}
	return not_found(st, "snapshot of an apply in", err);
}

int snapshot_find(const struct state *st, const char *which,
		  struct snap_info *si, struct err *err)
{
	struct snap_ids ids;
	char name[64];
	unsigned long id = 0;
	int rc;

	if (strcmp(which, "latest") && strcmp(which, "baseline")) {
		char *end;

		id = strtoul(which, &end, 10);
		if (end == which || *end || !id || id > SNAPSHOT_ID_MAX ||
		    which[0] < '0' || which[0] > '9')
			return err_set(err, -EINVAL, "%s: not a snapshot id "
				       "(a number, latest or baseline)", which);
	}
	rc = snapshot_ids(st, &ids, err);
	if (rc)
		return rc;
	if (!strcmp(which, "baseline")) {
		snapshot_baseline_name(&st->ns, name, sizeof(name));
		rc = fill_info(st, si, name, 0, true, err);
		/* a stale one (an earlier boot's namespace) is not this one's */
		if (rc == -ENOENT || (!rc && !si->here))
			rc = not_found(st, "baseline for", err);
	} else if (id) {
		rc = -ENOENT;
		for (size_t i = 0; i < ids.ngen; i++)
			if (ids.gen[i] == id)
				rc = gen_info(st, &ids, id, si, err);
		if (rc == -ENOENT)
			rc = err_set(err, -ENOENT, "snapshot %lu: no such "
				     "snapshot in %s/snapshots", id, st->path);
	} else {
		rc = find_latest(st, &ids, si, err);
	}
	snapshot_ids_free(&ids);
	return rc;
}

int snapshot_ack(struct state *st, unsigned id, struct err *err)
{
	struct snap_info *v, *of = NULL;
	size_t n;
	int rc = list(st, true, &v, &n, err);

	for (size_t i = 0; !rc && i < n; i++)
		if (!v[i].baseline && v[i].meta.id == id)
			of = &v[i];
	if (!rc && (!of || !of->interrupted))
		rc = err_set(err, -ENOENT, "snapshot %u: no interrupted apply "
			     "or rollback with this id", id);
	/* what ran after it only tried to repair it */
	for (size_t i = 0; !rc && i < n; i++)
		if (!v[i].baseline && v[i].interrupted && v[i].meta.id >= id &&
		    netns_same(&v[i].meta.ns, &of->meta.ns))
			rc = snapshot_done(st, v[i].meta.id, err);
	free(v);
	return rc;
}
