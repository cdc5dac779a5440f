// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots: the previous value of everything an apply is about to change,
 * written as a profile so rollback is just "apply this file".
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
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
#include "snapshot.h"

struct buf {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

/* inih cuts values at " ;" and strips blanks; such a value cannot round-trip. */
static int check_value(const struct change *c, struct err *err)
{
	const char *v = change_restore_value(c);

	if (!v)
		v = "";

	if (strstr(v, " ;") || strstr(v, "\t;") || strchr(v, '\n'))
		return err_set(err, -EINVAL, "%s: value '%s' cannot be stored "
			       "in a snapshot", c->key, v);
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
	size_t n;

	bprintf(b, "%s = ", key);
	while (strlen(v) > SNAP_LINE_WIDTH) {
		n = break_at(v, SNAP_LINE_WIDTH);
		if (!n)
			return err_set(err, -EINVAL, "%s: value '%.40s...' is too "
				       "long for a snapshot line and has no place "
				       "to break it", key, v);
		bprintf(b, "%.*s\n\t", (int)n, v);
		v += n;
	}
	bprintf(b, "%s\n", v);
	return 0;
}

/* Metadata is informational: one line, no control characters, bounded. */
static void meta_line(struct buf *b, const char *key, const char *v)
{
	size_t n = strlen(v);

	bprintf(b, "%s = %s", key, n > 150 ? "..." : "");
	for (v += n > 150 ? n - 150 : 0; *v; v++)
		bprintf(b, "%c", (unsigned char)*v < 0x20 ? '?' : *v);
	bprintf(b, "\n");
}

int snapshot_render(const struct plan *plan, const struct snap_meta *m,
		    char **text, struct err *err)
{
	struct buf b = { 0 };
	const char *dev = NULL;
	bool sysctl_open = false;

	bprintf(&b, "; porttune snapshot %u: values found before they were "
		"changed.\n; Restore them with: porttune rollback %u\n\n",
		m->id, m->id);
	bprintf(&b, "[snapshot]\nid = %u\n", m->id);
	meta_line(&b, "created", m->created);
	meta_line(&b, "command", m->command);
	meta_line(&b, "source", m->source);
	meta_line(&b, "host", m->host);
	meta_line(&b, "kernel", m->kernel);
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < plan->n; i++) {
			const struct change *c = &plan->v[i];

			if (c->status != CS_PENDING ||
			    (pass == 0) != (c->target == T_SYSCTL))
				continue;
			if (check_value(c, err)) {
				free(b.s);
				return err->code;
			}
			if (c->target == T_SYSCTL && !sysctl_open) {
				bprintf(&b, "\n[sysctl]\n");
				sysctl_open = true;
			} else if (c->target == T_NIC &&
				   (!dev || strcmp(dev, c->dev))) {
				/* the exact device, whatever its name holds */
				bprintf(&b, "\n[nic name=%s]\n", c->dev);
				dev = c->dev;
			}
			if (value_lines(&b, c->key, change_restore_value(c) ?
					change_restore_value(c) : "", err)) {
				free(b.s);
				return err->code;
			}
		}
	}
	*text = b.s;
	return 0;
}

/*
 * Read the snapshot back as rollback will and check that it restores every
 * value: what cannot be undone must not be done. The rendering keeps plan
 * order, so one walk over both suffices.
 */
