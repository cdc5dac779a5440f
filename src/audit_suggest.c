// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audit --suggest-profile: the settings the findings recommend, as a
 * profile that diff and apply take as it is. One line per setting, each
 * under a comment naming the finding that asked for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_suggest.h"

/* A key asked for by an earlier finding keeps that finding's value. */
static bool seen(const char *text, const char *line)
{
	size_t k = strcspn(line, " =");

	for (const char *p = text; (p = strstr(p, "\n")); p++)
		if (!strncmp(p + 1, line, k) && (p[1 + k] == ' ' || p[1 + k] == '='))
			return true;
	return false;
}

static int append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -EINVAL;
		if ((size_t)n < *cap - *len)
			break;
		char *b = realloc(*buf, *cap * 2 + n);

		if (!b)
			return -ENOMEM;
		*buf = b;
		*cap = *cap * 2 + n;
	}
	*len += n;
	return 0;
}

int audit_suggest_text(const struct audit_report *r, char **out, size_t *nset)
{
	size_t len = 0, cap = 1024;
	char *t = malloc(cap);
	int rc;

	*nset = 0;
	if (!t)
		return -ENOMEM;
	t[0] = '\0';
	rc = append(&t, &len, &cap, "; Written by porttune audit --suggest-profile: "
		    "the settings its findings recommend.\n; Review, then: "
		    "porttune diff --profile FILE; porttune apply --profile FILE\n"
		    "[profile]\ndescription = Settings suggested by porttune "
		    "audit\n\n[sysctl]\n");
	/* the most severe finding that asks for a setting names it */
	for (size_t k = 0; !rc && k < r->n * 3; k++) {
		const struct finding *f = &r->v[k % r->n];
		enum severity want = SEV_CRITICAL - (enum severity)(k / r->n);

		if (f->sev != want || (f->sev == SEV_OK &&
				       strcmp(f->check, "port-parity")))
			continue;
		for (const char *p = f->fix; !rc && *p;) {
			size_t n = strcspn(p, "\n");
			char line[sizeof(f->fix)];

			snprintf(line, sizeof(line), "%.*s", (int)n, p);
			p += n + (p[n] == '\n');
			if (seen(t, line))
				continue;
			rc = append(&t, &len, &cap, "; %s %s: %s\n%s\n",
				    severity_name(f->sev), f->check, f->summary,
				    line);
			++*nset;
		}
	}
	if (rc) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int audit_suggest_write(const char *path, const char *text, struct err *e)
{
	char tmp[PATH_MAX];
	size_t len = strlen(text);
	ssize_t n;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp))
		return err_set(e, -ENAMETOOLONG, "%s: name too long", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return err_set(e, -errno, "%s: %s", path, strerror(errno));
	n = write(fd, text, len);
	if (n != (ssize_t)len || fchmod(fd, 0644) || fsync(fd) || close(fd)) {
		int rc = n < 0 || n == (ssize_t)len ? -errno : -ENOSPC;

		unlink(tmp);
		return err_set(e, rc ? rc : -EIO, "%s: %s", path,
			       strerror(rc ? -rc : EIO));
	}
	if (rename(tmp, path)) {
		int rc = -errno;

		unlink(tmp);
		return err_set(e, rc, "%s: %s", path, strerror(-rc));
	}
	return 0;
}
