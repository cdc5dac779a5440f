// SPDX-License-Identifier: GPL-2.0-or-later
/* prom_merge: several Prometheus documents as one, a label per document. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/prom_merge.h"

static char *merged(const char *const *texts, const char *const *values,
		    size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	prom_merge(m, texts, "netns", values, n);
	assert_int_equal(fclose(m), 0);
	return buf;
}

static void families_are_grouped_with_one_header(void **state)
{
	const char *a = "# HELP up Up.\n# TYPE up gauge\nup 1\n"
			"# HELP s Sockets.\n# TYPE s gauge\ns{proto=\"tcp\"} 3\n";
	const char *b = "# HELP up Up.\n# TYPE up gauge\nup 0\n"
			"# HELP s Sockets.\n# TYPE s gauge\ns{proto=\"tcp\"} 5\n";
	const char *texts[] = { a, b }, *values[] = { "ns-a", "ns-b" };
	char *out = merged(texts, values, 2);

	(void)state;
	assert_string_equal(out,
		"# HELP up Up.\n# TYPE up gauge\n"
		"up{netns=\"ns-a\"} 1\nup{netns=\"ns-b\"} 0\n"
		"# HELP s Sockets.\n# TYPE s gauge\n"
		"s{netns=\"ns-a\",proto=\"tcp\"} 3\n"
		"s{netns=\"ns-b\",proto=\"tcp\"} 5\n");
	free(out);
}

static void a_family_only_the_second_document_has_comes_after(void **state)
{
	const char *a = "# HELP up Up.\n# TYPE up gauge\nup 1\n";
	const char *b = "# HELP up Up.\n# TYPE up gauge\nup 0\n"
			"# HELP ct Conntrack.\n# TYPE ct gauge\nct 7\n";
	const char *texts[] = { a, b }, *values[] = { "x", "y" };
	char *out = merged(texts, values, 2);

	(void)state;
	assert_string_equal(out,
		"# HELP up Up.\n# TYPE up gauge\nup{netns=\"x\"} 1\n"
		"up{netns=\"y\"} 0\n# HELP ct Conntrack.\n# TYPE ct gauge\n"
		"ct{netns=\"y\"} 7\n");
	free(out);
}

static void label_values_are_escaped(void **state)
{
	const char *texts[] = { "m 1\n" }, *values[] = { "a\"b\\c\nd" };
	char *out = merged(texts, values, 1);

	(void)state;
	assert_string_equal(out, "m{netns=\"a\\\"b\\\\c\\nd\"} 1\n");
	free(out);
}

static void nothing_in_nothing_out(void **state)
{
	char *out = merged(NULL, NULL, 0);

	(void)state;
	assert_string_equal(out, "");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(families_are_grouped_with_one_header),
		cmocka_unit_test(a_family_only_the_second_document_has_comes_after),
		cmocka_unit_test(label_values_are_escaped),
		cmocka_unit_test(nothing_in_nothing_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
