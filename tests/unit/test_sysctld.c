// SPDX-License-Identifier: GPL-2.0-or-later
/* sysctl.d parsing, file precedence and boot-time conflicts (all pure but
 * the last test, which reads a temporary root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "profile.h"
#include "sysctld.h"

static const struct sysctld_entry *effective(const struct sysctld_conf *c,
					     const char *key)
{
	return sysctld_effective(c, key);
}

static void assignments_in_every_spelling(void **state)
{
	struct sysctld_conf c = { 0 };

	(void)state;
	sysctld_parse(&c, "/etc/sysctl.d/a.conf",
		      "# comment\n"
		      "; also a comment\n"
		      "\n"
		      "net.ipv4.tcp_tw_reuse = 0\n"
		      "net.ipv4.tcp_fin_timeout=15\n"
		      "  net/ipv4/ip_local_port_range =  2000\t3000  \n"
		      "-net.ipv4.tcp_syn_retries = 4\n"
		      "net/ipv4/conf/eth0.100/rp_filter = 2\n"
		      "garbage line\n"
		      "   = 7\n"
		      "last.key = v");
	assert_int_equal(c.n, 6);
	assert_string_equal(c.v[0].key, "net.ipv4.tcp_tw_reuse");
	assert_string_equal(c.v[0].value, "0");
	assert_int_equal(c.v[0].line, 4);
	assert_string_equal(c.v[1].key, "net.ipv4.tcp_fin_timeout");
	assert_string_equal(c.v[1].value, "15");
	assert_string_equal(c.v[2].key, "net.ipv4.ip_local_port_range");
	assert_string_equal(c.v[2].value, "2000\t3000");
	/* "-" only means "ignore failures": the value still counts */
	assert_string_equal(c.v[3].key, "net.ipv4.tcp_syn_retries");
	assert_string_equal(c.v[3].value, "4");
	/* slashed form: the dot is part of the interface name */
	assert_string_equal(c.v[4].key, "net.ipv4.conf.eth0/100.rp_filter");
	assert_string_equal(c.v[5].key, "last.key");
	assert_int_equal(c.v[5].line, 11);
	assert_int_equal(c.nwarnings, 2);
	assert_non_null(strstr(c.warnings[0], "a.conf:9"));
	sysctld_free(&c);
}

static void later_file_and_line_win(void **state)
{
	struct sysctld_conf c = { 0 };

	(void)state;
	sysctld_parse(&c, "10-a.conf", "net.ipv4.tcp_tw_reuse = 1\n");
	sysctld_parse(&c, "60-b.conf", "x.y = 1\nnet/ipv4/tcp_tw_reuse = 0\n");
	assert_string_equal(effective(&c, "net.ipv4.tcp_tw_reuse")->file,
			    "60-b.conf");
	assert_int_equal(effective(&c, "net.ipv4.tcp_tw_reuse")->line, 2);
	assert_null(effective(&c, "net.ipv4.tcp_fin_timeout"));
	sysctld_free(&c);
}

static void globs_match_within_a_component(void **state)
{
	struct sysctld_conf c = { 0 };

	(void)state;
	sysctld_parse(&c, "f", "net.ipv4.conf.*.rp_filter = 2\n"
		      "net.ipv4.tcp_*_timeout = 9\n");
	assert_true(c.v[0].glob);
	assert_string_equal(effective(&c, "net.ipv4.conf.eth0.rp_filter")->value,
			    "2");
	/* '*' does not cross a separator, but a literal dot is inside one */
	assert_non_null(effective(&c, "net.ipv4.conf.eth0/100.rp_filter"));
	assert_null(effective(&c, "net.ipv4.conf.a.b.rp_filter"));
	assert_string_equal(effective(&c, "net.ipv4.tcp_fin_timeout")->value,
			    "9");
	sysctld_free(&c);
}

static void explicit_key_beats_any_glob(void **state)
{
	struct sysctld_conf c = { 0 };

	(void)state;
	/* even a glob in a later file does not touch an explicit key */
	sysctld_parse(&c, "10-a.conf", "net.ipv4.conf.lo.rp_filter = 0\n");
	sysctld_parse(&c, "90-b.conf", "net.ipv4.conf.*.rp_filter = 2\n");
	assert_string_equal(effective(&c, "net.ipv4.conf.lo.rp_filter")->value,
			    "0");
	assert_string_equal(effective(&c, "net.ipv4.conf.all.rp_filter")->value,
			    "2");
	sysctld_free(&c);
}

static void dash_key_alone_excludes_it(void **state)
{
	struct sysctld_conf c = { 0 };

	(void)state;
	sysctld_parse(&c, "f", "net.ipv4.conf.*.rp_filter = 2\n"
		      "-net.ipv4.conf.lo.rp_filter\n");
	assert_null(c.v[1].value);
	assert_null(effective(&c, "net.ipv4.conf.lo.rp_filter"));
	assert_non_null(effective(&c, "net.ipv4.conf.eth0.rp_filter"));
	sysctld_free(&c);
}

