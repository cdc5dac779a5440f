/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_STRPOOL_H
#define PORTTUNE_STRPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/*
 * Memory for many short strings that are freed together (a profile's keys
 * and values, a plan's changes): a malloc per 16 KiB, not one per string.
 * NULL is an empty pool. Out of memory aborts.
 */
struct strpool;

/* n bytes, unaligned: for characters only. */
char *strpool_alloc(struct strpool **pool, size_t n);
/* A copy of s; NULL stays NULL. */
char *strpool_dup(struct strpool **pool, const char *s);
/* Equal strings; a pool's shared strings compare by address first. */
static inline bool str_same(const char *a, const char *b)
{
	return a == b || !strcmp(a, b);
}

/* Is s one of the pool's strings (which live until strpool_free)? */
bool strpool_owns(const struct strpool *pool, const char *s);
void strpool_free(struct strpool *pool);

#endif
