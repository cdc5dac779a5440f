// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A profile's key lists: where a key already is among thousands (a
 * snapshot has a line per feature per interface).
 */
#include <stdlib.h>
#include <string.h>

#include "profile_kv.h"
#include "xalloc.h"

/* Up to this many keys a scan is cheaper than hashing (a NIC section of a
 * snapshot holds about six). */
#define SCAN_MAX 8

struct pkv kv_make(struct strpool **pool, const char *key, const char *value,
		   const char *file, int line)
{
	size_t klen = strlen(key) + 1, vlen = strlen(value) + 1;
	char *b = strpool_alloc(pool, klen + vlen);

	memcpy(b, key, klen);
	memcpy(b + klen, value, vlen);
	return (struct pkv){ b, b + klen, file, line };
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Index what was appended since the last look, at most half full. */
static void catch_up(struct kv_index *ix, const struct pkv *v, size_t n)
{
	if (2 * n > ix->cap) {
		size_t cap = ix->cap ? ix->cap : 4 * SCAN_MAX;

		while (cap < 2 * n)
			cap *= 2;
		free(ix->slot);
		ix->slot = xrealloc(NULL, cap * sizeof(*ix->slot));
		memset(ix->slot, 0, cap * sizeof(*ix->slot));
		ix->cap = cap;
		ix->n = 0;
	}
	for (; ix->n < n; ix->n++) {
		size_t i = hash(v[ix->n].key) & (ix->cap - 1);

		while (ix->slot[i])
			i = (i + 1) & (ix->cap - 1);
		ix->slot[i] = (uint32_t)ix->n + 1;
	}
}

/* The position of key in the list, or n. */
static size_t find(struct kv_index *ix, const struct pkv *v, size_t n,
		   const char *key)
{
	size_t i;

	if (n <= SCAN_MAX) {
		for (i = 0; i < n && strcmp(v[i].key, key); i++)
			;
		return i;
	}
	catch_up(ix, v, n);
	for (i = hash(key) & (ix->cap - 1); ix->slot[i];
	     i = (i + 1) & (ix->cap - 1))
		if (!strcmp(v[ix->slot[i] - 1].key, key))
			return ix->slot[i] - 1;
	return n;
}

void kv_put(struct pkv **v, size_t *n, struct kv_index *ix, struct pkv e)
{
	size_t i = find(ix, *v, *n, e.key);

	if (i == *n) {
		*v = kv_grow(*v, *n, sizeof(**v));
		(*n)++;
	}
	(*v)[i] = e;
}

void kv_index_reset(struct kv_index *ix)
{
	free(ix->slot);
	*ix = (struct kv_index){ 0 };
}

void *kv_grow(void *v, size_t n, size_t size)
{
	if (n == 0 || (n >= 8 && !(n & (n - 1))))
		v = xrealloc(v, (n ? 2 * n : 8) * size);
	return v;
}
