// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots: the previous value of everything an apply is about to change,
 * written as a profile so rollback is just "apply this file".
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <limits.h>
#include <unistd.h>

#include "profile.h"
#include "strbuf.h"
#include "strpool.h"
#include "snapshot.h"
#include "snapshot_keys.h"
#include "xalloc.h"

/* inih cuts values at " ;" and strips blanks; such a value cannot round-trip. */
static int check_value(const struct change *c, const char *v,
		       struct err *err)
{
	for (const char *p = v; *p; p++)
		if (*p == '\n' || (*p == ';' && p > v &&
				   (p[-1] == ' ' || p[-1] == '\t')))
			return err_set(err, -EINVAL, "%s: value '%s' cannot be "
				       "stored in a snapshot", c->key, v);
	return 0;
}

/*
 * inih reads lines of at most 198 characters; a longer value (a long
 * ip_local_reserved_ports list) goes on indented continuation lines, which
 * the profile reader joins without a separator. Break after a comma if
 * possible, else between two characters that survive inih's trimming and
 * cannot start a comment or a section header. 0: no break within width.
 */
#define SNAP_LINE_WIDTH 120

static size_t break_at(const char *v, size_t width)
{
	size_t j;

	for (j = width; j > 0; j--)
		if (v[j - 1] == ',' && v[j] && !strchr(" \t;#[", v[j]))
			return j;
	for (j = width; j > 0; j--)
		if (!strchr(" \t", v[j - 1]) && v[j] && !strchr(" \t;#[", v[j]))
			return j;
	return 0;
}

static int value_lines(struct buf *b, const char *key, const char *v,
		       struct err *err)
{
	size_t n, len = strlen(v), kl = strlen(key);
	char *d;

	if (len <= SNAP_LINE_WIDTH) {	/* one line, made in place */
		d = bspace(b, kl + 3 + len + 1);
		memcpy(d, key, kl);
		memcpy(d + kl, " = ", 3);
		memcpy(d + kl + 3, v, len);
		d[kl + 3 + len] = '\n';
		return 0;
	}
	bput(b, key, kl);
	bputs(b, " = ");
	for (; len > SNAP_LINE_WIDTH; len -= n) {
		n = break_at(v, SNAP_LINE_WIDTH);
		if (!n)
			return err_set(err, -EINVAL, "%s: value '%.40s...' is too "
				       "long for a snapshot line and has no place "
				       "to break it", key, v);
		bput(b, v, n);
		bputs(b, "\n\t");
		v += n;
	}
	bput(b, v, len);
	bputs(b, "\n");
	return 0;
}

/* Metadata is informational: one line, no control characters, bounded. */
static void meta_line(struct buf *b, const char *key, const char *v)
{
	size_t n = strlen(v), k = 0;
	char line[160];

	bputs(b, key);
	bputs(b, n > 150 ? " = ..." : " = ");
	for (v += n > 150 ? n - 150 : 0; *v; v++)
		line[k++] = (unsigned char)*v < 0x20 ? '?' : *v;
	line[k++] = '\n';
	bput(b, line, k);
}

static void render_head(struct buf *b, const struct plan *plan,
			const struct snap_meta *m)
{
	const struct netns_id *ns = &m->ns;

	if (m->id)
		bprintf(b, "; porttune snapshot %u: values found before they "
			"were changed.\n; Restore them with: porttune rollback "
			"%u" SNAPSHOT_DIGEST_LINE "%016llx\n\n[snapshot]\nid = %u\n",
			m->id, m->id, (unsigned long long)snapshot_digest(plan, ns),
			m->id);
	else
		bprintf(b, "; porttune baseline: values found before porttune "
			"first changed them.\n; Restore them with: porttune "
			"rollback baseline\n\n[snapshot]\nid = baseline\n");
	meta_line(b, "created", m->created);
	meta_line(b, "command", m->command);
	meta_line(b, "source", m->source);
	meta_line(b, "host", m->host);
	meta_line(b, "kernel", m->kernel);
	bprintf(b, "netns-inode = %llu\nnetns-dev = %llu\n"
		"netns-initial = %s\n", ns->ino, ns->dev,
		ns->initial ? "yes" : "no");
	meta_line(b, "netns-name", ns->name);
	meta_line(b, "boot-id", ns->boot_id);
}

