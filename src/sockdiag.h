/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_SOCKDIAG_H
#define PORTTUNE_SOCKDIAG_H

/*
 * Socket census for `audit`: one NETLINK_SOCK_DIAG dump per (family,
 * protocol), aggregated while streaming, in memory proportional to the number
 * of distinct destinations / local addresses / processes, never to sockets.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sysctl.h"
#include "err.h"

struct procmap;

/* Kernel TCP states (include/net/tcp_states.h); the value is the index. */
enum sd_state {
	SD_ESTABLISHED = 1, SD_SYN_SENT, SD_SYN_RECV, SD_FIN_WAIT1, SD_FIN_WAIT2,
	SD_TIME_WAIT, SD_CLOSE, SD_CLOSE_WAIT, SD_LAST_ACK, SD_LISTEN, SD_CLOSING,
	SD_NEW_SYN_RECV,
	SD_BOUND_INACTIVE,	/* 6.8+: only a request bit; replies say SD_CLOSE */
	SD_NSTATES
};

/* "TIME_WAIT" / "time_wait" (ss/kernel spelling); "UNKNOWN"/"unknown" if out of range. */
const char *sd_state_name(unsigned state);
const char *sd_state_key(unsigned state);

enum sd_flags {
	SD_TCP = 1 << 0,	/* neither TCP nor UDP: both */
	SD_UDP = 1 << 1,
	SD_IPV4 = 1 << 2,	/* neither v4 nor v6: both */
	SD_IPV6 = 1 << 3,
	SD_PROCS = 1 << 4,	/* per process: walks every /proc/PID/fd (slow) */
	SD_CGROUPS = 1 << 5,	/* per cgroup: INET_DIAG_CGROUP_ID (5.8+), free */
	/* Bound-only (bind() without connect/listen) sockets, 6.8+. The kernel
	 * walks the whole bind hash for them: +25-35 % dump time at 200k sockets. */
	SD_BOUND_ONLY = 1 << 6,
};

struct sd_request {
	unsigned flags;
	uint32_t tcp_states;	/* 1 << SD_* kernel filter; 0: all (+bound-only per flag) */
	uint16_t port_lo, port_hi;		/* ip_local_port_range */
	const struct portset *reserved;	/* ip_local_reserved_ports or NULL */
	const struct procmap *procs;	/* SD_PROCS: use this map; NULL = build one */
	/* Count TIME_WAIT sockets that entered it in the last recent_ms: their
	 * timer started at TCP_TIMEWAIT_LEN (60 s), so this is the active-close
	 * rate per destination from a single dump. 0: off. */
	uint32_t recent_ms;
	/* Count TIME_WAIT sockets older than this many ms (tcp_tw_reuse_delay):
	 * connect() may take them over where reuse applies. 0: off. */
	uint32_t tw_aged_ms;
};

/* One socket as the dump reports it (input of sd_feed). */
struct sd_sock {
	uint8_t family;		/* AF_INET, AF_INET6 (v4-mapped is folded to v4) */
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP */
	uint8_t state;		/* SD_*; UDP: SD_ESTABLISHED connected, SD_CLOSE not */
	uint16_t sport, dport;	/* host byte order */
	uint8_t src[16], dst[16];	/* IPv4 in the first 4 bytes */
	uint32_t inode;		/* 0: owned by no process (TIME_WAIT, requests) */
	uint64_t cgroup;	/* 0: unknown */
	uint32_t expires;	/* ms until the socket's timer fires */
};

/* Connect() exhaustion is per (source IP, destination IP, destination port). */
struct sd_dest {
	uint8_t family;
	uint8_t pad_;
	uint16_t dport;
	uint8_t src[16], dst[16];
	uint32_t used;			/* sockets holding an ephemeral port */
	uint32_t state[SD_NSTATES];	/* ... by TCP state */
	uint32_t tw_recent;		/* TIME_WAIT entered within recent_ms */
	uint32_t tw_aged;		/* TIME_WAIT older than tw_aged_ms */
};

/* Ports taken per local address: what bind(ip, 0) and UDP autobind need. */
struct sd_local {
	uint8_t family;
	uint8_t proto;
	uint8_t pad_[2];
	uint8_t addr[16];	/* all zero: the wildcard address */
	uint32_t sockets;	/* sockets with a local port in the range */
	uint32_t ports;		/* distinct such ports; 0 if untracked */
};

