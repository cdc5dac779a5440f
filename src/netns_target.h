/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_NETNS_TARGET_H
#define PORTTUNE_NETNS_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* A network namespace is the (st_dev, st_ino) of its nsfs file. */
struct ns_ident {
	dev_t dev;
	ino_t ino;
};

/*
 * Open the network namespace SPEC names: a name under /run/netns, a PID
 * (its /proc/PID/ns/net) or a path to a namespace file. Checks that it
 * is a network namespace. -errno with a message naming SPEC.
 */
int nst_open(const char *spec, int *fd, struct err *err);

/* setns(fd, CLONE_NEWNET) for the calling (single-threaded) process. */
int nst_enter(int fd, const char *what, struct err *err);

/* The namespace of an open nsfs fd, or of this thread. */
int nst_ident_fd(int fd, struct ns_ident *id);
int nst_ident_self(struct ns_ident *id);

/* Its name under /run/netns, into buf; false when it has none. */
bool nst_name(const struct ns_ident *id, char *buf, size_t len);

/* "NAME" or "net:[INODE]", for messages: the namespace of this thread. */
const char *nst_describe_self(char *buf, size_t len);

/* Whether this thread is in the initial (host) network namespace. */
bool nst_self_is_initial(void);

#endif
