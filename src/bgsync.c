// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <unistd.h>

#include "bgsync.h"

static void *run(void *arg)
{
	struct bgsync *b = arg;

	b->rc = fsync(b->fd) ? -errno : 0;
	return NULL;
}

void bgsync_start(struct bgsync *b, int fd)
{
	b->fd = fd;
	b->rc = 0;
	/* no thread to be had (EAGAIN under a tight limit): wait here */
	b->threaded = !pthread_create(&b->thread, NULL, run, b);
	if (!b->threaded)
		run(b);
}

int bgsync_wait(struct bgsync *b)
{
	if (b->threaded)
		pthread_join(b->thread, NULL);
	b->threaded = false;
	return b->rc;
}
