/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_XALLOC_H
#define PORTTUNE_XALLOC_H

/*
 * The one out-of-memory policy: abort, as git's xmalloc does. A command
 * line tool that cannot allocate a few bytes has nothing to salvage, and
 * every writer checks its snapshot before it changes anything.
 */
#include <stdlib.h>
#include <string.h>

static inline void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		abort();
	return q;
}

static inline char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		abort();
	return d;
}

static inline char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* NULL stays NULL. */
static inline char *xstrdup0(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

#endif
