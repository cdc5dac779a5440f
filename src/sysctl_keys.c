// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sysctl keys a profile may name, the pure half of the sysctl backend:
 * key syntax, per-key value rules, and the registry's sysctl descriptor.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"
#include "keyspec.h"
#include "sysctl.h"

enum vtype {
	V_INT,		/* one integer in [min, max] */
	V_RANGE,	/* "low high", both in [min, max], low <= high */
	V_PORTLIST,	/* ip_local_reserved_ports list syntax */
	V_REMOVED,	/* gone from the kernel: always an error */
};

struct rule {
	const char *key;
	enum vtype type;
	long min, max;
	const char *since;	/* kernel that added it: absent => unsupported */
	const char *removed;	/* why it is an error to set */
};

static const struct rule rules[] = {
	{ "net.ipv4.ip_local_port_range", V_RANGE, 1, 65535, NULL, NULL },
	{ "net.ipv4.ip_local_reserved_ports", V_PORTLIST, 0, 65535, NULL, NULL },
	{ "net.ipv4.ip_unprivileged_port_start", V_INT, 0, 65535, "4.11", NULL },
	/* The kernel accepts any int here, even negative; 1 s is the floor. */
	{ "net.ipv4.tcp_fin_timeout", V_INT, 1, INT_MAX / 1000, NULL, NULL },
	{ "net.ipv4.tcp_tw_reuse", V_INT, 0, 2, NULL, NULL },
	{ "net.ipv4.tcp_tw_reuse_delay", V_INT, 1, 60000, "6.14", NULL },
	{ "net.ipv4.tcp_max_tw_buckets", V_INT, 0, INT_MAX, NULL, NULL },
	{ "net.ipv4.tcp_timestamps", V_INT, 0, 2, NULL, NULL },
	{ "net.ipv4.tcp_tw_recycle", V_REMOVED, 0, 0, NULL,
	  "removed in Linux 4.12 (it broke clients behind NAT); "
	  "use net.ipv4.tcp_tw_reuse" },
};

static const char *const known_keys[] = {
	"net.ipv4.ip_local_port_range", "net.ipv4.ip_local_reserved_ports",
	"net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_tw_reuse_delay",
	"net.ipv4.tcp_max_tw_buckets", "net.ipv4.tcp_timestamps",
};

static const char *const *sysctl_known_keys(size_t *n)
{
	*n = sizeof(known_keys) / sizeof(known_keys[0]);
	return known_keys;
}

static const struct rule *rule_find(const char *key)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].key, key))
			return &rules[i];
	return NULL;
}

const char *sysctl_since(const char *key)
{
	const struct rule *r = rule_find(key);

	return r ? r->since : NULL;
}

int sysctl_key_canon(const char *in, char *out, size_t outlen, struct err *err)
{
	/* sysctl(8): the first separator tells dotted from slashed form */
	bool slashed = in[strcspn(in, "./")] == '/';
	size_t n = strlen(in), start = 0;

	if (n == 0 || n >= outlen)
		return err_set(err, -EINVAL, "bad sysctl name '%s'", in);
	if (in[0] == '/')	/* "/proc/sys/net/...", or any path */
		return err_set(err, -EINVAL,
			       "sysctl '%s': name it without /proc/sys/", in);
	for (size_t i = 0; i <= n; i++) {
		char c = in[i];

		if (c && !isalnum((unsigned char)c) && !strchr("_-:@+./", c))
			return err_set(err, -EINVAL,
				       "sysctl '%s': bad character '%c'", in, c);
		out[i] = slashed && c == '/' ? '.' : slashed && c == '.' ? '/' : c;
	}
	/* components may not be empty, "." or ".." (written "/" and "//") */
	for (size_t i = 0; i <= n; i++) {
		if (out[i] && out[i] != '.')
			continue;
		if (i == start || !strncmp(out + start, "/", i - start) ||
		    !strncmp(out + start, "//", i - start))
			return err_set(err, -EINVAL, "bad sysctl name '%s'", in);
		start = i + 1;
	}
	return 0;
}

void sysctl_norm_ws(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	bool space = false;

	while (*in && isspace((unsigned char)*in))
		in++;
	for (; *in && o + 1 < outlen; in++) {
		if (isspace((unsigned char)*in)) {
			space = true;
			continue;
		}
		if (space && o + 2 < outlen)
			out[o++] = ' ';
		space = false;
		out[o++] = *in;
	}
	out[o] = '\0';
}

static int parse_long(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		return -EINVAL;
	return 0;
}

int sysctl_parse_range(const char *v, long *lo, long *hi)
{
	char a[32], b[32], extra;

	if (sscanf(v, "%31s %31s %c", a, b, &extra) != 2)
		return -EINVAL;
	if (parse_long(a, lo) || parse_long(b, hi))
		return -EINVAL;
	return 0;
}

unsigned portset_count(const struct portset *s, unsigned lo, unsigned hi)
{
	unsigned n = 0;

	for (unsigned p = lo; p <= hi && p < 65536; p++)
		n += portset_has(s, p);
	return n;
}

static int bad_entry(struct err *err, const char *p)
{
	return err_set(err, -EINVAL, "'%.*s' is not a port or port range "
		       "(use e.g. 8080,9000-9100)", (int)strcspn(p, ","), p);
}