static int verify(const struct plan *plan, const char *text, struct err *err)
{
	struct profile p;
	int rc = profile_parse(&p, "snapshot", text, NULL, NULL, err);
	size_t sy = 0, sec = 0, kv = 0;

	for (size_t i = 0; !rc && i < plan->n; i++) {
		const struct change *c = &plan->v[i];
		const char *want = change_restore_value(c);
		const struct pkv *got = NULL;

		if (c->status != CS_PENDING)
			continue;
		if (c->target == T_SYSCTL) {
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

/* snprintf() for paths: the state dir is bounded, so this never cuts. */
__attribute__((format(printf, 3, 4)))
static void pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* Every path below is the state dir plus a short name: bound it once. */
static int check_state_dir(const char *dir, struct err *err)
{
	if (strlen(dir) > PATH_MAX - 64)
		return err_set(err, -ENAMETOOLONG, "%.40s...: state directory "
			       "name too long", dir);
	return 0;
}

static int ensure_dir(const char *path, bool tighten, struct err *err)
{
	struct stat st;

	if (mkdir(path, 0700) && errno != EEXIST)
		return err_set(err, -errno, "%s: %s", path, strerror(errno));
	if (stat(path, &st))
		return err_set(err, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(err, -ENOTDIR, "%s: not a directory", path);
	/* snapshots hold system state: root only, like /root */
	if (!tighten)
		return 0;
	/* our own directory: never follow a link planted in its place */
	if (lstat(path, &st) || S_ISLNK(st.st_mode) || st.st_uid != geteuid())
		return err_set(err, -EPERM, "%s: not a directory owned by "
			       "this user; refusing to keep snapshots there",
			       path);
	if ((st.st_mode & 077) && chmod(path, 0700))
		return err_set(err, -errno, "%s: chmod: %s", path,
			       strerror(errno));
	return 0;
}

static int snap_dir(const char *state_dir, char *dir, size_t len,
		    struct err *err)
{
	int rc = check_state_dir(state_dir, err);

	if (!rc)
		rc = ensure_dir(state_dir, false, err);

	if (rc)
		return rc;
	pathf(dir, len, "%s/snapshots", state_dir);
	return ensure_dir(dir, true, err);
}

/* Names are "%06u.ini": 000001.ini ... 999999.ini, then 1000000.ini on. */
static bool parse_id(const char *name, unsigned *id)
{
	char canon[32], *end;
	unsigned long v;

	if (name[0] < '0' || name[0] > '9')
		return false;
	v = strtoul(name, &end, 10);
	if (strcmp(end, ".ini") || v == 0 || v > SNAPSHOT_ID_MAX)
		return false;
	/* one file per id: 0000007.ini is not snapshot 7 */
	snprintf(canon, sizeof(canon), "%06lu.ini", v);
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

/* Ids of the snapshot files present, sorted ascending. */
static int list_ids(const char *dir, unsigned **ids, size_t *n,
		    struct err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned id;

	*ids = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : err_set(err, -errno, "%s: %s", dir,
						     strerror(errno));
	while ((de = readdir(d))) {
		unsigned *v;

		if (!parse_id(de->d_name, &id))
			continue;
		v = realloc(*ids, (*n + 1) * sizeof(*v));
		if (!v)
			abort();
		*ids = v;
		v[(*n)++] = id;
	}
	closedir(d);
	qsort(*ids, *n, sizeof(**ids), cmp_uint);
	return 0;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		s += w;
		n -= w;
	}
	return 0;
}

static void prune(const char *dir, const unsigned *ids, size_t n)
{
	char path[PATH_MAX];

	/* n counts the one just written, which is not in ids */
	for (size_t i = 0; i + SNAPSHOT_KEEP < n + 1 && i < n; i++) {
		pathf(path, sizeof(path), "%s/%06u.ini", dir, ids[i]);
		unlink(path);
	}
}

int snapshot_write(const char *state_dir, const struct plan *plan,
		   struct snap_meta *m, char *path, size_t pathlen,
		   struct err *err)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	char *text = NULL;
	unsigned *ids;
	size_t n;
	int fd, rc, dfd;

	rc = snap_dir(state_dir, dir, sizeof(dir), err);
	if (!rc)
		rc = list_ids(dir, &ids, &n, err);
	if (rc)
		return rc;
	if (n && ids[n - 1] >= SNAPSHOT_ID_MAX) {
		rc = err_set(err, -EOVERFLOW, "%s: snapshot id %u is the last "
			     "one; move the snapshots away", dir, ids[n - 1]);
		goto out;
	}
	m->id = n ? ids[n - 1] + 1 : 1;
	rc = snapshot_render(plan, m, &text, err);
	if (!rc)
		rc = verify(plan, text, err);
	if (rc)
		goto out;
	pathf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", dir);
	fd = mkstemp(tmp);	/* mode 0600 */
	if (fd < 0) {
		rc = err_set(err, -errno, "%s: %s", dir, strerror(errno));
		goto out;
	}
	rc = write_all(fd, text, strlen(text));
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	pathf(path, pathlen, "%s/%06u.ini", dir, m->id);
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		err_set(err, rc, "%s: writing snapshot: %s", path, strerror(-rc));
		goto out;
	}
	/* the rename is durable only once the directory is synced */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd))
		rc = err_set(err, -errno, "%s: fsync: %s", dir, strerror(errno));
	if (dfd >= 0)
		close(dfd);
	if (!rc)
		prune(dir, ids, n);
out:
	free(text);
	free(ids);
	return rc;
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

int snapshot_parse(const char *text, unsigned id, struct snap_info *si)
{
	struct profile p;
	const char *v;
	char *end;
	bool ok;

	memset(si, 0, sizeof(*si));
	si->meta.id = id;
	/* no loader: a snapshot includes nothing */
	profile_parse(&p, "snapshot", text, NULL, NULL, NULL);
	si->nsettings = p.nsysctl;
	for (size_t i = 0; i < p.nnic; i++)
		si->nsettings += p.nic[i].nkv;
	/* Cut short (empty, only the header, only metadata) is damaged too:
	 * every snapshot written holds at least one setting. */
	v = profile_meta(&p, "id");
	ok = !p.nerrors && v && strtoul(v, &end, 10) == id && !*end &&
	     known_command(profile_meta(&p, "command")) && si->nsettings;
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

static void fill_info(struct snap_info *si, const char *path, unsigned id)
{
	char *canon = NULL, *text = NULL;

	if (profile_file_loader(NULL, path, &canon, &text, NULL)) {
		memset(si, 0, sizeof(*si));
		si->meta.id = id;
		snprintf(si->meta.command, sizeof(si->meta.command), "damaged");
	} else {
		snapshot_parse(text, id, si);
	}
	snprintf(si->path, sizeof(si->path), "%s", path);
	free(canon);
	free(text);
}

int snapshot_list(const char *state_dir, struct snap_info **v, size_t *n,
		  struct err *err)
{
	char dir[PATH_MAX], path[PATH_MAX];
	unsigned *ids;
	int rc;

	rc = check_state_dir(state_dir, err);
	if (rc)
		return rc;
	pathf(dir, sizeof(dir), "%s/snapshots", state_dir);
	rc = list_ids(dir, &ids, n, err);
	if (rc)
		return rc;
	*v = calloc(*n + 1, sizeof(**v));
	if (!*v)
		abort();
	for (size_t i = 0; i < *n; i++) {
		pathf(path, sizeof(path), "%s/%06u.ini", dir, ids[i]);
		fill_info(&(*v)[i], path, ids[i]);
	}
	free(ids);
	return 0;
}

int snapshot_find(const char *state_dir, const char *which, char *path,
		  size_t pathlen, struct err *err)
{
	struct snap_info *v;
	size_t n;
	unsigned id = 0;
	int rc;
	char *end;

	if (strcmp(which, "latest")) {
		unsigned long want = strtoul(which, &end, 10);

		if (end == which || *end || !want)
			return err_set(err, -EINVAL, "%s: not a snapshot id "
				       "(a number, or latest)", which);
		id = (unsigned)want;
	}
	rc = snapshot_list(state_dir, &v, &n, err);
	if (rc)
		return rc;
	if (id)
		rc = err_set(err, -ENOENT, "snapshot %u: no such snapshot in "
			     "%s/snapshots", id, state_dir);
	else
		rc = err_set(err, -ENOENT, "%s/snapshots: no snapshot of an "
			     "apply to roll back", state_dir);
	for (size_t i = n; i-- > 0;) {
		bool hit = id ? v[i].meta.id == id
			      : !strcmp(v[i].meta.command, "apply");

		/* never roll back past a snapshot nobody can read */
		if (!id && !strcmp(v[i].meta.command, "damaged")) {
			rc = err_set(err, -EINVAL, "snapshot %u is damaged "
				     "(porttune snapshots show %u); name the "
				     "snapshot to roll back", v[i].meta.id,
				     v[i].meta.id);
			break;
		}
		if (hit) {
			snprintf(path, pathlen, "%s", v[i].path);
			rc = 0;
			break;
		}
	}
	free(v);
	return rc;
}

int state_lock(const char *state_dir, int *fd, struct err *err)
{
	char path[PATH_MAX];
	int rc = check_state_dir(state_dir, err);

	if (!rc)
		rc = ensure_dir(state_dir, false, err);
	if (rc)
		return rc;
	pathf(path, sizeof(path), "%s/lock", state_dir);
	*fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd < 0)
		return err_set(err, -errno, "%s: %s", path, strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB)) {
		rc = errno == EWOULDBLOCK
			? err_set(err, -EBUSY, "%s: another apply or rollback "
				  "is running", path)
			: err_set(err, -errno, "%s: %s", path, strerror(errno));
		close(*fd);
		*fd = -1;
	}
	return rc;
}
