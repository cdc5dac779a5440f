// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"

#define MAX_FILE (1 << 20)
#define MAX_COLS 64

/* A token: pointer and length into the caller's text (parsers never copy it). */
struct tok {
	const char *s;
	size_t len;
};

static const char *line_end(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl : p + strlen(p);
}

/* Next whitespace-separated token in [*p, end); false when none is left. */
static bool next_tok(const char **p, const char *end, struct tok *t)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s >= end)
		return false;
	t->s = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	t->len = (size_t)(s - t->s);
	*p = s;
	return true;
}

static bool tok_num(const struct tok *t, int base, int64_t *out)
{
	char buf[32], *end;

	if (!t->len || t->len >= sizeof(buf))
		return false;
	memcpy(buf, t->s, t->len);
	buf[t->len] = 0;
	errno = 0;
	/* snmp has negative values (Tcp.MaxConn -1); counters are unsigned 64-bit */
	*out = buf[0] == '-' ? strtoll(buf, &end, base) : (int64_t)strtoull(buf, &end, base);
	return !errno && *end == 0;
}

int counters_set(struct counters *c, const char *name, int64_t value)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct counter *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	snprintf(c->v[c->n].name, sizeof(c->v[0].name), "%s", name);
	c->v[c->n++].value = value;
	return 0;
}

static int set_tok(struct counters *c, const char *pfx, size_t plen, const struct tok *t,
		   int64_t value)
{
	char name[sizeof(c->v[0].name)];

	snprintf(name, sizeof(name), "%.*s.%.*s", (int)plen, pfx, (int)t->len, t->s);
	return counters_set(c, name, value);
}

bool counters_get(const struct counters *c, const char *name, int64_t *value)
{
	/* from the end: a later source (or a re-read) wins */
	for (size_t i = c->n; i-- > 0;) {
		if (!strcmp(c->v[i].name, name)) {
			if (value)
				*value = c->v[i].value;
			return true;
		}
	}
	return false;
}

