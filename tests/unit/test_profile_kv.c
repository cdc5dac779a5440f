// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parser's key lists (profile_kv.c): the index a long section gets must
 * find what a scan would, and NIC keys keep their messages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "profile.h"
#include "profile_kv.h"
#include "strbuf.h"

#define NKEYS 1000

static int parse(struct profile *p, const char *text)
{
	return profile_parse(p, "/p/main.ini", text, NULL, NULL, NULL);
}

static const struct pkv *find(const struct pkv *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].key, key))
			return &v[i];
	return NULL;
}

/*
 * Key i is set on line i + 2 and again, from the middle on, on a later
 * line: the list holds each key once, where it first came, with the last
 * value and that value's line.
 */
static void long_section_keeps_first_place_and_last_value(void **state)
{
	struct buf b = { 0 };
	struct profile p;

	(void)state;
	bprintf(&b, "[sysctl]\n");
	for (int i = 0; i < NKEYS; i++)
		bprintf(&b, "net.core.k%d = %d\n", i, i);
	for (int i = NKEYS - 1; i >= NKEYS / 2; i--)
		bprintf(&b, "net.core.k%d = %d\n", i, -i);
	assert_int_equal(parse(&p, b.s), 0);
	assert_int_equal(p.nsysctl, NKEYS);
	for (int i = 0; i < NKEYS; i++) {
		char key[32], value[32];
		int line = i < NKEYS / 2 ? i + 2 : 2 * NKEYS + 1 - i;

		snprintf(key, sizeof(key), "net.core.k%d", i);
		snprintf(value, sizeof(value), "%d", i < NKEYS / 2 ? i : -i);
		assert_string_equal(p.sysctl[i].key, key);
		assert_string_equal(p.sysctl[i].value, value);
		assert_int_equal(p.sysctl[i].line, line);
	}
	profile_free(&p);
	free(b.s);
}

/* Each [nic] section is a list of its own, however long. */
static void nic_sections_do_not_share_keys(void **state)
{
	static const char *const feats[] = {
		"rx-gro", "tx-tcp-segmentation", "tx-tcp6-segmentation",
		"tx-tcp-ecn-segmentation", "tx-tcp-mangleid-segmentation",
		"rx-lro", "rx-hashing", "rx-vlan-hw-parse", "tx-vlan-hw-insert",
		"rx-ntuple-filter", "tx-generic-segmentation", "rx-checksum",
	};
	const size_t nf = sizeof(feats) / sizeof(*feats);
	struct buf b = { 0 };
	struct profile p;

	(void)state;
	for (int s = 0; s < 3; s++) {
		bprintf(&b, "[nic eth%d]\n", s);
		for (size_t i = 0; i < nf; i++)
			bprintf(&b, "offload.%s = %s\n", feats[i],
				(i + s) % 2 ? "on" : "off");
		bprintf(&b, "offload.%s = on\n", feats[nf - 1 - s]);
	}
	assert_int_equal(parse(&p, b.s), 0);
	assert_int_equal(p.nnic, 3);
	for (size_t s = 0; s < 3; s++) {
		assert_int_equal(p.nic[s].nkv, nf);
		for (size_t i = 0; i < nf; i++) {
			const char *want = i == nf - 1 - s || (i + s) % 2 ?
					   "on" : "off";

			assert_string_equal(p.nic[s].kv[i].key + 8, feats[i]);
			assert_string_equal(p.nic[s].kv[i].value, want);
		}
	}
	profile_free(&p);
	free(b.s);
}

