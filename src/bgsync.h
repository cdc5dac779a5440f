/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_BGSYNC_H
#define PORTTUNE_BGSYNC_H

#include <pthread.h>
#include <stdbool.h>

/*
 * fsync(2) of one descriptor on a second thread, so that the wait for the
 * disk overlaps work that does not depend on it. bgsync_wait() must be
 * called on every path after bgsync_start(); the descriptor stays open
 * until then.
 */
struct bgsync {
	pthread_t thread;
	int fd;
	int rc;			/* 0 or -errno of the fsync */
	bool threaded;		/* a thread runs it (else it already ran) */
};

void bgsync_start(struct bgsync *b, int fd);
/* 0, or the fsync's -errno. */
int bgsync_wait(struct bgsync *b);

#endif
