// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * porttune persist: make a profile survive reboot and hotplug, and
 * persist --remove: take exactly that back. Also the --root path mapping
 * and the boot-conflict report that diff, apply and audit share.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "persist.h"

enum { EXIT_PERSIST_FAILED = 1, EXIT_PERSIST_BAD_INPUT = 2 };

static const char *const rooted_dirs[] = {
	"/etc/", "/run/", "/usr/lib/", "/usr/local/lib/", "/lib/",
};

const char *rooted(const struct gopts *g, const char *path, char *buf,
		   size_t len)
{
	if (!g->root || !g->root[0] || path[0] != '/')
		return path;
	for (size_t i = 0; i < sizeof(rooted_dirs) / sizeof(*rooted_dirs); i++)
		if (!strncmp(path, rooted_dirs[i], strlen(rooted_dirs[i]))) {
			root_path(buf, len, g->root, path);
			return buf;
		}
	return path;
}

void conflicts_print(const struct boot_conflicts *c)
{
	for (size_t i = 0; i < c->n; i++)
		fprintf(stderr, "porttune: warning: %s:%d sets %s = %s; the "
			"next boot undoes this profile\n", c->v[i].file,
			c->v[i].line, c->v[i].setting, c->v[i].value);
}

json_object *conflicts_json(const struct boot_conflicts *c)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < c->n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "setting",
				       json_object_new_string(c->v[i].setting));
		json_object_object_add(o, "file",
				       json_object_new_string(c->v[i].file));
		json_object_object_add(o, "line",
				       json_object_new_int(c->v[i].line));
		json_object_object_add(o, "value",
				       json_object_new_string(c->v[i].value));
		json_object_object_add(o, "profile_value", json_object_new_string(
					       c->v[i].profile_value));
		json_object_array_add(a, o);
	}
	return a;
}

/* ---- files ------------------------------------------------------------ */

static int read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t cap = 4096, n = 0, r;
	char *b;

	if (!f)
		return -errno;
	b = malloc(cap);
	while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap)
			b = realloc(b, cap *= 2);
	}
	if (!b)
		abort();
	fclose(f);
	b[n] = '\0';
	*text = b;
	if (len)
		*len = n;
	return 0;
}

/* mkdir -p under root; every directory made is recorded for --remove. */
static int make_dirs(const char *root, const char *logical_file,
		     struct manifest *m, struct err *err)
{
	char logical[PATH_MAX], real[PATH_MAX];

	snprintf(logical, sizeof(logical), "%s", logical_file);
	for (char *p = logical + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		root_path(real, sizeof(real), root, logical);
		if (!mkdir(real, 0755)) {
			if (!manifest_find(m, MF_DIR, logical))
				manifest_add(m, MF_DIR, logical, NULL);
		} else if (errno != EEXIST) {
			return err_set(err, -errno, "%s: %s", real,
				       strerror(errno));
		}
		*p = '/';
	}
	return 0;
}

