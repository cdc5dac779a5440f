/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A /proc/sys of the test's own: files under a temporary directory with the
 * values a test states, so a unit test's outcome never depends on the host
 * it runs on. sysctl_read/write/probe are pointed at it.
 */
#ifndef FAKE_SYSCTL_H
#define FAKE_SYSCTL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysctl.h"

static char fake_root[64];

/* "net/ipv4/x=1 2" writes 1 2 to x; "net/ipv4/x=1 2@r" makes it read-only. */
static void fake_sysctl_file(const char *spec)
{
	char path[512], value[256], *eq, *at;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", fake_root, spec);
	eq = strchr(path, '=');
	if (!eq)
		abort();
	*eq = '\0';
	snprintf(value, sizeof(value), "%s", eq + 1);
	at = strrchr(value, '@');
	if (at)
		*at = '\0';
	for (char *s = strchr(path + strlen(fake_root), '/'); s;
	     s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "w");
	if (!f)
		abort();
	fprintf(f, "%s\n", value);
	fclose(f);
	chmod(path, at ? 0444 : 0644);
}

/* A tree holding exactly the given files (NULL-terminated list). */
static void fake_sysctl_tree(const char *const *files)
{
	snprintf(fake_root, sizeof(fake_root), "/tmp/porttune-sysctl.XXXXXX");
	if (!mkdtemp(fake_root))
		abort();
	strcat(fake_root, "/");
	for (; *files; files++)
		fake_sysctl_file(*files);
	sysctl_set_root(fake_root);
}

static int fake_rm(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void fake_sysctl_done(void)
{
	sysctl_set_root(NULL);
	nftw(fake_root, fake_rm, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
