/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_TRACE_MAPS_H
#define PORTTUNE_TRACE_MAPS_H

/*
 * The map layout shared by src/trace.bpf.c (kernel side, vmlinux.h types)
 * and src/trace.c (user side, <linux/types.h>). Both must agree byte for byte.
 */

/*
 * One aggregate: a process, an address and port, an errno (0 for closes),
 * in one network namespace (so one window can serve every namespace).
 */
struct pt_key {
	__u8 addr[16];		/* IPv4 in the first 4 bytes */
	__u32 pid;		/* thread group id */
	__u32 err;		/* positive errno; 0 for active closes */
	__u16 port;		/* host byte order; 0 for port-0 binds */
	__u8 family;		/* AF_INET, AF_INET6 */
	__u8 pad_;
	__u32 netns;		/* the namespace's inode (ns.inum) */
};

struct pt_val {
	__u64 count;
	__u64 cgroup;		/* cgroup2 id of the first event's task */
	char comm[16];
};

/* Updates lost because a map was full, per map (.bss counters). */
enum pt_drop { PT_DROP_CONNECT, PT_DROP_CLOSE, PT_DROP_BIND, PT_NDROP };

#define PT_MAX_ENTRIES 4096

#endif
