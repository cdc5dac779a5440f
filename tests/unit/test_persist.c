// SPDX-License-Identifier: GPL-2.0-or-later
/* What persist writes, rendered without touching the system. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "persist.h"

static const char *const prof_text =
	"[profile]\ndescription = web\n"
	"[sysctl]\nnet.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_fin_timeout = 30\n"
	"[nic eth*]\noffload.tso = off\n[nic driver=igb]\nring.rx = max\n";

static void parse(struct profile *p, const char *text)
{
	assert_int_equal(profile_parse(p, "p.ini", text, NULL, NULL, NULL), 0);
}

static void name_sorts_after_files_setting_the_same_keys(void **state)
{
	struct profile p;
	struct sysctld_conf c = { 0 };
	char name[64];

	(void)state;
	parse(&p, prof_text);
	/* nothing sets the keys: the lowest */
	sysctld_parse(&c, "/usr/lib/sysctl.d/99-other.conf", "kernel.x = 1\n");
	assert_int_equal(persist_pick_name(&c, &p, name, sizeof(name), NULL), 0);
	assert_string_equal(name, "60-porttune.conf");
	sysctld_parse(&c, "/etc/sysctl.d/60-legacy.conf",
		      "net.ipv4.tcp_tw_reuse = 0\n");
	sysctld_parse(&c, "/usr/lib/sysctl.d/80-vendor.conf",
		      "net/ipv4/tcp_*_timeout = 9\n");
	assert_int_equal(persist_pick_name(&c, &p, name, sizeof(name), NULL), 0);
	assert_string_equal(name, "81-porttune.conf");
	/* /etc/sysctl.conf sorts as 99-sysctl.conf: nothing two-digit follows */
	sysctld_parse(&c, "/etc/sysctl.conf", "net.ipv4.tcp_tw_reuse = 0\n");
	assert_int_equal(persist_pick_name(&c, &p, name, sizeof(name), NULL),
			 -EEXIST);
	sysctld_free(&c);
	profile_free(&p);
}

static void flat_profile_parses_back_to_the_same(void **state)
{
	struct profile p, q;
	char *text;

	(void)state;
	parse(&p, prof_text);
	text = persist_profile_text(&p, "/src/web.ini");
	assert_non_null(strstr(text, "# Written by porttune persist from "
			       "/src/web.ini"));
	parse(&q, text);
	assert_int_equal(q.nsysctl, p.nsysctl);
	for (size_t i = 0; i < p.nsysctl; i++) {
		assert_string_equal(q.sysctl[i].key, p.sysctl[i].key);
		assert_string_equal(q.sysctl[i].value, p.sysctl[i].value);
	}
	assert_int_equal(q.nnic, 2);
	assert_string_equal(q.nic[1].match, "driver=igb");
	assert_string_equal(q.nic[0].kv[0].value, p.nic[0].kv[0].value);
	free(text);
	profile_free(&q);
	profile_free(&p);
}

static void sysctl_file_and_rule_carry_the_settings(void **state)
{
	struct profile p;
	char *conf, *rule, *unit;

	(void)state;
	parse(&p, prof_text);
	conf = persist_sysctl_text(&p, "web.ini");
	assert_non_null(strstr(conf, "\nnet.ipv4.tcp_tw_reuse = 1\n"));
	assert_non_null(strstr(conf, "\nnet.ipv4.tcp_fin_timeout = 30\n"));
	rule = persist_rule_text("/usr/sbin/porttune", "web.ini");
	assert_non_null(strstr(rule, "ACTION==\"add\", SUBSYSTEM==\"net\""));
	assert_non_null(strstr(rule, "RUN+=\"/usr/sbin/porttune apply --profile "
			       "/etc/porttune/profile.ini --interface %k\""));
	unit = persist_unit_text("/usr/sbin/porttune", "web.ini");
	assert_non_null(strstr(unit, "\nType=oneshot\n"));
	assert_non_null(strstr(unit, "\nBefore=network-pre.target"));
	free(conf);
	free(rule);
	free(unit);
	profile_free(&p);
}

static void commands_that_need_quoting_are_refused(void **state)
{
	(void)state;
	assert_int_equal(persist_cmd_ok("/usr/sbin/porttune", NULL), 0);
	assert_int_equal(persist_cmd_ok("/opt/my tools/porttune", NULL), -EINVAL);
	assert_int_equal(persist_cmd_ok("/opt/%k/porttune", NULL), -EINVAL);
}

static void manifest_round_trips(void **state)
{
	struct manifest m = { 0 }, n;
	char h[17], *text;

	(void)state;
	persist_hash("abc", 3, h);
	assert_int_equal(strlen(h), 16);
	manifest_add(&m, MF_DIR, "/etc/porttune", NULL);
	manifest_add(&m, MF_FILE, "/etc/porttune/profile.ini", h);
	manifest_add(&m, MF_LINK, "/etc/x.wants/p.service", "/etc/p.service");
	text = manifest_render(&m);
	assert_int_equal(manifest_parse(&n, text, NULL), 0);
	assert_int_equal(n.n, 3);
	assert_string_equal(manifest_find(&n, MF_FILE,
					  "/etc/porttune/profile.ini")->check, h);
	assert_string_equal(manifest_find(&n, MF_LINK,
					  "/etc/x.wants/p.service")->check,
			    "/etc/p.service");
	assert_null(manifest_find(&n, MF_FILE, "/etc/porttune"));
	manifest_free(&n);
	assert_int_equal(manifest_parse(&n, "file relative x\n", NULL), -EINVAL);
	free(text);
	manifest_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_sorts_after_files_setting_the_same_keys),
		cmocka_unit_test(flat_profile_parses_back_to_the_same),
		cmocka_unit_test(sysctl_file_and_rule_carry_the_settings),
		cmocka_unit_test(commands_that_need_quoting_are_refused),
		cmocka_unit_test(manifest_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
