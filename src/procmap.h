/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_PROCMAP_H
#define PORTTUNE_PROCMAP_H

/*
 * Socket inode -> owning process, from the "socket:[INODE]" links under
 * /proc/PID/fd. Costs one readlink per open fd on the host: build it only
 * when the user asked for process attribution.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct procmap;

struct procmap *procmap_new(void);
/* Walk proc_root (NULL: /proc). Vanished processes and EACCES are skipped. */
int procmap_build(struct procmap **out, const char *proc_root, struct err *e);
/* Record an owner; the first owner of an inode wins (fds shared after fork). */
int procmap_add(struct procmap *pm, uint64_t inode, int pid, const char *comm);
bool procmap_lookup(const struct procmap *pm, uint64_t inode, int *pid, const char **comm);
size_t procmap_sockets(const struct procmap *pm);
void procmap_free(struct procmap *pm);

/*
 * cgroup2 ids (the cgroup directory's inode number) -> paths below the mount
 * ("/system.slice/nginx.service"), strdup()ed into paths[i], NULL if not
 * found. root NULL: /sys/fs/cgroup, or its unified/ on systemd hybrid hosts.
 */
int cgroup_paths(const uint64_t *ids, char **paths, size_t n, const char *root,
		 struct err *e);

#endif
