// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Boot-time sysctl configuration as systemd-sysctl applies it (sysctl.d(5)):
 * which files win, in which order, and what value each key ends up with.
 * The parser and the precedence rules are pure; sysctld_load does the I/O.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysctl.h"
#include "xalloc.h"
#include "sysctld.h"

#define CONF_MAX (1 << 20)	/* larger sysctl.d files are not config */

/* systemd's CONF_PATHS("sysctl.d"), highest precedence first */
static const char *const dirs[] = {
	"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
	"/usr/lib/sysctl.d", "/lib/sysctl.d",
};

static void push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

__attribute__((format(printf, 2, 3)))
static void warn(struct sysctld_conf *c, const char *fmt, ...)
{
	char *s;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	push(&c->warnings, &c->nwarnings, s);
}

void root_path(char *buf, size_t len, const char *root, const char *path)
{
	size_t r = root ? strlen(root) : 0;

	while (r > 0 && root[r - 1] == '/')
		r--;
	snprintf(buf, len, "%.*s%s", (int)r, r ? root : "", path);
}

/*
 * sysctl.d: if the first separator is '/', slashes separate and dots are
 * literal; canonical is the dotted form with '/' for a literal dot.
 */
static char *canon_key(const char *k, size_t n)
{
	char *out = xstrndup(k, n);
	size_t first = strcspn(out, "./");

	if (out[first] == '/')
		for (char *p = out; *p; p++)
			*p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
	return out;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static void add_entry(struct sysctld_conf *c, const char *file, int line,
		      const char *k, size_t kn, const char *v, size_t vn,
		      bool has_value)
{
	struct sysctld_entry *e;

	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	e = &c->v[c->n++];
	e->key = canon_key(k, kn);
	e->value = has_value ? xstrndup(v, vn) : NULL;
	e->glob = strpbrk(e->key, "*?[") != NULL;
	e->file = file;
	e->line = line;
}

void sysctld_parse(struct sysctld_conf *conf, const char *file,
		   const char *text)
{
	const char *p = text;

	for (int line = 1; *p; line++) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *k = p, *eq, *v;
		size_t kn = len, vn = 0;

		p += len + !!end;
		trim(&k, &kn);
		if (!kn || *k == '#' || *k == ';')
			continue;
		eq = memchr(k, '=', kn);
		if (*k == '-') {	/* "ignore failures"; alone: exclusion */
			k++, kn--;
			if (!eq) {
				trim(&k, &kn);
				if (kn)
					add_entry(conf, file, line, k, kn,
						  NULL, 0, false);
				continue;
			}
		}
		if (!eq) {
			warn(conf, "%s:%d: not an assignment, ignored", file,
			     line);
			continue;
		}
		v = eq + 1;
		vn = kn - (size_t)(v - k);
		kn = (size_t)(eq - k);
		trim(&k, &kn);
		trim(&v, &vn);
		if (!kn) {
			warn(conf, "%s:%d: empty key, ignored", file, line);
			continue;
		}
		add_entry(conf, file, line, k, kn, v, vn, true);
	}
}

static int cmp_file(const void *a, const void *b, void *ctx)
{
	const struct sysctld_file *v = ctx;
	const size_t *x = a, *y = b;
	int c = strcmp(v[*x].name, v[*y].name);

	return c ? c : v[*x].rank - v[*y].rank;
}

size_t sysctld_select(const struct sysctld_file *v, size_t n, size_t *out)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		out[i] = i;
	qsort_r(out, n, sizeof(*out), cmp_file, (void *)v);
	/* sorted by name, then rank: the first of each name wins */
	for (size_t i = 0; i < n; i++)
		if (!kept || strcmp(v[out[kept - 1]].name, v[out[i]].name))
			out[kept++] = out[i];
	return kept;
}

static bool is_conf(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".conf");
}