/* The index crosses the scan's limit and grows: it finds every key. */
static void index_finds_what_a_scan_finds(void **state)
{
	struct strpool *pool = NULL;
	struct kv_index ix = { 0 };
	struct pkv *v = NULL;
	size_t n = 0;

	(void)state;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < NKEYS; i += round + 1) {
			char key[32], value[32];

			snprintf(key, sizeof(key), "k%d", i);
			snprintf(value, sizeof(value), "%d.%d", round, i);
			kv_put(&v, &n, &ix, kv_make(&pool, key, value, "f", i));
			assert_int_equal(n, round ? NKEYS : (size_t)i + 1);
		}
	}
	for (int i = 0; i < NKEYS; i++) {
		char key[32], value[32];
		const struct pkv *e;

		snprintf(key, sizeof(key), "k%d", i);
		snprintf(value, sizeof(value), "%d.%d", i % 3 ? i % 2 ? 0 : 1 : 2,
			 i);
		e = find(v, n, key);
		assert_non_null(e);
		assert_ptr_equal(e, &v[i]);
		assert_string_equal(e->value, value);
	}
	kv_index_reset(&ix);
	free(v);
	strpool_free(pool);
}

/* kv_grow's capacity is implied by the count: every entry can be written. */
static void grown_array_holds_every_entry(void **state)
{
	size_t *v = NULL;

	(void)state;
	for (size_t n = 0; n < 5000; n++) {
		v = kv_grow(v, n, sizeof(*v));
		v[n] = n;
	}
	for (size_t n = 0; n < 5000; n++)
		assert_int_equal(v[n], n);
	free(v);
}

/* The messages of refused NIC keys, word for word. */
static void nic_key_messages_are_unchanged(void **state)
{
	static const char *const want[] = {
		"/p/main.ini:2: offload.TSO: 'TSO' is not an ethtool feature name",
		"/p/main.ini:3: unknown NIC setting 'ring.rxx'; did you mean "
		"'ring.rx'?",
		"/p/main.ini:4: offload.tso: 'yes' is not on or off",
		"/p/main.ini:5: unknown NIC setting 'offloads.tso' (use "
		"offload.*, coalesce.*, ring.* or channels.*)",
		"/p/main.ini:6: unknown NIC setting 'coalesce.rx-usec'; did you "
		"mean 'coalesce.rx-usecs'?",
		"/p/main.ini:8: offload.a-feature-name-longer-than-32-chars: "
		"'a-feature-name-longer-than-32-chars' is not an ethtool "
		"feature name",
		"/p/main.ini:9: ring.rx: '-1' is not a number or max",
		"/p/main.ini:10: unknown NIC setting 'offload' (use offload.*, "
		"coalesce.*, ring.* or channels.*)",
		"/p/main.ini:11: unknown NIC setting 'offload.' (use offload.*, "
		"coalesce.*, ring.* or channels.*)",
		"/p/main.ini:12: [nic driver=] needs a name",
	};
	struct profile p;

	(void)state;
	assert_int_equal(parse(&p, "[nic eth0]\n"
			       "offload.TSO = on\n"
			       "ring.rxx = 1\n"
			       "offload.tso = yes\n"
			       "offloads.tso = on\n"
			       "coalesce.rx-usec = 3\n"
			       "offload.rx-checksummin = on\n"
			       "offload.a-feature-name-longer-than-32-chars = on\n"
			       "ring.rx = -1\n"
			       "offload = on\n"
			       "offload. = on\n"
			       "[nic driver=]\n"), -EINVAL);
	assert_int_equal(p.nerrors, sizeof(want) / sizeof(*want));
	for (size_t i = 0; i < p.nerrors; i++)
		assert_string_equal(p.errors[i], want[i]);
	/* a kernel-style name one letter off an alias is no alias: kept */
	assert_int_equal(p.nic[0].nkv, 1);
	assert_string_equal(p.nic[0].kv[0].key, "offload.rx-checksummin");
	profile_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_section_keeps_first_place_and_last_value),
		cmocka_unit_test(nic_sections_do_not_share_keys),
		cmocka_unit_test(index_finds_what_a_scan_finds),
		cmocka_unit_test(grown_array_holds_every_entry),
		cmocka_unit_test(nic_key_messages_are_unchanged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
