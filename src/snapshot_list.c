// SPDX-License-Identifier: GPL-2.0-or-later
/* Finding snapshots: generations, baselines, interrupted transactions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

void snapshot_baseline_name(const struct netns_id *ns, char *buf, size_t len)
{
	/* the host's namespace is the same one after a reboot */
	if (ns->initial)
		snprintf(buf, len, "baseline-host.ini");
	else
		snprintf(buf, len, "baseline-%llu.ini", ns->ino);
}

static unsigned long long num(const struct profile *p, const char *key)
{
	const char *v = profile_meta(p, key);

	return v ? strtoull(v, NULL, 10) : 0;
}

bool snapshot_meta_from(const struct profile *p, struct snap_meta *m)
{
	const char *v;

#define META(field, key) \
	if ((v = profile_meta(p, key))) \
		snprintf(m->field, sizeof(m->field), "%s", v)
	META(created, "created");
	META(command, "command");
	META(source, "source");
	META(host, "host");
	META(kernel, "kernel");
	META(ns.name, "netns-name");
	META(ns.boot_id, "boot-id");
#undef META
	m->ns.ino = num(p, "netns-inode");
	m->ns.dev = num(p, "netns-dev");
	v = profile_meta(p, "netns-initial");
	m->ns.initial = v && !strcmp(v, "yes");
	return m->ns.ino != 0;
}

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
	if (rc == -EPERM) {
		profile_free(&p);
		return rc;
	}
	if (rc || !snapshot_meta_from(&p, &si->meta))
		si->damaged = rc != 0;
	si->here = !si->damaged && netns_same(&si->meta.ns, &st->ns);
	if (si->damaged)
		snprintf(si->meta.command, sizeof(si->meta.command), "damaged");
	si->nsettings = p.nsysctl;
	for (size_t i = 0; i < p.nnic; i++)
		si->nsettings += p.nic[i].nkv;
	profile_free(&p);
	return 0;
}

int snapshot_list(const struct state *st, struct snap_info **v, size_t *n,
		  struct err *err)
{
	struct snap_ids ids;
	size_t k = 0;
	char name[32];
	int rc = snapshot_ids(st, &ids, err);

	*v = NULL;
	*n = 0;
	if (rc)
		return rc;
	*v = calloc(ids.nbase + ids.ngen + 1, sizeof(**v));
	if (!*v)
		abort();
	for (size_t i = 0; !rc && i < ids.nbase; i++)
		rc = fill_info(st, &(*v)[k++], ids.base[i], 0, true, err);
	for (size_t i = 0; !rc && i < ids.ngen; i++) {
		snprintf(name, sizeof(name), "%06u.ini", ids.gen[i]);
		rc = fill_info(st, &(*v)[k], name, ids.gen[i], false, err);
		(*v)[k++].interrupted = snapshot_ids_pending(&ids, ids.gen[i]);
	}
	snapshot_ids_free(&ids);
	if (rc) {
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

unsigned snapshot_interrupted(const struct snap_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].interrupted && v[i].here)
			return v[i].meta.id;
	return 0;
}

static int pick(const struct state *st, const struct snap_info *v, size_t n,
		const char *which, unsigned id, struct snap_info *si,
		struct err *err)
{
	char here[300];
	unsigned broken = 0;
	unsigned intr = snapshot_interrupted(v, n);

	netns_describe(&st->ns, here, sizeof(here));
	for (size_t i = n; i-- > 0;) {
		bool hit = !strcmp(which, "baseline") ? v[i].baseline && v[i].here
			 : id ? !v[i].baseline && v[i].meta.id == id
			 : intr ? v[i].meta.id == intr && !v[i].baseline
			 : v[i].here && !v[i].baseline &&
			   !strcmp(v[i].meta.command, "apply");

		/* never roll back past a snapshot nobody can read */
		if (!id && !broken && v[i].damaged && !v[i].baseline)
			broken = v[i].meta.id;
		if (hit && (!broken || id || !strcmp(which, "baseline"))) {
			*si = v[i];
			return 0;
		}
	}
	if (broken)
		return err_set(err, -EINVAL, "snapshot %u is damaged "
			       "(porttune snapshots show %u); name the "
			       "snapshot to roll back", broken, broken);
	if (id)
		return err_set(err, -ENOENT, "snapshot %u: no such snapshot in "
			       "%s/snapshots", id, st->path);
	if (!strcmp(which, "baseline"))
		return err_set(err, -ENOENT, "%s/snapshots: no baseline for "
			       "network namespace %s: porttune changed nothing "
			       "there", st->path, here);
	return err_set(err, -ENOENT, "%s/snapshots: no snapshot of an apply "
		       "in network namespace %s to roll back", st->path, here);
}

int snapshot_find(const struct state *st, const char *which,
		  struct snap_info *si, struct err *err)
{
	struct snap_info *v;
	unsigned id = 0;
	size_t n;
	int rc;

	if (strcmp(which, "latest") && strcmp(which, "baseline")) {
		char *end;
		unsigned long want = strtoul(which, &end, 10);

		if (end == which || *end || !want || want > 999999 ||
		    which[0] < '0' || which[0] > '9')
			return err_set(err, -EINVAL, "%s: not a snapshot id "
				       "(a number, latest or baseline)", which);
		id = (unsigned)want;
	}
	rc = snapshot_list(st, &v, &n, err);
	if (!rc)
		rc = pick(st, v, n, which, id, si, err);
	free(v);
	return rc;
}

int snapshot_ack(const struct state *st, unsigned id, struct err *err)
{
	struct snap_info *v, *of = NULL;
	size_t n;
	int rc = snapshot_list(st, &v, &n, err);

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
