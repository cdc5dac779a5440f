// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Key and value normalisation (pure), and reading, writing and probing keys
 * in a /proc/sys tree of the test's own (the real one is the e2e tests').
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sysctl.h"
#include "fake_sysctl.h"

static void canon(const char *in, const char *want)
{
	char out[256];
	struct err e = { 0 };

	assert_int_equal(sysctl_key_canon(in, out, sizeof(out), &e), 0);
	assert_string_equal(out, want);
}

static void keys_are_canonical_dotted(void **state)
{
	(void)state;
	canon("net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_fin_timeout");
	canon("net/ipv4/tcp_fin_timeout", "net.ipv4.tcp_fin_timeout");
	/* a dot inside a component (VLAN interface) */
	canon("net/ipv4/conf/eth0.100/rp_filter",
	      "net.ipv4.conf.eth0/100.rp_filter");
	canon("net.ipv4.conf.eth0/100.rp_filter",
	      "net.ipv4.conf.eth0/100.rp_filter");
}

static void bad_keys_are_refused(void **state)
{
	const char *bad[] = { "", "net..ipv4", "net.ipv4.", ".net",
			      "net/../etc", "/proc/sys/net/x", "net.ipv4.a b",
			      "net/ipv4/../../x" };
	char out[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(sysctl_key_canon(bad[i], out, sizeof(out),
						  NULL), -EINVAL);
}

static void check(const char *key, const char *v, const char *want)
{
	char norm[256], warn[256];
	struct err e = { 0 };

	assert_int_equal(sysctl_check(key, v, norm, sizeof(norm), warn,
				      sizeof(warn), &e), 0);
	assert_string_equal(norm, want);
}

static void values_are_normalised(void **state)
{
	(void)state;
	check("net.ipv4.ip_local_port_range", " 10240\t 65001 ", "10240 65001");
	check("net.ipv4.tcp_fin_timeout", "030", "30");
	check("net.ipv4.ip_local_reserved_ports", "9000-9010, 8080,9005",
	      "8080,9000-9010");
	check("net.ipv4.ip_local_reserved_ports", "1,2,3", "1-3");
	check("net.ipv4.ip_local_reserved_ports", "", "");
	check("net.core.somaxconn", "  4096 ", "4096");
	check("net.ipv4.tcp_rmem", "4096\t131072   6291456",
	      "4096 131072 6291456");
}

static void parity_warning(void **state)
{
	char norm[64], warn[256];

	(void)state;
	assert_int_equal(sysctl_check("net.ipv4.ip_local_port_range",
				      "10000 60000", norm, sizeof(norm), warn,
				      sizeof(warn), NULL), 0);
	assert_non_null(strstr(warn, "both ends are even"));
	assert_non_null(strstr(warn, "10000 60001"));
	assert_int_equal(sysctl_check("net.ipv4.ip_local_port_range",
				      "32768 60999", norm, sizeof(norm), warn,
				      sizeof(warn), NULL), 0);
	assert_string_equal(warn, "");
}

static void ranges_and_limits(void **state)
{
	char n[64];

	(void)state;
	assert_int_equal(sysctl_check("net.ipv4.tcp_tw_reuse", "2", n,
				      sizeof(n), NULL, 0, NULL), 0);
	assert_int_equal(sysctl_check("net.ipv4.tcp_tw_reuse", "-1", n,
				      sizeof(n), NULL, 0, NULL), -ERANGE);
	assert_int_equal(sysctl_check("net.ipv4.tcp_tw_reuse_delay", "0", n,
				      sizeof(n), NULL, 0, NULL), -ERANGE);
	assert_int_equal(sysctl_check("net.ipv4.ip_local_port_range",
				      "1 65536", n, sizeof(n), NULL, 0, NULL),
			 -ERANGE);
	assert_int_equal(sysctl_check("net.ipv4.ip_local_port_range",
				      "1 2 3", n, sizeof(n), NULL, 0, NULL),
			 -EINVAL);
	assert_int_equal(sysctl_check("net.ipv4.tcp_tw_recycle", "1", n,
				      sizeof(n), NULL, 0, NULL), -EINVAL);
}

static void portlist_set(void **state)
{
	static const char *const bad[] = { "9002-9000", "abc", "70000", "1,,2",
					   "5-", "1 2", "1,", "-3" };
	static struct portset s;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(sysctl_portlist_parse("5-7, 65535\n", &s, NULL), 0);
	assert_true(portset_has(&s, 5) && portset_has(&s, 7));
	assert_false(portset_has(&s, 8));
	assert_true(portset_has(&s, 65535));
	assert_int_equal(portset_count(&s, 0, 65535), 4);
	assert_int_equal(sysctl_portlist_parse("\n", &s, NULL), 0);
	assert_int_equal(portset_count(&s, 0, 65535), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(sysctl_portlist_parse(bad[i], &s, &e), -EINVAL);
}

static const char *const tree[] = {
	"net/ipv4/ip_local_port_range=32768	60999",
	"net/ipv4/tcp_syn_retries=6",
	"net/ipv4/tcp_fin_timeout=60",
	"net/ipv4/ip_local_reserved_ports=",
	"net/core/somaxconn=4096@r",
	NULL,
};

static void reads_and_writes_keys(void **state)
{
	char v[64];
	struct err e = { 0 };

	(void)state;
	fake_sysctl_tree(tree);
	assert_int_equal(sysctl_read("net.ipv4.ip_local_port_range", v,
				     sizeof(v), NULL), 0);
	assert_string_equal(v, "32768 60999");	/* the tab folded */
	assert_int_equal(sysctl_read("net.ipv4.no_such_key", v, sizeof(v),
				     NULL), -ENOENT);
	assert_int_equal(sysctl_write("net.ipv4.tcp_fin_timeout", "30", &e), 0);
	assert_int_equal(sysctl_read("net.ipv4.tcp_fin_timeout", v, sizeof(v),
				     NULL), 0);
	assert_string_equal(v, "30");
	/* an empty list is written as a newline, as the kernel wants */
	assert_int_equal(sysctl_write("net.ipv4.ip_local_reserved_ports", "",
				      &e), 0);
	assert_int_equal(sysctl_read("net.ipv4.ip_local_reserved_ports", v,
				     sizeof(v), NULL), 0);
	assert_string_equal(v, "");
	fake_sysctl_done();
}

static void probe_suggests_a_sibling(void **state)
{
	struct err e = { 0 };

	(void)state;
	fake_sysctl_tree(tree);
	assert_int_equal(sysctl_probe("net.ipv4.tcp_syn_retrys", &e), -ENOENT);
	assert_non_null(strstr(e.msg, "did you mean net.ipv4.tcp_syn_retries?"));
	assert_int_equal(sysctl_probe("net.ipv4", &e), -EISDIR);
	assert_int_equal(sysctl_probe("net.ipv4.tcp_fin_timeout", &e), 0);
	assert_int_equal(sysctl_probe("net.core.somaxconn", &e), -EACCES);
	assert_int_equal(sysctl_probe("net.ipv4.tcp_tw_reuse_delay", &e),
			 -EOPNOTSUPP);
	assert_non_null(strstr(e.msg, "needs Linux 6.14"));
	fake_sysctl_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_are_canonical_dotted),
		cmocka_unit_test(bad_keys_are_refused),
		cmocka_unit_test(values_are_normalised),
		cmocka_unit_test(parity_warning),
		cmocka_unit_test(ranges_and_limits),
		cmocka_unit_test(portlist_set),
		cmocka_unit_test(reads_and_writes_keys),
		cmocka_unit_test(probe_suggests_a_sibling),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
