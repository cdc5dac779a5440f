// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * [nic SELECTOR] matching: a plain or trailing-'*' glob skips fnmatch, so
 * every selector must still agree with fnmatch(3) on every name. And the
 * libraries links.c and the tracer open when needed (dlib.c).
 */
#include <errno.h>
#include <fnmatch.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dlib.h"
#include "err.h"
#include "links.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const patterns[] = {
	"", "*", "**", "bv*", "bv**", "bv*0", "*bv", "bv", "bv0", "bv1",
	"b?0", "bv?", "?", "??*", "bv[0-9]", "bv[!0]*", "bv[]", "bv[",
	"bv\\*", "bv\\", "\\b\\v0", "bv0\\", "eth0.100", "eth0.*", "br-*",
	"a*b*c", "*0", "[", "]", "\\", "ve*th", "vEth*", "v*", "\xc3\xa9*",
	"\xc3\xa9t0", "x\xff*", "bv*[", "bv[*]", "bv*\\",
};

static const char *const names[] = {
	"bv", "bv0", "bv1", "bv10", "bv*", "bv*0", "bv?", "bv[", "bv[]",
	"bv\\", "bv\\*", "b", "", "eth0.100", "eth0", "br-lan", "abc",
	"aXbYc", "veth", "vEth0", "\xc3\xa9t0", "\xc3\xa9", "x\xff", "x\xffy",
	"lo", "*", "?", "[", "\\", ".hidden", "a/b", "bv[*]", "bv*[",
};

static void plain_globs_agree_with_fnmatch(void **state)
{
	struct link l;

	(void)state;
	for (size_t p = 0; p < N(patterns); p++)
		for (size_t n = 0; n < N(names); n++) {
			bool want = fnmatch(patterns[p], names[n], 0) == 0;

			memset(&l, 0, sizeof(l));
			snprintf(l.name, sizeof(l.name), "%s", names[n]);
			if (links_match(&l, patterns[p]) != want)
				fail_msg("'%s' on '%s': fnmatch says %d",
					 patterns[p], names[n], want);
		}
}

static void driver_globs_agree_with_fnmatch(void **state)
{
	char sel[64];
	struct link l;

	(void)state;
	for (size_t p = 0; p < N(patterns); p++)
		for (size_t n = 0; n < N(names); n++) {
			bool want;

			snprintf(sel, sizeof(sel), "driver=%s", patterns[p]);
			memset(&l, 0, sizeof(l));
			snprintf(l.name, sizeof(l.name), "x");
			snprintf(l.driver, sizeof(l.driver), "%s", names[n]);
			/* no driver known: nothing matches, not even "*" */
			want = names[n][0] &&
			       fnmatch(patterns[p], names[n], 0) == 0;
			if (links_match(&l, sel) != want)
				fail_msg("'%s' on driver '%s': want %d", sel,
					 names[n], want);
		}
}

static void name_selector_is_exact(void **state)
{
	struct link l = { .name = "bv*" };

	(void)state;
	assert_true(links_match(&l, "name=bv*"));
	assert_false(links_match(&l, "name=bv"));
	snprintf(l.name, sizeof(l.name), "bv0");
	assert_false(links_match(&l, "name=bv*"));
	assert_true(links_match(&l, "bv*"));
	assert_true(links_match(&l, "bv0"));
	assert_false(links_match(&l, "bv"));
	assert_false(links_match(&l, "bv0*x"));
}

/* What dlib_open() gives: the functions, or a message naming what is
 * missing and nothing kept; a later call tries again. */
static void a_library_opened_when_needed_names_what_is_missing(void **state)
{
	__typeof__(getpid) *pid = NULL;
	void *none = NULL, *handle = NULL;
	struct dlib_sym good[] = { { "getpid", (void **)&pid } };
	struct dlib_sym bad[] = { { "getpid", (void **)&pid },
				  { "no_such_function_here", &none } };
	struct err e = { 0 };

	(void)state;
	assert_int_equal(dlib_open(&handle, "libporttune-none.so.0", good, 1,
				   "testing", &e), -ENOENT);
	assert_null(handle);
	assert_non_null(strstr(e.msg, "testing needs libporttune-none.so.0: "));
	assert_int_equal(dlib_open(&handle, "libc.so.6", bad, 2, "testing",
				   &e), -ENOENT);
	assert_null(handle);
	assert_string_equal(e.msg, "testing needs libc.so.6, which has no "
			    "no_such_function_here");
	assert_int_equal(dlib_open(&handle, "libc.so.6", good, 1, "testing",
				   &e), 0);
	assert_non_null(handle);
	assert_int_equal(pid(), getpid());
	/* once open, the handle is kept: not opened again */
	pid = NULL;
	assert_int_equal(dlib_open(&handle, "libporttune-none.so.0", good, 1,
				   "testing", &e), 0);
	assert_null(pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_globs_agree_with_fnmatch),
		cmocka_unit_test(driver_globs_agree_with_fnmatch),
		cmocka_unit_test(name_selector_is_exact),
		cmocka_unit_test(a_library_opened_when_needed_names_what_is_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
