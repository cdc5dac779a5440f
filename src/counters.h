/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_COUNTERS_H
#define PORTTUNE_COUNTERS_H

/*
 * What /proc says about this network namespace.
 *
 * Counters by name:
 *   /proc/net/netstat, /proc/net/snmp  "TcpExt.TW", "Tcp.ActiveOpens", ...
 *   /proc/net/sockstat{,6}             "sockstat.TCP.tw", "sockstat6.TCP6.inuse"
 *   nf_conntrack_count/_max            "conntrack.count", "conntrack.max"
 *   /proc/net/stat/nf_conntrack        "conntrack.insert_failed", ".drop", ...
 *                                      (summed over CPUs; "entries" is global)
 * The parsers take text and do no I/O; counters_read() feeds them the files.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum ctr_source {
	CTR_NETSTAT = 1 << 0,
	CTR_SNMP = 1 << 1,
	CTR_SOCKSTAT = 1 << 2,
	CTR_SOCKSTAT6 = 1 << 3,
	CTR_CONNTRACK = 1 << 4,		/* nf_conntrack_count and _max */
	CTR_CONNTRACK_STAT = 1 << 5,	/* /proc/net/stat/nf_conntrack */
};

struct counter {
	char name[64];
	int64_t value;
};

struct counters {
	struct counter *v;
	size_t n, cap;
	unsigned have;		/* CTR_* sources that were read */
};

/* "Pfx: Name1 Name2\nPfx: 1 2\n" line pairs -> "Pfx.Name1" = 1, ... */
int counters_parse_pairs(struct counters *c, const char *text, struct err *e);
/* "TCP: inuse 5 orphan 0 tw 3" lines -> "PREFIX.TCP.inuse" = 5, ... */
int counters_parse_sockstat(struct counters *c, const char *prefix, const char *text,
			    struct err *e);
/* Header of column names, then one row of hex numbers per CPU. */
int counters_parse_ct_stat(struct counters *c, const char *text, struct err *e);

/* Read every source; a missing file leaves its CTR_* bit clear (not an error). */
int counters_read(struct counters *c, struct err *e);
/* Same below another root ("/proc" normally); for tests against a copied tree. */
int counters_read_at(struct counters *c, const char *proc_root, struct err *e);

int counters_set(struct counters *c, const char *name, int64_t value);
/* false: not available (source missing or counter unknown to this kernel) */
bool counters_get(const struct counters *c, const char *name, int64_t *value);
void counters_free(struct counters *c);

#endif
