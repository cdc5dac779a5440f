/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_TRACE_H
#define PORTTUNE_TRACE_H

/*
 * Live evidence from tracepoints (src/trace.bpf.c): failed connect()s,
 * active closes and failed port-0 bind()s of this network namespace, per
 * process and destination, counted in the kernel over a window.
 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum trace_kind { TRACE_CONNECT_FAIL, TRACE_CLOSE, TRACE_BIND_FAIL,
		  TRACE_NKINDS };

struct trace_entry {
	int pid;
	char comm[16];
	uint64_t cgroup;	/* cgroup2 id; 0 if unknown */
	char *cgroup_path;	/* "/system.slice/nginx.service", or NULL */
	uint8_t family;
	uint8_t addr[16];	/* destination (bind: the local address) */
	uint16_t port;
	int err;		/* positive errno; 0 for closes */
	uint32_t netns;		/* inode of the event's network namespace */
	uint64_t count;
};

#define TRACE_MAP_ENTRIES 4096	/* per map; PT_MAX_ENTRIES in trace_maps.h */

struct trace_result {
	bool ok;		/* false: `why` says why there is no trace */
	char why[256];
	double seconds;		/* the window actually traced */
	double attach_ms;	/* load + attach time */
	/* where active closes came from: "cgroup/sock_release" (one call per
	 * socket) or "tp_btf/inet_sock_set_state" (without cgroup2) */
	const char *close_hook;
	struct trace_entry *v[TRACE_NKINDS];
	size_t n[TRACE_NKINDS];
	/* updates lost because a map was full, per kind */
	uint64_t dropped[TRACE_NKINDS];
};

struct trace;

/* Load and attach, counting only this network namespace's events, or with
 * all_netns every namespace's, each entry labelled with its own. On failure
 * e says why in one line (not root, no BTF, lockdown, ...). */
int trace_start(struct trace **out, bool all_netns, struct err *e);
/* Move the counts since start or the previous collect into r (the maps are
 * emptied); cgroup ids are resolved to paths where possible. */
int trace_collect(struct trace *t, struct trace_result *r, struct err *e);
/* Detach and free; nothing stays in the kernel. NULL is fine. */
void trace_stop(struct trace *t);

/* For the commands: trace_start with the reason in r->why (r->ok false) and
 * NULL on failure; sleep until `seconds` after the start (or the last take)
 * or *stop; take the counts (on failure r->ok false, r->why set). */
struct trace *trace_begin(struct trace_result *r, bool all_netns);
void trace_wait(const struct trace *t, double seconds,
		const volatile sig_atomic_t *stop);
void trace_take(struct trace *t, struct trace_result *r);

/* Pure helpers over a result (src/audit_trace.c). */
void trace_result_free(struct trace_result *r);
/* Connect failures/s towards (family, addr, port), any process. */
double trace_fail_rate(const struct trace_result *r, uint8_t family,
		       const uint8_t *addr, uint16_t port);
/* The process that closed most connections to (family, addr, port). */
const struct trace_entry *trace_top_closer(const struct trace_result *r,
					   uint8_t family, const uint8_t *addr,
					   uint16_t port);
/* "EADDRNOTAVAIL"; "E123" for numbers glibc has no name for. */
const char *trace_errno_name(int err, char *buf, size_t len);
/* One namespace's share of an all-namespace trace (copies; free with
 * trace_result_free): its entries, the window, and the map-full counters,
 * which are the window's, not the namespace's. */
void trace_result_netns(const struct trace_result *all, uint32_t netns,
			struct trace_result *out);

#endif