/* temporary file, fsync, rename, fsync the directory */
static int write_atomic(const char *path, const char *text, struct err *err)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX];
	size_t len = strlen(text);
	int fd, dfd, rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp~", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0)
		return err_set(err, -errno, "%s: %s", tmp, strerror(errno));
	if (fchmod(fd, 0644) || write(fd, text, len) != (ssize_t)len ||
	    fsync(fd))
		rc = err_set(err, -errno, "%s: %s", tmp, strerror(errno));
	if (close(fd) && !rc)
		rc = err_set(err, -errno, "%s: %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path))
		rc = err_set(err, -errno, "%s: %s", path, strerror(errno));
	if (rc) {
		unlink(tmp);
		return rc;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* One file persist writes. */
struct out {
	char path[PATH_MAX];	/* logical */
	char *text;		/* NULL: a symlink to `target` */
	const char *target;
};

/* Whether what the manifest recorded is still there unchanged. */
static int entry_state(const char *root, const struct manifest_entry *e)
{
	char real[PATH_MAX], target[PATH_MAX], h[17], *text;
	size_t len;
	ssize_t n;
	int rc;

	root_path(real, sizeof(real), root, e->path);
	if (e->kind == MF_LINK) {
		n = readlink(real, target, sizeof(target) - 1);
		if (n < 0)
			return errno == ENOENT ? -ENOENT : -EIO;
		target[n] = '\0';
		return strcmp(target, e->check) ? 1 : 0;
	}
	rc = read_file(real, &text, &len);
	if (rc)
		return rc == -ENOENT ? -ENOENT : -EIO;
	persist_hash(text, len, h);
	free(text);
	return strcmp(h, e->check) ? 1 : 0;
}

/* Refuse when a file persist wrote was changed since (unless forced). */
static int check_unchanged(const char *root, const struct manifest *m,
			   bool force, struct err *err)
{
	size_t changed = 0;

	for (size_t i = 0; i < m->n; i++) {
		int st = m->v[i].kind == MF_DIR ? 0 : entry_state(root, &m->v[i]);

		/* a file already gone is no loss */
		if (st == 0 || st == -ENOENT)
			continue;
		changed++;
		if (!force)
			pt_error("persist: %s was changed since porttune wrote "
				 "it", m->v[i].path);
	}
	if (changed && !force)
		return err_set(err, -EEXIST, "nothing done; keep your changes "
			       "elsewhere, or use --force to overwrite or "
			       "remove them");
	return 0;
}

static int load_manifest(const char *root, struct manifest *m,
			 struct err *err)
{
	char real[PATH_MAX], *text;
	int rc;

	memset(m, 0, sizeof(*m));
	root_path(real, sizeof(real), root, PERSIST_MANIFEST);
	rc = read_file(real, &text, NULL);
	if (rc == -ENOENT)
		return 1;
	if (rc)
		return err_set(err, rc, "%s: %s", real, strerror(-rc));
	rc = manifest_parse(m, text, err);
	free(text);
	return rc;
}

static void remove_entries(const char *root, const struct manifest *m,
			   enum manifest_kind kind, const struct out *keep,
			   size_t nkeep)
{
	char real[PATH_MAX];

	/* newest first, so directories go deepest first */
	for (size_t i = m->n; i-- > 0;) {
		bool kept = false;

		if (m->v[i].kind != kind)
			continue;
		for (size_t k = 0; k < nkeep; k++)
			kept |= !strcmp(keep[k].path, m->v[i].path);
		if (kept)
			continue;
		root_path(real, sizeof(real), root, m->v[i].path);
		if (kind == MF_DIR)
			rmdir(real);	/* only when empty: not ours alone */
		else
			unlink(real);
	}
}

static char *self_command(const struct gopts *g, struct err *err)
{
	char exe[PATH_MAX], *cmd;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0) {
		err_set(err, -errno, "/proc/self/exe: %s", strerror(errno));
		return NULL;
	}
	exe[n] = '\0';
	if (persist_cmd_ok(exe, err) ||
	    (strcmp(g->state_dir, DEFAULT_STATE_DIR) &&
	     persist_cmd_ok(g->state_dir, err)))
		return NULL;
	if (!strcmp(g->state_dir, DEFAULT_STATE_DIR)) {
		if (!(cmd = strdup(exe)))
			abort();
	} else if (asprintf(&cmd, "%s --state-dir %s", exe, g->state_dir) < 0) {
		abort();
	}
	return cmd;
}

static size_t render(const struct gopts *g, const struct profile *p,
		     const char *source, const char *conf_name,
		     struct out *o, struct err *err)
{
	char *cmd;
	size_t n = 0;

	snprintf(o[n].path, sizeof(o[n].path), PERSIST_PROFILE);
	o[n++].text = persist_profile_text(p, source);
	if (p->nsysctl) {
		snprintf(o[n].path, sizeof(o[n].path), PERSIST_SYSCTL_DIR "/%s",
			 conf_name);
		o[n++].text = persist_sysctl_text(p, source);
	}
	/* NIC settings need the unit and the rule; sysctls alone do not */
	if (!p->nnic)
		return n;
	cmd = self_command(g, err);
	if (!cmd)
		return 0;
	snprintf(o[n].path, sizeof(o[n].path), PERSIST_UNIT);
	o[n++].text = persist_unit_text(cmd, source);
	snprintf(o[n].path, sizeof(o[n].path), PERSIST_UNIT_LINK);
	o[n++].target = PERSIST_UNIT;	/* what systemctl enable makes */
	snprintf(o[n].path, sizeof(o[n].path), PERSIST_RULE);
	o[n++].text = persist_rule_text(cmd, source);
	free(cmd);
	return n;
}

static int write_outs(const char *root, const struct out *o, size_t n,
		      struct manifest *m, struct err *err)
{
	char real[PATH_MAX], h[17];

	for (size_t i = 0; i < n; i++) {
		int rc = make_dirs(root, o[i].path, m, err);

		root_path(real, sizeof(real), root, o[i].path);
		if (!rc && o[i].text) {
			rc = write_atomic(real, o[i].text, err);
			persist_hash(o[i].text, strlen(o[i].text), h);
			manifest_add(m, MF_FILE, o[i].path, h);
		} else if (!rc) {
			unlink(real);
			if (symlink(o[i].target, real))
				rc = err_set(err, -errno, "%s: %s", real,
					     strerror(errno));
			manifest_add(m, MF_LINK, o[i].path, o[i].target);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* A file of that name that persist did not write is not ours to replace. */
static int check_foreign(const char *root, const struct out *o, size_t n,
			 const struct manifest *old, struct err *err)
{
	char real[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < n; i++) {
		root_path(real, sizeof(real), root, o[i].path);
		if (lstat(real, &st) || manifest_find(old, MF_FILE, o[i].path) ||
		    manifest_find(old, MF_LINK, o[i].path))
			continue;
		return err_set(err, -EEXIST, "%s exists and porttune did not "
			       "write it; nothing done", o[i].path);
	}
	return 0;
}

static int persist(const struct gopts *g, const char *path, bool dry_run,
		   bool force)
{
	const struct manifest_entry *old_conf = NULL;
	struct manifest old, m = { 0 };
	struct sysctld_conf conf;
	struct profile prof;
	struct out o[5] = { 0 };
	char buf[PATH_MAX], name[64], source[PATH_MAX];
	struct err e = { 0 };
	size_t n = 0;
	int rc, code = EXIT_PERSIST_FAILED;

	if (profile_load(&prof, rooted(g, path, buf, sizeof(buf)), &e)) {
		profile_print_diags(&prof);
		if (!prof.nerrors)
			pt_error("persist: %s", e.msg);
		profile_free(&prof);
		return EXIT_PERSIST_BAD_INPUT;
	}
	profile_print_diags(&prof);
	rc = load_manifest(g->root, &old, &e);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < old.n && !old_conf; i++)
		if (old.v[i].kind == MF_FILE &&
		    !strncmp(old.v[i].path, PERSIST_SYSCTL_DIR "/",
			     strlen(PERSIST_SYSCTL_DIR) + 1))
			old_conf = &old.v[i];
	/* the file this persist replaces does not count against itself */
	sysctld_load(&conf, g->root, old_conf ? old_conf->path : NULL, &e);
	rc = persist_pick_name(&conf, &prof, name, sizeof(name), &e);
	sysctld_free(&conf);
	/* the header names the profile by a path that means something later */
	if (!realpath(prof.path, source))
		snprintf(source, sizeof(source), "%s", path);
	if (!rc && !(n = render(g, &prof, source, name, o, &e)))
		rc = -EINVAL;
	if (rc)
		goto out;
	if (dry_run) {
		for (size_t i = 0; i < n; i++)
			if (o[i].text)
				printf("==> %s <==\n%s\n", o[i].path, o[i].text);
			else
				printf("==> %s <==\nsymbolic link to %s\n\n",
				       o[i].path, o[i].target);
		printf("persist: dry run, nothing written (and a manifest, "
		       PERSIST_MANIFEST ", for persist --remove)\n");
		code = EXIT_OK;
		goto out;
	}
	if (check_unchanged(g->root, &old, force, &e) ||
	    check_foreign(g->root, o, n, &old, &e))
		goto out;
	/* directories an earlier persist made stay ours to remove */
	for (size_t i = 0; i < old.n; i++)
		if (old.v[i].kind == MF_DIR)
			manifest_add(&m, MF_DIR, old.v[i].path, NULL);
	if (make_dirs(g->root, PERSIST_MANIFEST, &m, &e) ||
	    write_outs(g->root, o, n, &m, &e))
		goto out;
	remove_entries(g->root, &old, MF_FILE, o, n);
	remove_entries(g->root, &old, MF_LINK, o, n);
	{
		char *text = manifest_render(&m);

		root_path(buf, sizeof(buf), g->root, PERSIST_MANIFEST);
		rc = write_atomic(buf, text, &e);
		free(text);
		if (rc)
			goto out;
	}
	for (size_t i = 0; i < n; i++)
		printf("wrote %s\n", o[i].path);
	printf("persist: %s is permanent from the next boot; now: porttune "
	       "apply%s\n", path, prof.nnic ? ", systemctl daemon-reload, "
	       "udevadm control --reload" : "");
	code = EXIT_OK;
out:
	if (code && e.msg[0])
		pt_error("persist: %s", e.msg);
	for (size_t i = 0; i < n; i++)
		free(o[i].text);
	manifest_free(&old);
	manifest_free(&m);
	profile_free(&prof);
	return finish_stdout(code);
}

static int persist_remove(const struct gopts *g, bool dry_run, bool force)
{
	struct manifest m;
	struct err e = { 0 };
	char real[PATH_MAX];
	int rc = load_manifest(g->root, &m, &e);

	if (rc > 0) {
		printf("persist: nothing to remove (no " PERSIST_MANIFEST ")\n");
		return finish_stdout(EXIT_OK);
	}
	if (rc || check_unchanged(g->root, &m, force, &e)) {
		pt_error("persist --remove: %s", e.msg);
		manifest_free(&m);
		return EXIT_PERSIST_FAILED;
	}
	for (size_t i = 0; i < m.n; i++)
		if (m.v[i].kind != MF_DIR)
			printf("%s %s\n", dry_run ? "would remove" : "removed",
			       m.v[i].path);
	if (!dry_run) {
		remove_entries(g->root, &m, MF_FILE, NULL, 0);
		remove_entries(g->root, &m, MF_LINK, NULL, 0);
		root_path(real, sizeof(real), g->root, PERSIST_MANIFEST);
		unlink(real);
		remove_entries(g->root, &m, MF_DIR, NULL, 0);
	}
	manifest_free(&m);
	return finish_stdout(EXIT_OK);
}

int cmd_persist(int argc, char **argv, const struct gopts *g)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "remove", no_argument, NULL, 'R' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *path = NULL;
	bool dry_run = false, remove = false, force = false;
	int c;

	while ((c = getopt_long(argc, argv, "p:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			path = optarg;
			break;
		case 'n':
			dry_run = true;
			break;
		case 'R':
			remove = true;
			break;
		case 'F':
			force = true;
			break;
		case 'h':
			cmd_usage(stdout, g);
			return finish_stdout(EXIT_OK);
		default:
			cmd_usage(stderr, g);
			return EXIT_PERSIST_BAD_INPUT;
		}
	}
	if (optind < argc || !path == !remove) {
		cmd_usage(stderr, g);
		return EXIT_PERSIST_BAD_INPUT;
	}
	return remove ? persist_remove(g, dry_run, force)
		      : persist(g, path, dry_run, force);
}
