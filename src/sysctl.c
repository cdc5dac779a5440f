// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading, writing and probing /proc/sys. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"
#include "sysctl.h"
#include "words.h"

#define PROC_SYS "/proc/sys/"

/* Where keys live: /proc/sys, or a tree of files a unit test made. */
static const char *root = PROC_SYS;

void sysctl_set_root(const char *dir)
{
	root = dir ? dir : PROC_SYS;
}

/* Some net. keys stay host-wide: read-only inside a child namespace. */
static bool in_child_netns(void)
{
	return !netns_self_initial();
}

static int key_path(const char *key, char *path, size_t len)
{
	size_t o = strlen(root);

	if (strlen(key) + o >= len)
		return -ENAMETOOLONG;
	memcpy(path, root, o);
	for (; *key; key++)
		path[o++] = *key == '.' ? '/' : *key == '/' ? '.' : *key;
	path[o] = '\0';
	return 0;
}

int sysctl_read(const char *key, char *val, size_t len, struct err *err)
{
	char path[PATH_MAX], raw[SYSCTL_VALUE_MAX];
	ssize_t n;
	int fd;

	if (key_path(key, path, sizeof(path)))
		return err_set(err, -ENAMETOOLONG, "%s: name too long", key);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "%s: %s", key, strerror(errno));
	n = read(fd, raw, sizeof(raw) - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		return err_set(err, -e, "%s: read: %s", key, strerror(e));
	}
	close(fd);
	raw[n] = '\0';
	sysctl_norm_ws(raw, val, len);
	return 0;
}

int sysctl_write(const char *key, const char *val, struct err *err)
{
	char path[PATH_MAX];
	size_t n = strlen(val);
	ssize_t w;
	int fd, e;

	if (key_path(key, path, sizeof(path)))
		return err_set(err, -ENAMETOOLONG, "%s: name too long", key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "%s: %s", key, strerror(errno));
	/* An empty write is how a list such as reserved ports is cleared. */
	w = write(fd, n ? val : "\n", n ? n : 1);
	e = w < 0 ? errno : 0;
	if (close(fd) && !e)
		e = errno;
	if (e)
		return err_set(err, -e, "%s: kernel refused '%s': %s",
			       key, val, strerror(e));
	return 0;
}

/* A sibling in the same /proc/sys directory whose name is close. */
static const char *suggest_sibling(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct dirent *de;
	const char *best = NULL;
	char **names = NULL;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	d = opendir(dir);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char **nn = realloc(names, (n + 1) * sizeof(*names));

		if (!nn)
			break;
		names = nn;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	best = nearest_word(slash + 1, (const char *const *)names, n);
	if (best)
		snprintf(buf, len, "%s", best);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return best ? buf : NULL;
}

int sysctl_probe(const char *key, struct err *err)
{
	char path[PATH_MAX], sug[256];
	struct stat st;

	if (key_path(key, path, sizeof(path)))
		return err_set(err, -ENAMETOOLONG, "%s: name too long", key);
	if (stat(path, &st) < 0) {
		const char *since = sysctl_since(key);

		if (errno != ENOENT)
			return err_set(err, -errno, "%s: %s", key,
				       strerror(errno));
		if (since)
			return err_set(err, -EOPNOTSUPP,
				       "%s: not in this kernel (needs Linux %s)",
				       key, since);
		if (strchr(key, '.') && suggest_sibling(path, sug, sizeof(sug))) {
			char *dot = strrchr(key, '.');

			return err_set(err, -ENOENT,
				       "%s: no such sysctl; did you mean %.*s.%s?",
				       key, (int)(dot - key), key, sug);
		}
		return err_set(err, -ENOENT, "%s: no such sysctl", key);
	}
	if (S_ISDIR(st.st_mode))
		return err_set(err, -EISDIR, "%s: is a directory, not a setting",
			       key);
	if (!(st.st_mode & 0222))
		return err_set(err, -EACCES, !strncmp(key, "net.", 4) &&
			       in_child_netns() ? "%s: a host-wide setting, "
			       "read-only in this network namespace"
			       : "%s: read-only in this kernel", key);
	return 0;
}
