// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdint.h>
#include <string.h>

#include "strpool.h"
#include "xalloc.h"

#define POOL_CHUNK 16384

struct strpool {
	struct strpool *next;
	size_t used, size;
	char mem[];
};

char *strpool_alloc(struct strpool **pool, size_t n)
{
	struct strpool *p = *pool;

	if (!p || p->size - p->used < n) {
		size_t size = n > POOL_CHUNK ? n : POOL_CHUNK;

		p = xrealloc(NULL, sizeof(*p) + size);
		*p = (struct strpool){ .next = *pool, .size = size };
		*pool = p;
	}
	p->used += n;
	return p->mem + p->used - n;
}

char *strpool_dup(struct strpool **pool, const char *s)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	return memcpy(strpool_alloc(pool, n), s, n);
}

bool strpool_owns(const struct strpool *pool, const char *s)
{
	uintptr_t a = (uintptr_t)s;

	for (; pool; pool = pool->next)
		if (a >= (uintptr_t)pool->mem &&
		    a < (uintptr_t)pool->mem + pool->used)
			return true;
	return false;
}

void strpool_free(struct strpool *pool)
{
	while (pool) {
		struct strpool *next = pool->next;

		free(pool);
		pool = next;
	}
}
