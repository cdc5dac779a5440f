// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/sys access and per-key validation of the sysctls porttune tunes. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"
#include "profile.h"
#include "sysctl.h"

#define PROC_SYS "/proc/sys/"

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

const char *const *sysctl_known_keys(size_t *n)
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
	if (!strncmp(in, PROC_SYS, strlen(PROC_SYS)) || in[0] == '/')
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

/* Some net. keys stay host-wide: read-only inside a child namespace. */
static bool in_child_netns(void)
{
	return !netns_self_initial();
}

static int key_path(const char *key, char *path, size_t len)
{
	size_t o = strlen(PROC_SYS);

	if (strlen(key) + o >= len)
		return -ENAMETOOLONG;
	memcpy(path, PROC_SYS, o);
	for (; *key; key++)
		path[o++] = *key == '.' ? '/' : *key == '/' ? '.' : *key;
	path[o] = '\0';
	return 0;
}

int sysctl_read(const char *key, char *val, size_t len, struct err *err)
{
	char path[PATH_MAX], raw[SYSCTL_VALUE_MAX];
	ssize_t n;
	int fd;

	if (key_path(key, path, sizeof(path)))
		return err_set(err, -ENAMETOOLONG, "%s: name too long", key);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "%s: %s", key, strerror(errno));
	n = read(fd, raw, sizeof(raw) - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		return err_set(err, -e, "%s: read: %s", key, strerror(e));
	}
	close(fd);
	raw[n] = '\0';
	sysctl_norm_ws(raw, val, len);
	return 0;
}

int sysctl_write(const char *key, const char *val, struct err *err)
{
	char path[PATH_MAX];
	size_t n = strlen(val);
	ssize_t w;
	int fd, e;

	if (key_path(key, path, sizeof(path)))
		return err_set(err, -ENAMETOOLONG, "%s: name too long", key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "%s: %s", key, strerror(errno));
	/* An empty write is how a list such as reserved ports is cleared. */
	w = write(fd, n ? val : "\n", n ? n : 1);
	e = w < 0 ? errno : 0;
	if (close(fd) && !e)
		e = errno;
	if (e)
		return err_set(err, -e, "%s: kernel refused '%s': %s",
			       key, val, strerror(e));
	return 0;
}

/* A sibling in the same /proc/sys directory whose name is close. */
static const char *suggest_sibling(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct dirent *de;
	const char *best = NULL;
	char **names = NULL;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	d = opendir(dir);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char **nn = realloc(names, (n + 1) * sizeof(*names));

		if (!nn)
			break;
		names = nn;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	best = nearest_word(slash + 1, (const char *const *)names, n);
	if (best)
		snprintf(buf, len, "%s", best);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return best ? buf : NULL;
}

int sysctl_probe(const char *key, struct err *err)
{
	char path[PATH_MAX], sug[256];
	struct stat st;

	if (key_path(key, path, sizeof(path)))
		return err_set(err, -ENAMETOOLONG, "%s: name too long", key);
	if (stat(path, &st) < 0) {
		const char *since = sysctl_since(key);

		if (errno != ENOENT)
			return err_set(err, -errno, "%s: %s", key,
				       strerror(errno));
		if (since)
			return err_set(err, -EOPNOTSUPP,
				       "%s: not in this kernel (needs Linux %s)",
				       key, since);
		if (strchr(key, '.') && suggest_sibling(path, sug, sizeof(sug))) {
			char *dot = strrchr(key, '.');

			return err_set(err, -ENOENT,
				       "%s: no such sysctl; did you mean %.*s.%s?",
				       key, (int)(dot - key), key, sug);
		}
		return err_set(err, -ENOENT, "%s: no such sysctl", key);
	}
	if (S_ISDIR(st.st_mode))
		return err_set(err, -EISDIR, "%s: is a directory, not a setting",
			       key);
	if (!(st.st_mode & 0222))
		return err_set(err, -EACCES, !strncmp(key, "net.", 4) &&
			       in_child_netns() ? "%s: a host-wide setting, "
			       "read-only in this network namespace"
			       : "%s: read-only in this kernel", key);
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