void counters_free(struct counters *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static int oom(struct err *e)
{
	return err_set(e, -ENOMEM, "counters: out of memory");
}

int counters_parse_pairs(struct counters *c, const char *text, struct err *e)
{
	const char *p = text;
	unsigned lineno = 1;

	while (*p) {
		const char *hend = line_end(p), *v = *hend ? hend + 1 : hend, *vend = line_end(v);
		const char *hc = memchr(p, ':', (size_t)(hend - p));
		const char *vc = memchr(v, ':', (size_t)(vend - v));
		struct tok name, val;

		if (hend == p) {	/* blank line */
			p = v;
			lineno++;
			continue;
		}
		if (!hc || !vc || hc - p != vc - v || memcmp(p, v, (size_t)(hc - p)))
			return err_set(e, -EINVAL, "line %u: expected a \"Prefix: names\" line "
				       "followed by its \"Prefix: values\" line", lineno);
		for (const char *hp = hc + 1, *vp = vc + 1; next_tok(&hp, hend, &name);) {
			int64_t x;

			if (!next_tok(&vp, vend, &val) || !tok_num(&val, 10, &x))
				return err_set(e, -EINVAL, "line %u: no number for %.*s",
					       lineno + 1, (int)name.len, name.s);
			if (set_tok(c, p, (size_t)(hc - p), &name, x) < 0)
				return oom(e);
		}
		p = *vend ? vend + 1 : vend;
		lineno += 2;
	}
	return 0;
}

int counters_parse_sockstat(struct counters *c, const char *prefix, const char *text,
			    struct err *e)
{
	const char *p = text;
	unsigned lineno = 0;

	while (*p) {
		const char *end = line_end(p), *colon = memchr(p, ':', (size_t)(end - p));
		char pfx[64];
		struct tok key, val;

		lineno++;
		if (end == p) {
			p = *end ? end + 1 : end;
			continue;
		}
		if (!colon)
			return err_set(e, -EINVAL, "%s line %u: no ':'", prefix, lineno);
		snprintf(pfx, sizeof(pfx), "%s.%.*s", prefix, (int)(colon - p), p);
		for (const char *q = colon + 1; next_tok(&q, end, &key);) {
			int64_t x;

			if (!next_tok(&q, end, &val) || !tok_num(&val, 10, &x))
				return err_set(e, -EINVAL, "%s line %u: no number for %.*s",
					       prefix, lineno, (int)key.len, key.s);
			if (set_tok(c, pfx, strlen(pfx), &key, x) < 0)
				return oom(e);
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

int counters_parse_ct_stat(struct counters *c, const char *text, struct err *e)
{
	struct tok col[MAX_COLS], t;
	int64_t sum[MAX_COLS] = { 0 };
	const char *end = line_end(text), *p = text;
	size_t ncol = 0, rows = 0;

	while (ncol < MAX_COLS && next_tok(&p, end, &col[ncol]))
		ncol++;
	if (!ncol)
		return err_set(e, -EINVAL, "nf_conntrack stat: no header");
	for (p = *end ? end + 1 : end; *p; p = *end ? end + 1 : end) {
		size_t i = 0;

		end = line_end(p);
		for (const char *q = p; i < ncol && next_tok(&q, end, &t); i++) {
			int64_t x;

			if (!tok_num(&t, 16, &x))
				return err_set(e, -EINVAL, "nf_conntrack stat row %zu: bad number '%.*s'",
					       rows + 1, (int)t.len, t.s);
			/* "entries" is the netns-wide count repeated on every CPU row */
			if (t.len && col[i].len == 7 && !memcmp(col[i].s, "entries", 7))
				sum[i] = rows ? sum[i] : x;
			else if (__builtin_add_overflow(sum[i], x, &sum[i]))
				sum[i] = x < 0 ? INT64_MIN : INT64_MAX;	/* saturate */
		}
		rows += i > 0;
	}
	for (size_t i = 0; i < ncol; i++)
		if (set_tok(c, "conntrack", 9, &col[i], sum[i]) < 0)
			return oom(e);
	return 0;
}

/* Whole file into a NUL-terminated buffer; -ENOENT etc. without a message. */
static int slurp(const char *path, char **out)
{
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf) {
		int ret = fd < 0 ? -errno : -ENOMEM;

		free(buf);
		if (fd >= 0)
			close(fd);
		return ret;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			char *nb = cap < MAX_FILE ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int ret = n < 0 ? -errno : 0;

			close(fd);
			if (ret < 0) {
				free(buf);
				return ret;
			}
			break;
		}
		len += (size_t)n;
	}
	buf[len] = 0;
	*out = buf;
	return 0;
}

enum kind { K_PAIRS, K_SOCKSTAT, K_SOCKSTAT6, K_CT_STAT, K_CT_COUNT, K_CT_MAX };

static const struct source {
	const char *path;	/* below the proc root */
	enum kind kind;
	unsigned bit;
} sources[] = {
	{ "net/netstat", K_PAIRS, CTR_NETSTAT },
	{ "net/snmp", K_PAIRS, CTR_SNMP },
	{ "net/sockstat", K_SOCKSTAT, CTR_SOCKSTAT },
	{ "net/sockstat6", K_SOCKSTAT6, CTR_SOCKSTAT6 },
	{ "sys/net/netfilter/nf_conntrack_count", K_CT_COUNT, CTR_CONNTRACK },
	{ "sys/net/netfilter/nf_conntrack_max", K_CT_MAX, CTR_CONNTRACK },
	{ "net/stat/nf_conntrack", K_CT_STAT, CTR_CONNTRACK_STAT },
};

static int parse_source(struct counters *c, enum kind k, const char *text, struct err *e)
{
	struct tok t;
	const char *p = text;
	int64_t x;

	switch (k) {
	case K_PAIRS:
		return counters_parse_pairs(c, text, e);
	case K_SOCKSTAT:
		return counters_parse_sockstat(c, "sockstat", text, e);
	case K_SOCKSTAT6:
		return counters_parse_sockstat(c, "sockstat6", text, e);
	case K_CT_STAT:
		return counters_parse_ct_stat(c, text, e);
	case K_CT_COUNT:
	case K_CT_MAX:
		if (!next_tok(&p, line_end(p), &t) || !tok_num(&t, 10, &x))
			return err_set(e, -EINVAL, "not a number: '%.20s'", text);
		if (counters_set(c, k == K_CT_COUNT ? "conntrack.count" : "conntrack.max", x) < 0)
			return oom(e);
		return 0;
	}
	return -EINVAL;
}

int counters_read_at(struct counters *c, const char *proc_root, struct err *e)
{
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		char path[512], *text = NULL;
		int ret;

		snprintf(path, sizeof(path), "%s/%s", proc_root, sources[i].path);
		ret = slurp(path, &text);
		if (ret == -ENOMEM)
			return oom(e);
		if (ret < 0)	/* no IPv6, no conntrack module, hidepid...: unavailable */
			continue;
		ret = parse_source(c, sources[i].kind, text, e);
		free(text);
		if (ret < 0)
			return err_prefix(e, "%s", path);
		c->have |= sources[i].bit;
	}
	return 0;
}

int counters_read(struct counters *c, struct err *e)
{
	return counters_read_at(c, "/proc", e);
}