struct sd_proc {
	int pid;
	char comm[16];
	uint32_t sockets;	/* TCP/UDP sockets it owns (first owner of a shared fd) */
	uint32_t ephemeral;	/* ... holding an ephemeral port */
	uint32_t ports;		/* distinct ephemeral ports; 0 if untracked */
};

struct sd_cgroup {
	uint64_t id;
	uint32_t sockets, ephemeral;
	char *path;		/* "/system.slice/x.service" after sd_resolve_cgroups */
};

struct sd_priv;

struct sd_result {
	/* Every socket dumped. */
	uint32_t tcp_state[SD_NSTATES];
	uint32_t tcp_total, tcp4, tcp6;
	uint32_t udp_total, udp4, udp6;
	bool udp_unavailable, ipv6_unavailable;	/* kernel without udp_diag / IPv6 */

	/* Ephemeral use: a local port inside the range on a socket that is not
	 * listening / bound-only and does not share a listening port. */
	uint32_t tcp_ephemeral;
	uint32_t tcp_ports_used;	/* distinct local ports among them */
	uint32_t tcp_outside_range;	/* connected, local port outside the range */
	uint32_t tcp_on_bound_port;	/* connected on a listening/bound port (accepted) */
	uint32_t udp_ephemeral;
	uint32_t recent_ms;		/* window of sd_dest.tw_recent */
	uint32_t tw_aged_ms;		/* threshold of sd_dest.tw_aged */
	uint32_t tw_recent;		/* all destinations */

	/* Capacity of one destination: P_eff = range - reserved - held, where
	 * held = ports of listening sockets + ports of bound-only sockets. */
	uint16_t port_lo, port_hi;
	uint32_t range_size, reserved_in_range, bound_in_range, p_eff;
	uint32_t held_by_listeners, held_by_bound;	/* bound_in_range, split */
	uint32_t listen_in_range, bound_only_in_range;	/* sockets, not ports */
	bool bound_visible;	/* bound-only sockets were asked for and the kernel
				   can show them (6.8+); else only LISTEN counts */
	struct portset bound;	/* TCP ports of listening/bound-only sockets */
	struct portset listening;	/* ... of listening ones only */

	struct sd_dest *dest;
	size_t ndest;
	struct sd_local *local;
	size_t nlocal;
	struct sd_proc *proc;		/* SD_PROCS */
	size_t nproc;
	uint32_t proc_unattributed;	/* sockets with no owning process (inode 0) */
	uint32_t proc_unreadable;	/* owned, but by no process we could read */
	bool proc_ports_partial;	/* some processes' port sets not tracked */
	struct sd_cgroup *cgroup;	/* SD_CGROUPS */
	size_t ncgroup;
	uint32_t cgroup_unattributed;	/* TIME_WAIT, request sockets, pre-5.8 */

	struct sd_priv *priv;
};

/* Dump and aggregate. res is initialised here; free it with sd_result_free. */
int sockdiag_collect(const struct sd_request *req, struct sd_result *res, struct err *e);
void sd_result_free(struct sd_result *res);

/*
 * The aggregation core, without the kernel (unit tests drive it). Feed
 * LISTEN and bound-only sockets before the others, as the kernel dump does,
 * so that accepted sockets on a listening port are not taken for ephemeral.
 */
int sd_result_init(struct sd_result *res, const struct sd_request *req);	/* free even on error */
int sd_feed(struct sd_result *res, const struct sd_sock *s);
void sd_finish(struct sd_result *res);

/*
 * One SOCK_DIAG_BY_FAMILY message (an inet_diag_msg and its attributes) into
 * s; want_cg reads INET_DIAG_CGROUP_ID. -EBADMSG if the message is too short.
 * Pure, for the fuzzer; h->nlmsg_len must lie within the buffer.
 */
struct nlmsghdr;
int sd_parse_msg(const struct nlmsghdr *h, uint8_t proto, bool want_cg, struct sd_sock *s);

/* The n busiest entries, sorted (most used first), as pointers into res. */
size_t sd_top_dests(const struct sd_result *res, const struct sd_dest **out, size_t n);
size_t sd_top_procs(const struct sd_result *res, const struct sd_proc **out, size_t n);
size_t sd_top_cgroups(const struct sd_result *res, const struct sd_cgroup **out, size_t n);

/* Fill ->path of the n busiest cgroups by walking cgroup2 (id = inode number).
 * root NULL: /sys/fs/cgroup or its unified/ (systemd hybrid). Ids not found
 * keep path NULL. */
int sd_resolve_cgroups(struct sd_result *res, size_t n, const char *root, struct err *e);

#endif
