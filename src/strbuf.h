/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_STRBUF_H
#define PORTTUNE_STRBUF_H

#include <stddef.h>

/* A growing NUL-terminated string; { 0 } is empty. Out of memory aborts. */
struct buf {
	char *s;
	size_t len, cap;
};

void bprintf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append len bytes of s, or all of it (bputs): no format to interpret. */
void bput(struct buf *b, const char *s, size_t len);
void bputs(struct buf *b, const char *s);
/* Room for n bytes at the end, to be filled by the caller: where they go. */
char *bspace(struct buf *b, size_t n);

#endif