/* One section per kind in registry order; per device where it names them. */
static int render_body(struct buf *b, const struct plan *plan,
		       struct err *err)
{
	for (size_t t = 0; t < T_COUNT; t++) {
		const struct keyspec *spec = keyspec_of(t);
		const char *dev = NULL;
		bool opened = false;

		for (size_t i = 0; i < plan->n; i++) {
			const struct change *c = &plan->v[i];
			const char *v = change_restore_value(c);
			int rc;

			if (c->status != CS_PENDING || c->target != t)
				continue;
			if (!v)
				v = "";
			rc = check_value(c, v, err);
			if (rc)
				return rc;
			if (!spec->per_device && !opened) {
				bprintf(b, "\n[%s]\n", spec->section);
				opened = true;
			} else if (spec->per_device &&
				   (!dev || !str_same(dev, c->dev))) {
				/* the exact device, whatever its name holds */
				bputs(b, "\n[");
				bputs(b, spec->section);
				bputs(b, " name=");
				bputs(b, c->dev);
				bputs(b, "]\n");
				dev = c->dev;
			}
			rc = value_lines(b, c->key, v, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int snapshot_render(const struct plan *plan, const struct snap_meta *m,
		    char **text, struct err *err)
{
	struct buf b = { 0 };
	int rc;

	render_head(&b, plan, m);
	rc = render_body(&b, plan, err);
	if (rc) {
		free(b.s);
		return rc;
	}
	*text = b.s;
	return 0;
}

/*
 * Text made of these alone reads back from a "key = value" line or a
 * section header exactly as written: no blank at either end (inih strips
 * them), nothing inih or the reader treat specially (';' and '#' comments,
 * brackets, '=' and ':' in a key, tabs, continuation lines).
 */
static bool plain(const char *s, const char *also, size_t max)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') || strchr(also, s[n])))
			return false;
	return n <= max && (!n || (s[0] != ' ' && s[n - 1] != ' '));
}

bool snapshot_plain(const struct plan *plan)
{
	/* the checks are pure: a line checked once (the same offload on
	 * every device) is not checked again. Devices list the same lines
	 * in the same order, so the search starts after the last found. */
	struct seen {
		enum target target;
		const char *key, *value;
	} seen[8];
	size_t nseen = 0, next = 0, last = 0;
	struct keycheck kc;
	const char *dev = NULL;
	char arg[128], msg[600];

	for (size_t i = 0; i < plan->n; i++) {
		const struct change *c = &plan->v[i];
		const struct keyspec *spec = keyspec_of(c->target);
		const char *want = change_restore_value(c);
		bool known = false;

		if (c->status != CS_PENDING)
			continue;
		if (!want)
			want = "";
		if (spec->per_device && (!dev || !str_same(dev, c->dev))) {
			if (!plain(c->dev, "._-", 64))
				return false;
			/* "name=DEV": at most 64 characters after plain() */
			memcpy(arg, "name=", 5);
			memcpy(arg + 5, c->dev, strlen(c->dev) + 1);
			if (spec->check_arg &&
			    spec->check_arg(arg, msg, sizeof(msg)))
				return false;
			dev = c->dev;
		}
		for (size_t k = 0; k < nseen && !known; k++) {
			const struct seen *e = &seen[(last + 1 + k) % nseen];

			known = e->target == c->target &&
				str_same(e->key, c->key) &&
				str_same(e->value, want);
			if (known)
				last = (size_t)(e - seen);
		}
		if (known)
			continue;
		if (!plain(c->key, "._-", 200) ||
		    !plain(want, "._-,:/+@ ", SNAP_LINE_WIDTH) ||
		    spec->check(c->key, want, true, &kc) || kc.warn[0] ||
		    strcmp(kc.key, c->key) || strcmp(kc.value, want))
			return false;
		seen[next] = (struct seen){ c->target, c->key, want };
		next = (next + 1) % 8;
		nseen += nseen < 8;
	}
	return true;
}

/*
 * Read the snapshot back as rollback will and check that it restores every
 * value: what cannot be undone must not be done. The rendering keeps plan
 * order, so one walk over both suffices.
 */
static int verify(const struct plan *plan, const char *text, struct err *err)
{
	struct profile p;
	int rc = profile_parse_as(&p, PROFILE_SNAPSHOT, "snapshot", text,
				  NULL, NULL, err);
	size_t sy = 0, sec = 0, kv = 0;

	for (size_t i = 0; !rc && i < plan->n; i++) {
		const struct change *c = &plan->v[i];
		const char *want = change_restore_value(c);
		const struct pkv *got = NULL;

		if (c->status != CS_PENDING)
			continue;
		if (!keyspec_of(c->target)->per_device) {
			got = sy < p.nsysctl ? &p.sysctl[sy++] : NULL;
		} else {
			while (sec < p.nnic && kv == p.nic[sec].nkv) {
				sec++;
				kv = 0;
			}
			if (sec < p.nnic && !strncmp(p.nic[sec].match, "name=", 5) &&
			    !strcmp(p.nic[sec].match + 5, c->dev))
				got = &p.nic[sec].kv[kv++];
		}
		if (!got || strcmp(got->key, c->key) ||
		    strcmp(got->value, want ? want : ""))
			rc = err_set(err, -EINVAL, "%s%s%s: the snapshot could "
				     "not restore '%s'", c->dev ? c->dev : "",
				     c->dev ? " " : "", c->key, want ? want : "");
	}
	if (p.nerrors)
		err_prefix(err, "snapshot would not load");
	profile_free(&p);
	return rc;
}

void snapshot_meta_now(struct snap_meta *m, const char *command,
		       const char *source)
{
	time_t now = time(NULL);
	struct utsname u;
	struct tm tm;

	memset(m, 0, sizeof(*m));
	gmtime_r(&now, &tm);
	strftime(m->created, sizeof(m->created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(m->command, sizeof(m->command), "%s", command);
	snprintf(m->source, sizeof(m->source), "%s", source);
	if (!uname(&u)) {
		snprintf(m->host, sizeof(m->host), "%s", u.nodename);
		snprintf(m->kernel, sizeof(m->kernel), "%s", u.release);
	}
}


/* A command a snapshot can record (what an apply or rollback saved). */
static bool known_command(const char *cmd)
{
	static const char *const cmds[] = { "apply", "rollback" };

	for (size_t i = 0; cmd && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i]))
			return true;
	return false;
}

bool snapshot_complete(const struct profile *p, unsigned id)
{
	const char *v = profile_meta(p, "id");
	size_t n = p->nsysctl;
	char *end;

	for (size_t i = 0; i < p->nnic; i++)
		n += p->nic[i].nkv;
	return !p->nerrors && v && strtoul(v, &end, 10) == id && !*end &&
	       known_command(profile_meta(p, "command")) && n;
}

int snapshot_parse(const char *text, unsigned id, struct snap_info *si)
{
	struct profile p;
	const char *v;
	bool ok;

	memset(si, 0, sizeof(*si));
	si->meta.id = id;
	/* no loader: a snapshot includes nothing */
	profile_parse_as(&p, PROFILE_SNAPSHOT, "snapshot", text, NULL, NULL,
			 NULL);
	si->nsettings = p.nsysctl;
	for (size_t i = 0; i < p.nnic; i++)
		si->nsettings += p.nic[i].nkv;
	/* Cut short (empty, only the header, only metadata) is damaged too:
	 * every snapshot written holds at least one setting. */
	ok = snapshot_complete(&p, id);
	if (!ok) {
		snprintf(si->meta.command, sizeof(si->meta.command), "damaged");
		profile_free(&p);
		return -EINVAL;
	}
#define META(field, key) \
	if ((v = profile_meta(&p, key))) \
		snprintf(si->meta.field, sizeof(si->meta.field), "%s", v)
	META(created, "created");
	META(command, "command");
	META(source, "source");
	META(host, "host");
	META(kernel, "kernel");
#undef META
	profile_free(&p);
	return 0;
}

/* One setting the baseline holds: its device ("" for a sysctl) and key. */
struct held {
	const char *dev, *key;
};

static int held_cmp(const void *a, const void *b)
{
	const struct held *x = a, *y = b;
	int d = strcmp(x->dev, y->dev);

	return d ? d : strcmp(x->key, y->key);
}

/* The baseline's settings sorted: a lookup per change, not a scan each. */
static struct held *held_index(const struct profile *bp, size_t *n)
{
	size_t cap = bp->nsysctl, k = 0;
	struct held *h;

	for (size_t i = 0; i < bp->nnic; i++)
		cap += bp->nic[i].nkv;
	h = calloc(cap + 1, sizeof(*h));
	if (!h)
		abort();
	for (size_t i = 0; i < bp->nsysctl; i++)
		h[k++] = (struct held){ "", bp->sysctl[i].key };
	for (size_t i = 0; i < bp->nnic; i++) {
		const struct nic_section *s = &bp->nic[i];

		if (strncmp(s->match, "name=", 5))
			continue;
		for (size_t j = 0; j < s->nkv; j++)
			h[k++] = (struct held){ s->match + 5, s->kv[j].key };
	}
	qsort(h, k, sizeof(*h), held_cmp);
	*n = k;
	return h;
}

/* Does the baseline already hold the original of this change? */
static bool in_baseline(const struct held *h, size_t n, const struct change *c)
{
	struct held key = { keyspec_of(c->target)->per_device ? c->dev : "",
			    c->key };

	return bsearch(&key, h, n, sizeof(*h), held_cmp) != NULL;
}

/*
 * The newest generation `prev`, of this namespace and boot, lists every
 * setting snapshot `text` does, and the baseline was not rewritten after
 * it: the baseline holds them all already (it is only ever added to, and
 * that generation was written after its settings were added). Saves
 * reading the baseline through the profile parser on every apply.
 */
static bool baseline_holds(const struct state *st, const char *base,
			   const char *text, unsigned prev)
{
	struct stat b, g;
	char name[32], head[1024], *old = NULL;
	uint64_t want, had;
	bool ok;

	snprintf(name, sizeof(name), "%06u.ini", prev);
	if (!prev || fstatat(st->sfd, base, &b, AT_SYMLINK_NOFOLLOW) ||
	    fstatat(st->sfd, name, &g, AT_SYMLINK_NOFOLLOW) ||
	    b.st_mtim.tv_sec > g.st_mtim.tv_sec ||
	    (b.st_mtim.tv_sec == g.st_mtim.tv_sec &&
	     b.st_mtim.tv_nsec > g.st_mtim.tv_nsec))
		return false;
	/* the same settings as that generation: its head says so */
	if (snapshot_head_digest(text, &want) &&
	    !state_read_head(st, name, head, sizeof(head), NULL) &&
	    snapshot_head_digest(head, &had) && had == want)
		return true;
	if (state_read(st, name, &old, NULL))
		return false;
	ok = snapshot_keys_within(text, old);
	free(old);
	return ok;
}

/*
 * The baseline keeps, for each setting, the value before porttune first
 * changed it in this namespace: an append-only record that pruning never
 * touches. One file per namespace: the host's, or one by inode (a stale
 * one from an earlier boot is replaced, its namespace is gone).
 */
static int update_baseline(const struct state *st, const struct plan *plan,
			   const struct snap_meta *m, const char *text,
			   unsigned prev, struct err *err)
{
	struct snap_meta bm = *m;
	struct profile bp = { 0 };
	struct plan f = *plan;
	struct buf b = { 0 };
	char *old = NULL, *fresh = NULL, name[64];
	struct held *held;
	size_t add = 0, nheld = 0;
	int rc;

	f.v = NULL;	/* not the caller's: out frees it */
	snapshot_baseline_name(&st->ns, name, sizeof(name));
	if (baseline_holds(st, name, text, prev))
		return 0;
	rc = state_read(st, name, &old, err);
	if (rc && rc != -ENOENT)
		return err_prefix(err, "baseline");
	if (old && (profile_parse_as(&bp, PROFILE_SNAPSHOT, name, old, NULL,
				     NULL, err) ||
		    !snapshot_meta_from(&bp, &bm) || !netns_same(&bm.ns, &st->ns))) {
		rc = bp.nerrors ? err_prefix(err, "%s/snapshots/%s: baseline "
					     "damaged; move it away to go on",
					     st->path, name) : 0;
		free(old);
		old = NULL;
		if (rc)
			goto out;
	}
	f.v = calloc(plan->n + 1, sizeof(*f.v));
	held = old ? held_index(&bp, &nheld) : NULL;
	if (!f.v)
		abort();
	for (size_t i = 0; i < plan->n; i++) {
		f.v[i] = plan->v[i];
		if (f.v[i].status == CS_PENDING && old &&
		    in_baseline(held, nheld, &f.v[i]))
			f.v[i].status = CS_SAME;
		add += f.v[i].status == CS_PENDING;
	}
	free(held);
	if (!add)
		goto out;
	bm = *m;
	bm.id = 0;
	snprintf(bm.command, sizeof(bm.command), "baseline");
	rc = snapshot_render(&f, &bm, &fresh, err);
	if (!rc && !snapshot_plain(&f))
		rc = verify(&f, fresh, err);
	if (rc)
		goto out;
	/* what was recorded stays as written; new settings go below */
	if (old) {
		bprintf(&b, "%s", old);
		render_body(&b, &f, err);
	}
	rc = state_write(st, name, old ? b.s : fresh, err);
out:
	free(f.v);
	free(b.s);
	free(fresh);
	free(old);
	profile_free(&bp);
	return rc;
}

static bool parse_gen(const char *name, const char *suffix, unsigned *id)
{
	char *end, canon[32];
	unsigned long v;

	if (name[0] < '0' || name[0] > '9')
		return false;

	v = strtoul(name, &end, 10);
	if (strcmp(end, suffix) || v == 0 || v > SNAPSHOT_ID_MAX)
		return false;
	/* one file per id: 0000007.ini is not snapshot 7 */
	snprintf(canon, sizeof(canon), "%06lu%s", v, suffix);
	if (strcmp(canon, name))
		return false;
	*id = (unsigned)v;
	return true;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static void push_id(unsigned **v, size_t *n, unsigned id)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = id;
}

int snapshot_ids(const struct state *st, struct snap_ids *ids,
		 struct err *err)
{
	return snapshot_scan(st, ids, false, err);
}

int snapshot_scan(const struct state *st, struct snap_ids *ids, bool drop_tmp,
		  struct err *err)
{
	/* a new open file description: a dup() would share the offset the
	 * last walk left at the end */
	int fd = st->sfd < 0 ? -1 : openat(st->sfd, ".", O_RDONLY |
					   O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	unsigned id;
	size_t k = 0;

	memset(ids, 0, sizeof(*ids));
	if (st->sfd < 0)
		return 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return err_set(err, -errno, "%s/snapshots: %s", st->path,
			       strerror(errno));
	}
	while ((de = readdir(d))) {
		bool gen = parse_gen(de->d_name, ".ini", &id);
		size_t len = strlen(de->d_name);
		off_t size = 0;
		int rc;

		if (drop_tmp && !strncmp(de->d_name, ".tmp-", 5)) {
			unlinkat(st->sfd, de->d_name, 0);
			continue;
		}
		/* everything porttune would read: a planted file stops all
		 * (a mark's size tells whether it holds a snapshot) */
		if (de->d_name[0] != '.' && (!st->entries_checked ||
					     parse_gen(de->d_name, ".pending",
						       &id)) &&
		    (rc = state_check_entry(st, dirfd(d), de->d_name, &size,
					    err))) {
			closedir(d);
			snapshot_ids_free(ids);
			return rc;
		}
		if (!strncmp(de->d_name, "baseline-", 9) && len > 13 &&
		    !strcmp(de->d_name + len - 4, ".ini")) {
			ids->base = realloc(ids->base, (ids->nbase + 1) *
					    sizeof(*ids->base));
			if (!ids->base || !(ids->base[ids->nbase++] =
					    strdup(de->d_name)))
				abort();
			continue;
		}
		if (gen) {
			push_id(&ids->gen, &ids->ngen, id);
		} else if (parse_gen(de->d_name, ".pending", &id)) {
			push_id(&ids->pending, &ids->npending, id);
			if (size > 0)	/* holds a snapshot: staged? */
				push_id(&ids->staged, &ids->nstaged, id);
		}
	}
	closedir(d);
	/* the arrays are NULL when empty, which qsort() must not be given */
	if (ids->ngen)
		qsort(ids->gen, ids->ngen, sizeof(*ids->gen), cmp_uint);
	/* staged: a mark holding a snapshot whose .ini is not there (yet),
	 * that generation read from its mark */
	for (size_t i = 0; i < ids->nstaged; i++)
		if (!ids->ngen || !bsearch(&ids->staged[i], ids->gen,
					   ids->ngen, sizeof(id), cmp_uint))
			ids->staged[k++] = ids->staged[i];
	ids->nstaged = k;
	for (size_t i = 0; i < ids->nstaged; i++)
		push_id(&ids->gen, &ids->ngen, ids->staged[i]);
	if (ids->nstaged) {
		qsort(ids->gen, ids->ngen, sizeof(*ids->gen), cmp_uint);
		qsort(ids->staged, ids->nstaged, sizeof(*ids->staged),
		      cmp_uint);
	}
	if (ids->npending)
		qsort(ids->pending, ids->npending, sizeof(*ids->pending),
		      cmp_uint);
	return 0;
}

bool snapshot_ids_staged(const struct snap_ids *ids, unsigned id)
{
	return ids->nstaged && bsearch(&id, ids->staged, ids->nstaged,
				       sizeof(id), cmp_uint) != NULL;
}

bool snapshot_ids_pending(const struct snap_ids *ids, unsigned id)
{
	return ids->npending && bsearch(&id, ids->pending, ids->npending,
					sizeof(id), cmp_uint) != NULL;
}

void snapshot_ids_free(struct snap_ids *ids)
{
	free(ids->gen);
	free(ids->staged);
	free(ids->pending);
	for (size_t i = 0; i < ids->nbase; i++)
		free(ids->base[i]);
	free(ids->base);
}

/*
 * Keep SNAPSHOT_KEEP generations; an interrupted one stays until undone.
 * The names of those to go (malloc'd, *n of them), the seal's to remove.
 */
static char **prunable(const struct snap_ids *ids, size_t *n)
{
	char **v = xrealloc(NULL, (ids->ngen + 1) * sizeof(*v)), name[32];

	*n = 0;
	/* ngen counts the one just written, which is not in ids */
	for (size_t i = 0; i + SNAPSHOT_KEEP < ids->ngen + 1 && i < ids->ngen;
	     i++) {
		if (snapshot_ids_pending(ids, ids->gen[i]))
			continue;
		snprintf(name, sizeof(name), "%06u.ini", ids->gen[i]);
		v[(*n)++] = xstrdup(name);
	}
	return v;
}

/*
 * Before the first change the snapshot is in place as NNNNNN.pending, whole
 * (renamed from a temporary file), and every later command reads it there:
 * a kill cannot lose it. Durability comes alongside the changes: the seal
 * syncs it and links it as NNNNNN.ini, and snapshot_done() waits for that.
 * Nothing an apply changes outlives the kernel, so a snapshot that the
 * disk lacks after a power loss describes nothing still in effect (and
 * the .ini name only ever points at synced text).
 */
int snapshot_write(struct state *st, const struct plan *plan,
		   struct snap_meta *m, char *path, size_t pathlen,
		   struct err *err)
{
	struct snap_ids ids;
	char name[32], staged[32], tmp[64], *text = NULL, **drop;
	size_t ndrop;
	int fd, rc;

	m->ns = st->ns;
	rc = snapshot_ids(st, &ids, err);
	if (rc)
		return rc;
	if (ids.ngen && ids.gen[ids.ngen - 1] >= SNAPSHOT_ID_MAX) {
		rc = err_set(err, -EOVERFLOW, "%s/snapshots: snapshot id %u is "
			     "the last one; move the snapshots away", st->path,
			     ids.gen[ids.ngen - 1]);
		snapshot_ids_free(&ids);
		return rc;
	}
	m->id = ids.ngen ? ids.gen[ids.ngen - 1] + 1 : 1;
	snprintf(name, sizeof(name), "%06u.ini", m->id);
	snprintf(staged, sizeof(staged), "%06u.pending", m->id);
	snprintf(path, pathlen, "%s/snapshots/%s", st->path, name);
	rc = snapshot_render(plan, m, &text, err);
	if (!rc && !snapshot_plain(plan))
		rc = verify(plan, text, err);
	if (!rc)
		rc = update_baseline(st, plan, m, text, ids.ngen ?
				     ids.gen[ids.ngen - 1] : 0, err);
	if (!rc)
		rc = state_write_tmp(st, text, true, tmp, sizeof(tmp), &fd,
				     err);
	if (rc)
		goto out;
	if (renameat2(st->sfd, tmp, st->sfd, staged, RENAME_NOREPLACE)) {
		rc = err_set(err, -errno, "%s/snapshots/%s: %s", st->path,
			     staged, strerror(errno));
		close(fd);
		unlinkat(st->sfd, tmp, 0);
		goto out;
	}
	drop = prunable(&ids, &ndrop);
	rc = state_seal(st, fd, staged, name, drop, ndrop, err);
	if (rc) {
		unlinkat(st->sfd, name, 0);
		unlinkat(st->sfd, staged, 0);
	}
out:
	free(text);
	snapshot_ids_free(&ids);
	return rc;
}

int snapshot_seal_mark(struct state *st, unsigned id, struct err *err)
{
	char name[32], mark[32];
	int fd, rc;

	snprintf(name, sizeof(name), "%06u.ini", id);
	snprintf(mark, sizeof(mark), "%06u.pending", id);
	if (!faccessat(st->sfd, name, F_OK, AT_SYMLINK_NOFOLLOW) ||
	    errno != ENOENT)
		return 0;
	fd = openat(st->sfd, mark, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	rc = state_seal(st, fd, mark, name, NULL, 0, err);
	return rc ? rc : state_seal_wait(st, err);
}

int snapshot_done(struct state *st, unsigned id, struct err *err)
{
	char mark[32];
	int rc = state_seal_wait(st, err);

	/* a mark holding the only copy is sealed before it goes */
	if (!rc)
		rc = snapshot_seal_mark(st, id, err);
	if (rc)
		return rc;
	snprintf(mark, sizeof(mark), "%06u.pending", id);
	/* not synced: a mark that outlives a power loss is of an earlier
	 * boot, which nothing in effect came from (see snapshot_clean) */
	if (unlinkat(st->sfd, mark, 0) && errno != ENOENT)
		return err_set(err, -errno, "%s/snapshots/%s: %s", st->path,
			       mark, strerror(errno));
	return 0;
}

void snapshot_discard(struct state *st, unsigned id)
{
	char name[32];

	state_seal_wait(st, NULL);
	snprintf(name, sizeof(name), "%06u.ini", id);
	unlinkat(st->sfd, name, 0);
	snprintf(name, sizeof(name), "%06u.pending", id);
	unlinkat(st->sfd, name, 0);
}
