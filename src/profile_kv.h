/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_PROFILE_KV_H
#define PORTTUNE_PROFILE_KV_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "strpool.h"

/*
 * The key lists of a profile while the parser builds them (a later key
 * replaces an earlier one). A long list gets an index of its keys, so that
 * a section of thousands of keys does not compare every new key with all
 * before it; one index serves one list, zeroed before its first use.
 */
struct kv_index {
	uint32_t *slot;		/* position in the list + 1; 0 is free */
	size_t cap;		/* slots: a power of two, or 0 */
	size_t n;		/* entries of the list indexed so far */
};

/* An entry with copies of key and value in the pool. */
struct pkv kv_make(struct strpool **pool, const char *key, const char *value,
		   const char *file, int line);
/* Put e in the list (v, n) that ix indexes, in place of the same key. */
void kv_put(struct pkv **v, size_t *n, struct kv_index *ix, struct pkv e);
/* Forget the list: ix can index another one. */
void kv_index_reset(struct kv_index *ix);
/*
 * Room for entry n of an array of `size` entries that grows only through
 * here (kv_put uses it): its capacity follows from n, nothing stores it.
 */
void *kv_grow(void *v, size_t n, size_t size);

#endif