static int read_text(const char *path, char **text)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	char *buf = NULL;
	ssize_t r;

	if (fd < 0)
		return -errno;
	buf = xrealloc(NULL, CONF_MAX + 1);
	while (len < CONF_MAX &&
	       (r = read(fd, buf + len, CONF_MAX - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(buf);
			close(fd);
			return (int)r;
		}
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	*text = buf;
	return 0;
}

int sysctld_load(struct sysctld_conf *conf, const char *root,
		 const char *skip, struct err *err)
{
	struct sysctld_file *cand = NULL;
	char path[PATH_MAX], **names = NULL;
	size_t n = 0, nnames = 0, *order, kept;

	(void)err;
	memset(conf, 0, sizeof(*conf));
	for (size_t d = 0; d < sizeof(dirs) / sizeof(*dirs); d++) {
		struct dirent *de;
		DIR *dir;

		root_path(path, sizeof(path), root, dirs[d]);
		dir = opendir(path);
		if (!dir) {
			if (errno != ENOENT && errno != ENOTDIR)
				warn(conf, "%s: %s", dirs[d], strerror(errno));
			continue;
		}
		while ((de = readdir(dir))) {
			if (!is_conf(de->d_name))
				continue;
			push(&names, &nnames, xstrndup(de->d_name, NAME_MAX));
			cand = xrealloc(cand, (n + 1) * sizeof(*cand));
			cand[n++] = (struct sysctld_file){ (int)d, dirs[d],
							   names[nnames - 1] };
		}
		closedir(dir);
	}
	/* Debian links /etc/sysctl.d/99-sysctl.conf to ../sysctl.conf; any
	 * real 99-sysctl.conf hides it, as the link would */
	root_path(path, sizeof(path), root, "/etc/sysctl.conf");
	if (!access(path, F_OK)) {
		cand = xrealloc(cand, (n + 1) * sizeof(*cand));
		cand[n++] = (struct sysctld_file){ (int)(sizeof(dirs) /
			sizeof(*dirs)), "/etc/sysctl.conf", "99-sysctl.conf" };
	}
	order = xrealloc(NULL, (n + 1) * sizeof(*order));
	kept = sysctld_select(cand, n, order);
	for (size_t i = 0; i < kept; i++) {
		const struct sysctld_file *f = &cand[order[i]];
		char logical[PATH_MAX], *text = NULL;
		int rc;

		if (!strcmp(f->dir, "/etc/sysctl.conf"))
			snprintf(logical, sizeof(logical), "%s", f->dir);
		else
			snprintf(logical, sizeof(logical), "%s/%s", f->dir,
				 f->name);
		if (skip && !strcmp(skip, logical))
			continue;
		root_path(path, sizeof(path), root, logical);
		rc = read_text(path, &text);
		if (rc) {
			warn(conf, "%s: %s", logical, strerror(-rc));
			continue;
		}
		push(&conf->files, &conf->nfiles, xstrndup(logical, PATH_MAX));
		sysctld_parse(conf, conf->files[conf->nfiles - 1], text);
		free(text);
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(cand);
	free(order);
	return 0;
}

void sysctld_free(struct sysctld_conf *conf)
{
	for (size_t i = 0; i < conf->n; i++) {
		free(conf->v[i].key);
		free(conf->v[i].value);
	}
	for (size_t i = 0; i < conf->nfiles; i++)
		free(conf->files[i]);
	for (size_t i = 0; i < conf->nwarnings; i++)
		free(conf->warnings[i]);
	free(conf->v);
	free(conf->files);
	free(conf->warnings);
	memset(conf, 0, sizeof(*conf));
}

/* Dotted canonical -> /proc/sys path form, where '/' separates. */
static void to_path(const char *key, char *out, size_t len)
{
	size_t i = 0;

	for (; key[i] && i + 1 < len; i++)
		out[i] = key[i] == '.' ? '/' : key[i] == '/' ? '.' : key[i];
	out[i] = '\0';
}

bool sysctld_entry_matches(const struct sysctld_entry *e, const char *key)
{
	char pat[PATH_MAX], k[PATH_MAX];

	if (!e->glob)
		return !strcmp(e->key, key);
	/* systemd-sysctl globs /proc/sys: '*' stays within one component */
	to_path(e->key, pat, sizeof(pat));
	to_path(key, k, sizeof(k));
	return !fnmatch(pat, k, FNM_PATHNAME);
}

const struct sysctld_entry *sysctld_effective(const struct sysctld_conf *conf,
					      const char *key)
{
	const struct sysctld_entry *glob = NULL;

	/* an explicit assignment replaces earlier ones and keeps every glob
	 * off the key, whichever file comes later (sysctl.d(5)) */
	for (size_t i = conf->n; i-- > 0;) {
		const struct sysctld_entry *e = &conf->v[i];

		if (!e->glob && !strcmp(e->key, key))
			return e->value ? e : NULL;
		if (e->glob && e->value && !glob &&
		    sysctld_entry_matches(e, key))
			glob = e;
	}
	return glob;
}


void sysctld_conflicts(const struct sysctld_conf *conf,
		       const struct profile *p, struct boot_conflicts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < p->nsysctl; i++) {
		const struct pkv *kv = &p->sysctl[i];
		const struct sysctld_entry *e = sysctld_effective(conf,
								  kv->key);
		struct boot_conflict *c;

		if (!e || sysctl_same_value(kv->key, e->value, kv->value))
			continue;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		c = &out->v[out->n++];
		c->setting = xstrdup(kv->key);
		c->file = xstrdup(e->file);
		c->line = e->line;
		c->value = xstrdup(e->value);
		c->profile_value = xstrdup(kv->value);
	}
}

void boot_conflicts_free(struct boot_conflicts *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].setting);
		free(c->v[i].file);
		free(c->v[i].value);
		free(c->v[i].profile_value);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int boot_conflicts_find(const char *root, const struct profile *p,
			struct boot_conflicts *out, struct err *err)
{
	struct sysctld_conf conf;
	int rc;

	memset(out, 0, sizeof(*out));
	/* boot-time files set sysctls only: nothing to read for NIC keys */
	if (!p->nsysctl)
		return 0;
	rc = sysctld_load(&conf, root, NULL, err);
	if (!rc)
		sysctld_conflicts(&conf, p, out);
	sysctld_free(&conf);
	return rc;
}
