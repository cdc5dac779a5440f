// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "procmap.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#define CG_MAX_DEPTH 64
#define CG_MAX_DIRS 200000	/* bounds the walk on hosts with huge trees */

struct owner {
	int pid;
	char comm[16];
};

struct slot {
	uint64_t ino;		/* 0: empty (no socket has inode 0) */
	uint32_t owner;		/* index into procmap.own */
};

struct procmap {
	struct slot *slot;
	size_t nslot, n;	/* nslot: power of two, kept at most half full */
	struct owner *own;
	size_t nown, capown;
};

static size_t hash_ino(uint64_t ino, size_t mask)
{
	return (size_t)((ino * 0x9E3779B97F4A7C15ull) >> 20) & mask;
}

struct procmap *procmap_new(void)
{
	return calloc(1, sizeof(struct procmap));
}

void procmap_free(struct procmap *pm)
{
	if (!pm)
		return;
	free(pm->slot);
	free(pm->own);
	free(pm);
}

size_t procmap_sockets(const struct procmap *pm)
{
	return pm ? pm->n : 0;
}

static int grow(struct procmap *pm)
{
	size_t nslot = pm->nslot ? pm->nslot * 2 : 1024;
	struct slot *s = calloc(nslot, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < pm->nslot; i++) {
		size_t j;

		if (!pm->slot[i].ino)
			continue;
		for (j = hash_ino(pm->slot[i].ino, nslot - 1); s[j].ino; j = (j + 1) & (nslot - 1))
			;
		s[j] = pm->slot[i];
	}
	free(pm->slot);
	pm->slot = s;
	pm->nslot = nslot;
	return 0;
}

int procmap_add(struct procmap *pm, uint64_t inode, int pid, const char *comm)
{
	size_t j;

	if (!inode)
		return -EINVAL;
	if ((pm->n + 1) * 2 > pm->nslot && grow(pm) < 0)
		return -ENOMEM;
	for (j = hash_ino(inode, pm->nslot - 1); pm->slot[j].ino; j = (j + 1) & (pm->nslot - 1))
		if (pm->slot[j].ino == inode)
			return 0;
	/* The walk adds one process's sockets in a row: reuse its owner entry. */
	if (!pm->nown || pm->own[pm->nown - 1].pid != pid) {
		if (pm->nown == pm->capown) {
			size_t cap = pm->capown ? pm->capown * 2 : 64;
			struct owner *o = realloc(pm->own, cap * sizeof(*o));

			if (!o)
				return -ENOMEM;
			pm->own = o;
			pm->capown = cap;
		}
		pm->own[pm->nown].pid = pid;
		snprintf(pm->own[pm->nown].comm, sizeof(pm->own[0].comm), "%s", comm ? comm : "");
		pm->nown++;
	}
	pm->slot[j].ino = inode;
	pm->slot[j].owner = (uint32_t)(pm->nown - 1);
	pm->n++;
	return 0;
}

bool procmap_lookup(const struct procmap *pm, uint64_t inode, int *pid, const char **comm)
{
	if (!pm || !pm->nslot || !inode)
		return false;
	for (size_t j = hash_ino(inode, pm->nslot - 1); pm->slot[j].ino; j = (j + 1) & (pm->nslot - 1)) {
		if (pm->slot[j].ino == inode) {
			const struct owner *o = &pm->own[pm->slot[j].owner];

			if (pid)
				*pid = o->pid;
			if (comm)
				*comm = o->comm;
			return true;
		}
	}
	return false;
}

static void read_comm(const char *root, const char *pid, char comm[16])
{
	char path[300];
	ssize_t n;
	int fd;

	comm[0] = 0;
	snprintf(path, sizeof(path), "%s/%s/comm", root, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, comm, 15);
	close(fd);
	if (n <= 0)
		return;
	comm[n] = 0;
	comm[strcspn(comm, "\n")] = 0;
}