static void same_name_hides_lower_directories(void **state)
{
	/* ranks: 0 /etc, 1 /run, 3 /usr/lib */
	const struct sysctld_file f[] = {
		{ 3, "/usr/lib/sysctl.d", "50-default.conf" },
		{ 3, "/usr/lib/sysctl.d", "10-vendor.conf" },
		{ 0, "/etc/sysctl.d", "50-default.conf" },
		{ 1, "/run/sysctl.d", "50-default.conf" },
		{ 1, "/run/sysctl.d", "99-run.conf" },
		{ 0, "/etc/sysctl.d", "60-legacy.conf" },
	};
	size_t out[6], n = sysctld_select(f, 6, out);

	(void)state;
	assert_int_equal(n, 4);
	assert_string_equal(f[out[0]].name, "10-vendor.conf");
	assert_string_equal(f[out[1]].name, "50-default.conf");
	assert_string_equal(f[out[1]].dir, "/etc/sysctl.d");
	assert_string_equal(f[out[2]].name, "60-legacy.conf");
	assert_string_equal(f[out[3]].name, "99-run.conf");
}

static void conflicts_name_the_deciding_line(void **state)
{
	struct profile p;
	struct sysctld_conf c = { 0 };
	struct boot_conflicts bc;

	(void)state;
	assert_int_equal(profile_parse(&p, "p.ini", "[sysctl]\n"
				       "net.ipv4.tcp_tw_reuse = 1\n"
				       "net.ipv4.ip_local_port_range = 2000 3000\n"
				       "net.ipv4.tcp_fin_timeout = 30\n",
				       NULL, NULL, NULL), 0);
	sysctld_parse(&c, "/etc/sysctl.d/60-legacy.conf",
		      "# old\nnet.ipv4.tcp_tw_reuse = 0\n"
		      "net.ipv4.ip_local_port_range = 2000\t  3000\n");
	sysctld_conflicts(&c, &p, &bc);
	/* the port range is the same value, spelt differently */
	assert_int_equal(bc.n, 1);
	assert_string_equal(bc.v[0].setting, "net.ipv4.tcp_tw_reuse");
	assert_string_equal(bc.v[0].file, "/etc/sysctl.d/60-legacy.conf");
	assert_int_equal(bc.v[0].line, 2);
	assert_string_equal(bc.v[0].value, "0");
	assert_string_equal(bc.v[0].profile_value, "1");
	boot_conflicts_free(&bc);

	/* a later file with the profile's value (e.g. persist's) settles it */
	sysctld_parse(&c, "/etc/sysctl.d/90-porttune.conf",
		      "net.ipv4.tcp_tw_reuse = 1\n");
	sysctld_conflicts(&c, &p, &bc);
	assert_int_equal(bc.n, 0);
	boot_conflicts_free(&bc);
	sysctld_free(&c);
	profile_free(&p);
}

static void root_path_joins(void **state)
{
	char b[64];

	(void)state;
	root_path(b, sizeof(b), NULL, "/etc/x");
	assert_string_equal(b, "/etc/x");
	root_path(b, sizeof(b), "/tmp/r/", "/etc/x");
	assert_string_equal(b, "/tmp/r/etc/x");
	root_path(b, sizeof(b), "/", "/etc/x");
	assert_string_equal(b, "/etc/x");
}

/* Only a profile's [sysctl] keys can be undone at boot: one without any
 * has no conflict, one with them finds the line (under the root). */
static void nic_only_profile_has_no_boot_conflict(void **state)
{
	char root[] = "/tmp/pt-sysctld-XXXXXX", dir[64], file[96];
	struct boot_conflicts bc;
	struct profile nic, sys;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/etc", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/etc/sysctl.d", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(file, sizeof(file), "%s/60-legacy.conf", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("net.ipv4.tcp_tw_reuse = 0\n", f);
	fclose(f);
	assert_int_equal(profile_parse(&nic, "n.ini", "[nic eth0]\n"
				       "offload.gro = on\n", NULL, NULL, NULL), 0);
	assert_int_equal(profile_parse(&sys, "s.ini", "[sysctl]\n"
				       "net.ipv4.tcp_tw_reuse = 1\n",
				       NULL, NULL, NULL), 0);
	assert_int_equal(boot_conflicts_find(root, &nic, &bc, NULL), 0);
	assert_int_equal(bc.n, 0);
	boot_conflicts_free(&bc);
	assert_int_equal(boot_conflicts_find(root, &sys, &bc, NULL), 0);
	assert_int_equal(bc.n, 1);
	assert_string_equal(bc.v[0].file, "/etc/sysctl.d/60-legacy.conf");
	boot_conflicts_free(&bc);
	profile_free(&nic);
	profile_free(&sys);
	unlink(file);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/etc", root);
	rmdir(dir);
	rmdir(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(assignments_in_every_spelling),
		cmocka_unit_test(later_file_and_line_win),
		cmocka_unit_test(globs_match_within_a_component),
		cmocka_unit_test(explicit_key_beats_any_glob),
		cmocka_unit_test(dash_key_alone_excludes_it),
		cmocka_unit_test(same_name_hides_lower_directories),
		cmocka_unit_test(conflicts_name_the_deciding_line),
		cmocka_unit_test(root_path_joins),
		cmocka_unit_test(nic_only_profile_has_no_boot_conflict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
