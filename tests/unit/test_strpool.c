// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The string pool (strpool.c): every copy stays whole and apart from the
 * others, however the pool's blocks fill.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strpool.h"

#define NSTR 20000

/* Lengths 0..99 over many blocks: each copy reads back as written. */
static void copies_stay_whole_across_blocks(void **state)
{
	struct strpool *pool = NULL;
	char **copy = calloc(NSTR, sizeof(*copy));
	char s[128];

	(void)state;
	assert_non_null(copy);
	for (int i = 0; i < NSTR; i++) {
		memset(s, 'a' + i % 26, (size_t)(i % 100));
		s[i % 100] = '\0';
		copy[i] = strpool_dup(&pool, s);
		assert_ptr_not_equal(copy[i], s);
	}
	for (int i = 0; i < NSTR; i++) {
		assert_int_equal(strlen(copy[i]), i % 100);
		for (int k = 0; k < i % 100; k++)
			assert_int_equal(copy[i][k], 'a' + i % 26);
	}
	strpool_free(pool);
	free(copy);
}

/* A string longer than a block, between short ones. */
static void long_string_between_short_ones(void **state)
{
	struct strpool *pool = NULL;
	char *big = malloc(100000);
	const char *a, *b, *c;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', 99999);
	big[99999] = '\0';
	a = strpool_dup(&pool, "a");
	b = strpool_dup(&pool, big);
	c = strpool_dup(&pool, "c");
	assert_string_equal(a, "a");
	assert_string_equal(b, big);
	assert_string_equal(c, "c");
	strpool_free(pool);
	free(big);
}

static void null_stays_null_and_empty_is_empty(void **state)
{
	struct strpool *pool = NULL;

	(void)state;
	assert_null(strpool_dup(&pool, NULL));
	assert_null(pool);
	assert_string_equal(strpool_dup(&pool, ""), "");
	strpool_free(pool);
	strpool_free(NULL);
}

/* Raw allocations are back to back and do not overlap. */
static void allocations_do_not_overlap(void **state)
{
	struct strpool *pool = NULL;
	char *p[100];

	(void)state;
	for (int i = 0; i < 100; i++) {
		p[i] = strpool_alloc(&pool, 1000);
		memset(p[i], i, 1000);
	}
	for (int i = 0; i < 100; i++)
		for (int k = 0; k < 1000; k++)
			assert_int_equal((unsigned char)p[i][k], i);
	strpool_free(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copies_stay_whole_across_blocks),
		cmocka_unit_test(long_string_between_short_ones),
		cmocka_unit_test(null_stays_null_and_empty_is_empty),
		cmocka_unit_test(allocations_do_not_overlap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