/* Returns -ENOMEM only; unreadable or vanished processes are not errors. */
static int scan_pid(struct procmap *pm, const char *root, const char *pid)
{
	char path[300], link[64], comm[16] = "";
	struct dirent *de;
	int dfd, ret = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s/fd", root, pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;	/* ENOENT: exited; EACCES: another user's */
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	while (ret == 0 && (de = readdir(d))) {
		ssize_t n;
		char *end;
		uint64_t ino;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dfd, de->d_name, link, sizeof(link) - 1);
		if (n < 10 || memcmp(link, "socket:[", 8))
			continue;
		link[n] = 0;
		ino = strtoull(link + 8, &end, 10);
		if (*end != ']' || !ino)
			continue;
		if (!comm[0])
			read_comm(root, pid, comm);
		ret = procmap_add(pm, ino, atoi(pid), comm);
	}
	closedir(d);
	return ret;
}

int procmap_build(struct procmap **out, const char *proc_root, struct err *e)
{
	const char *root = proc_root ? proc_root : "/proc";
	struct procmap *pm;
	struct dirent *de;
	int ret = 0;
	DIR *d;

	*out = NULL;
	d = opendir(root);
	if (!d)
		return err_set(e, -errno, "%s: %s", root, strerror(errno));
	pm = procmap_new();
	if (!pm) {
		closedir(d);
		return err_set(e, -ENOMEM, "process map: out of memory");
	}
	/* Only /proc/PID: threads (/proc/PID/task/TID) share their process's fds. */
	while (ret == 0 && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		ret = scan_pid(pm, root, de->d_name);
	}
	closedir(d);
	if (ret < 0) {
		procmap_free(pm);
		return err_set(e, ret, "process map: out of memory");
	}
	*out = pm;
	return 0;
}

struct cg_walk {
	const uint64_t *ids;
	char **paths;
	size_t n, left;
	unsigned dirs;
	char path[4096];
};

static void cg_found(struct cg_walk *w, uint64_t ino)
{
	for (size_t i = 0; i < w->n; i++) {
		if (!w->paths[i] && w->ids[i] == ino) {
			w->paths[i] = strdup(w->path[0] ? w->path : "/");
			w->left -= w->paths[i] != NULL;
		}
	}
}

static void cg_walk(struct cg_walk *w, int dfd, size_t plen, unsigned depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return;
	}
	while (w->left && (de = readdir(d))) {
		size_t nl = plen + 1 + strlen(de->d_name);
		int cfd;

		/* kernfs fills d_type and d_ino (= cgroup id), so no stat() per dir */
		if (de->d_type != DT_DIR || de->d_name[0] == '.' || nl >= sizeof(w->path) ||
		    ++w->dirs > CG_MAX_DIRS)
			continue;
		w->path[plen] = '/';
		memcpy(w->path + plen + 1, de->d_name, nl - plen);
		cg_found(w, de->d_ino);
		if (depth < CG_MAX_DEPTH &&
		    (cfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
			cg_walk(w, cfd, nl, depth + 1);
		w->path[plen] = 0;
	}
	closedir(d);
}

static bool is_cgroup2(const char *dir)
{
	struct statfs sfs;

	return statfs(dir, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int cgroup_paths(const uint64_t *ids, char **paths, size_t n, const char *root,
		 struct err *e)
{
	const char *dir = root;
	struct cg_walk *w;
	struct stat st;
	int fd;

	if (!dir) {
		/* v1 ids are per hierarchy; only the v2 tree matches INET_DIAG_CGROUP_ID */
		dir = "/sys/fs/cgroup";
		if (!is_cgroup2(dir))
			dir = "/sys/fs/cgroup/unified";
		if (!is_cgroup2(dir))
			return err_set(e, -EOPNOTSUPP, "/sys/fs/cgroup: no cgroup2 hierarchy mounted");
	}
	if (!n)
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		return err_set(e, -ENOMEM, "cgroups: out of memory");
	*w = (struct cg_walk){ .ids = ids, .paths = paths, .n = n, .left = n };
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		free(w);
		return err_set(e, -errno, "%s: %s", dir, strerror(errno));
	}
	if (fstat(fd, &st) == 0)
		cg_found(w, st.st_ino);
	cg_walk(w, fd, 0, 0);
	free(w);
	return 0;
}
