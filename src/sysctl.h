/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_SYSCTL_H
#define PORTTUNE_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SYSCTL_VALUE_MAX 4096

/*
 * Canonical key: sysctl(8)'s dotted form, where a '/' stands for a literal
 * dot in a component ("net.ipv4.conf.eth0/100.rp_filter"). Slashed input
 * ("net/ipv4/tcp_fin_timeout") is accepted. Pure.
 */
int sysctl_key_canon(const char *in, char *out, size_t outlen, struct err *err);

/*
 * Validate and normalise a value for key. Pure. Known keys get range and
 * syntax checks; other keys only get whitespace folded. A warning that
 * does not make the value invalid goes to warn (empty when none).
 */
int sysctl_check(const char *key, const char *value, char *norm, size_t normlen,
		 char *warn, size_t warnlen, struct err *err);

/* Fold runs of blanks into one space and trim; compare values with this. */
void sysctl_norm_ws(const char *in, char *out, size_t outlen);

/* The kernel version that introduced a known key, or NULL. */
const char *sysctl_since(const char *key);


/* Read the current value, normalised. -ENOENT when the key does not exist. */
int sysctl_read(const char *key, char *val, size_t len, struct err *err);

/* Write a value. Errors carry the kernel's errno and a message. */
int sysctl_write(const char *key, const char *val, struct err *err);

/* Whether the key exists and is writable; suggests a sibling when absent. */
int sysctl_probe(const char *key, struct err *err);

/*
 * For unit tests: read and write keys under dir (ending in '/', e.g. a
 * temporary tree of files) instead of /proc/sys/; NULL restores it.
 */
void sysctl_set_root(const char *dir);

/* A set of ports 0..65535. */
struct portset {
	uint64_t w[65536 / 64];
};

static inline void portset_add(struct portset *s, unsigned port)
{
	s->w[(port & 0xffff) / 64] |= 1ULL << (port % 64);
}

static inline bool portset_has(const struct portset *s, unsigned port)
{
	return s->w[(port & 0xffff) / 64] >> (port % 64) & 1;
}

unsigned portset_count(const struct portset *s, unsigned lo, unsigned hi);

/* ip_local_reserved_ports syntax ("8080,9000-9100", empty) -> set; pure. */
int sysctl_portlist_parse(const char *v, struct portset *set, struct err *err);

/* Whether two values of key are the same once normalised (multi-value
 * sysctls compare by their numbers, not their blanks); pure. */
bool sysctl_same_value(const char *key, const char *a, const char *b);

/* Parse "a b" into two ints; pure. */
int sysctl_parse_range(const char *v, long *lo, long *hi);

#endif
