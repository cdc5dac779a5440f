// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audit --all-netns --trace: one trace window over every namespace (the
 * programs key each event by its namespace's inode), split so that each
 * namespace's report carries only its own events.
 */
#include <string.h>

#include "audit_netns.h"
#include "audit_trace.h"

const struct trace_result *audit_netns_trace(const struct all_netns_req *q,
					     unsigned long ino,
					     struct trace_result *mine)
{
	memset(mine, 0, sizeof(*mine));
	if (!q->trace)
		return NULL;
	/* nsfs inodes are 32-bit numbers: the same ns.inum the kernel has */
	trace_result_netns(q->trace, (uint32_t)ino, mine);
	return mine;
}