int sysctl_portlist_parse(const char *v, struct portset *set, struct err *err)
{
	const char *p = v + strspn(v, " \t\n");

	memset(set, 0, sizeof(*set));
	while (*p) {
		const char *entry = p;
		char *end;
		long lo, hi;

		if (!isdigit((unsigned char)*p))
			return bad_entry(err, entry);
		lo = hi = strtol(p, &end, 10);
		p = end;
		if (*p == '-') {
			if (!isdigit((unsigned char)p[1]))
				return bad_entry(err, entry);
			hi = strtol(p + 1, &end, 10);
			p = end;
		}
		if (lo > 65535 || hi > 65535 || lo > hi)
			return err_set(err, -EINVAL, "%ld-%ld is outside 0-65535 "
				       "or reversed", lo, hi);
		for (long port = lo; port <= hi; port++)
			portset_add(set, port);
		p += strspn(p, " \t\n");
		if (*p == ',' && p[1 + strspn(p + 1, " \t\n")] &&
		    p[1 + strspn(p + 1, " \t\n")] != ',')
			p += 1 + strspn(p + 1, " \t\n");
		else if (*p)
			return bad_entry(err, entry);
	}
	return 0;
}

/* The kernel's own form: sorted, merged ranges. */
static int norm_portlist(const char *v, char *out, size_t outlen,
			 struct err *err, const char *key)
{
	static struct portset set;
	size_t o = 0;

	if (sysctl_portlist_parse(v, &set, err))
		return err_prefix(err, "%s", key);
	out[0] = '\0';
	for (long p = 0; p < 65536; p++) {
		long q = p;
		int n;

		if (!portset_has(&set, p))
			continue;
		while (q + 1 < 65536 && portset_has(&set, q + 1))
			q++;
		n = q > p ? snprintf(out + o, outlen - o, "%s%ld-%ld",
				     o ? "," : "", p, q)
			  : snprintf(out + o, outlen - o, "%s%ld",
				     o ? "," : "", p);
		if (n < 0 || (size_t)n >= outlen - o)
			return err_set(err, -E2BIG, "%s: list too long", key);
		o += n;
		p = q;
	}
	return 0;
}

int sysctl_check(const char *key, const char *value, char *norm, size_t normlen,
		 char *warn, size_t warnlen, struct err *err)
{
	const struct rule *r = rule_find(key);
	long lo, hi;

	if (warn && warnlen)
		warn[0] = '\0';
	sysctl_norm_ws(value, norm, normlen);
	if (!r)
		return 0;
	switch (r->type) {
	case V_REMOVED:
		return err_set(err, -EINVAL, "%s was %s", key, r->removed);
	case V_INT:
		if (parse_long(norm, &lo))
			return err_set(err, -EINVAL, "%s: '%s' is not an integer",
				       key, norm);
		if (lo < r->min || lo > r->max)
			return err_set(err, -ERANGE,
				       "%s: %ld is out of range %ld-%ld",
				       key, lo, r->min, r->max);
		snprintf(norm, normlen, "%ld", lo);
		return 0;
	case V_RANGE:
		if (sysctl_parse_range(norm, &lo, &hi))
			return err_set(err, -EINVAL,
				       "%s: '%s' is not two port numbers "
				       "(e.g. \"10240 65000\")", key, norm);
		if (lo < r->min || hi > r->max || lo > r->max || hi < r->min)
			return err_set(err, -ERANGE,
				       "%s: ports must be within %ld-%ld",
				       key, r->min, r->max);
		if (lo > hi)
			return err_set(err, -EINVAL,
				       "%s: low end %ld is above high end %ld",
				       key, lo, hi);
		/* Linux >= 4.2 splits connect()/bind() by parity of the low end. */
		if (warn && lo % 2 == hi % 2 && lo != hi)
			snprintf(warn, warnlen,
				 "%s: both ends are %s; the kernel logs "
				 "\"prefer different parity\" and connect() "
				 "loses one port of its half (use e.g. %ld %ld)",
				 key, lo % 2 ? "odd" : "even", lo,
				 hi + (hi < 65535 ? 1 : -1));
		snprintf(norm, normlen, "%ld %ld", lo, hi);
		return 0;
	case V_PORTLIST:
		return norm_portlist(value, norm, normlen, err, key);
	}
	return 0;
}

bool sysctl_same_value(const char *key, const char *a, const char *b)
{
	char na[SYSCTL_VALUE_MAX], nb[SYSCTL_VALUE_MAX];

	if (sysctl_check(key, a, na, sizeof(na), NULL, 0, NULL))
		sysctl_norm_ws(a, na, sizeof(na));
	if (sysctl_check(key, b, nb, sizeof(nb), NULL, 0, NULL))
		sysctl_norm_ws(b, nb, sizeof(nb));
	return !strcmp(na, nb);
}

static int check(const char *key, const char *value, bool raw,
		 struct keycheck *c)
{
	struct err e = { 0 };
	const char *const *known;
	const char *near;
	size_t nk;

	c->warn[0] = '\0';
	if (sysctl_key_canon(key, c->key, sizeof(c->key), &e))
		goto refuse;
	/* a snapshot holds what the kernel had, even values we would refuse */
	if (raw) {
		sysctl_norm_ws(value, c->value, sizeof(c->value));
		return 0;
	}
	if (sysctl_check(c->key, value, c->value, sizeof(c->value), c->warn,
			 sizeof(c->warn), &e))
		goto refuse;
	/* An unknown key one typo away from a known one is almost surely it. */
	if (sysctl_since(c->key))
		return 0;
	known = sysctl_known_keys(&nk);
	for (size_t i = 0; i < nk; i++)
		if (!strcmp(known[i], c->key))
			return 0;
	near = nearest_word(c->key, known, nk);
	if (!near)
		return 0;
	snprintf(c->msg, sizeof(c->msg), "unknown sysctl '%s'; did you mean "
		 "'%s'?", c->key, near);
	return -EINVAL;
refuse:
	snprintf(c->msg, sizeof(c->msg), "%s", e.msg);
	return -EINVAL;
}

const struct keyspec sysctl_keyspec = {
	.target = T_SYSCTL,
	.section = "sysctl",
	.type = "sysctl",
	.check = check,
};
