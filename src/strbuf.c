// SPDX-License-Identifier: GPL-2.0-or-later
/* The text porttune writes (snapshots, persisted files) is built here. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* Room for n more bytes and the NUL; doubling keeps appends linear. */
static void reserve(struct buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	b->cap = (b->len + n + 1) * 2;
	b->s = realloc(b->s, b->cap);
	if (!b->s)
		abort();
}

void bput(struct buf *b, const char *s, size_t len)
{
	reserve(b, len);
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

char *bspace(struct buf *b, size_t n)
{
	char *d;

	reserve(b, n);
	d = b->s + b->len;
	b->len += n;
	b->s[b->len] = '\0';
	return d;
}

void bputs(struct buf *b, const char *s)
{
	bput(b, s, strlen(s));
}

void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}
