/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_NETNS_H
#define PORTTUNE_NETNS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Identity of a network namespace: what a snapshot records. */
struct netns_id {
	unsigned long long dev, ino;	/* of its nsfs file */
	char boot_id[40];	/* /proc/sys/kernel/random/boot_id */
	char name[256];		/* its /run/netns name, "" when none */
	bool initial;		/* the host's (init_net), same on every boot */
};

/* The namespace this process runs in (/proc/self/ns/net). */
int netns_self(struct netns_id *id, struct err *err);

/*
 * The same namespace? The same boot and the same (dev, ino), or both the
 * initial namespace: that one survives a reboot, while the inode of any
 * other is reused by unrelated namespaces after it (pure).
 */
bool netns_same(const struct netns_id *a, const struct netns_id *b);

/* "name (net:[ino])" or "net:[ino]", for messages (pure). */
void netns_describe(const struct netns_id *id, char *buf, size_t len);

#endif
