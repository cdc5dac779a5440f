// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A snapshot's [snapshot] metadata and the baseline's file name: what both
 * the writer (snapshot.c) and the reader (snapshot_list.c) need.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

void snapshot_baseline_name(const struct netns_id *ns, char *buf, size_t len)
{
	/* the host's namespace is the same one after a reboot */
	if (ns->initial)
		snprintf(buf, len, "baseline-host.ini");
	else
		snprintf(buf, len, "baseline-%llu.ini", ns->ino);
}

static unsigned long long num(const struct profile *p, const char *key)
{
	const char *v = profile_meta(p, key);

	return v ? strtoull(v, NULL, 10) : 0;
}

bool snapshot_meta_from(const struct profile *p, struct snap_meta *m)
{
	const char *v;

#define META(field, key) \
	if ((v = profile_meta(p, key))) \
		snprintf(m->field, sizeof(m->field), "%s", v)
	META(created, "created");
	META(command, "command");
	META(source, "source");
	META(host, "host");
	META(kernel, "kernel");
	META(ns.name, "netns-name");
	META(ns.boot_id, "boot-id");
#undef META
	m->ns.ino = num(p, "netns-inode");
	m->ns.dev = num(p, "netns-dev");
	v = profile_meta(p, "netns-initial");
	m->ns.initial = v && !strcmp(v, "yes");
	return m->ns.ino != 0;
}
