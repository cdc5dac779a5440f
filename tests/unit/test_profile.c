// SPDX-License-Identifier: GPL-2.0-or-later
/* Profile parsing: pure, driven with in-memory files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "keyspec.h"
#include "profile.h"

/* An in-memory file system for includes: NULL-terminated name/text pairs. */
static const char *const *mem_files;

static int mem_loader(void *ctx, const char *path, char **canon, char **text,
		      struct err *err)
{
	(void)ctx;
	for (size_t i = 0; mem_files && mem_files[i]; i += 2) {
		if (strcmp(mem_files[i], path))
			continue;
		*canon = strdup(path);
		*text = strdup(mem_files[i + 1]);
		return 0;
	}
	return err_set(err, -ENOENT, "No such file or directory");
}

static int parse(struct profile *p, const char *text)
{
	return profile_parse(p, "/p/main.ini", text, mem_loader, NULL, NULL);
}

static const char *sysctl_value(const struct profile *p, const char *key)
{
	for (size_t i = 0; i < p->nsysctl; i++)
		if (!strcmp(p->sysctl[i].key, key))
			return p->sysctl[i].value;
	return NULL;
}

/* The profile is invalid and some error message contains `needle`. */
static void expect_error(const char *text, const char *needle)
{
	struct profile p;
	bool found = false;

	assert_int_equal(parse(&p, text), -EINVAL);
	for (size_t i = 0; i < p.nerrors; i++)
		found |= strstr(p.errors[i], needle) != NULL;
	if (!found) {
		for (size_t i = 0; i < p.nerrors; i++)
			print_error("error: %s\n", p.errors[i]);
		fail_msg("no error contains '%s'", needle);
	}
	profile_free(&p);
}

static void sysctl_section_is_parsed_and_normalised(void **state)
{
	struct profile p;

	(void)state;
	assert_int_equal(parse(&p, "[profile]\ndescription = d\n[sysctl]\n"
			 "net.ipv4.ip_local_port_range =  10240\t65001\n"
			 "net/ipv4/tcp_tw_reuse = 1\n"), 0);
	assert_string_equal(p.description, "d");
	assert_int_equal(p.nsysctl, 2);
	assert_string_equal(sysctl_value(&p, "net.ipv4.ip_local_port_range"),
			    "10240 65001");
	assert_string_equal(sysctl_value(&p, "net.ipv4.tcp_tw_reuse"), "1");
	assert_int_equal(p.sysctl[1].line, 5);
	assert_string_equal(p.sysctl[1].file, "/p/main.ini");
	profile_free(&p);
}

static void later_value_in_one_file_wins(void **state)
{
	struct profile p;

	(void)state;
	assert_int_equal(parse(&p, "[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n"
			 "net.ipv4.tcp_fin_timeout = 20\n"), 0);
	assert_int_equal(p.nsysctl, 1);
	assert_string_equal(p.sysctl[0].value, "20");
	assert_int_equal(p.sysctl[0].line, 3);
	profile_free(&p);
}

static void include_is_relative_and_child_wins(void **state)
{
	static const char *const files[] = {
		"/p/../base.ini",
		"[profile]\ndescription = base\n[sysctl]\n"
		"net.ipv4.tcp_fin_timeout = 40\nnet.ipv4.tcp_tw_reuse = 1\n",
		NULL,
	};
	struct profile p;

	(void)state;
	mem_files = files;
	assert_int_equal(parse(&p, "[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n"
			 "[profile]\ninclude = ../base.ini\n"), 0);
	assert_string_equal(sysctl_value(&p, "net.ipv4.tcp_fin_timeout"), "30");
	assert_string_equal(sysctl_value(&p, "net.ipv4.tcp_tw_reuse"), "1");
	assert_string_equal(p.description, "base");
	/* the inherited value remembers where it came from */
	for (size_t i = 0; i < p.nsysctl; i++)
		if (!strcmp(p.sysctl[i].key, "net.ipv4.tcp_tw_reuse"))
			assert_string_equal(p.sysctl[i].file, "/p/../base.ini");
	mem_files = NULL;
	profile_free(&p);
}

static void include_cycle_is_an_error_at_the_include_line(void **state)
{
	static const char *const files[] = {
		"/p/a.ini", "[profile]\ninclude = b.ini\n",
		"/p/b.ini", "[profile]\n\ninclude = a.ini\n",
		NULL,
	};

	(void)state;
	mem_files = files;
	expect_error("[profile]\ninclude = a.ini\n", "/p/b.ini:3: include cycle");
	mem_files = NULL;
}

static void self_include_is_a_cycle(void **state)
{
	static const char *const files[] = {
		"/p/main.ini", "[profile]\ninclude = main.ini\n", NULL,
	};

	(void)state;
	mem_files = files;
	expect_error("[profile]\ninclude = main.ini\n",
		     "/p/main.ini:2: include cycle");
	mem_files = NULL;
}

static void missing_include_names_the_line(void **state)
{
	(void)state;
	expect_error("[profile]\ninclude = gone.ini\n",
		     "/p/main.ini:2: include /p/gone.ini: No such file");
}

static void validation_errors_carry_line_numbers(void **state)
{
	(void)state;
	expect_error("[sysctl]\nnet.ipv4.tcp_tw_reuse = 3\n",
		     "main.ini:2: net.ipv4.tcp_tw_reuse: 3 is out of range 0-2");
	expect_error("[sysctl]\n\nnet.ipv4.tcp_fin_timeout = soon\n",
		     "main.ini:3: net.ipv4.tcp_fin_timeout: 'soon' is not an "
		     "integer");
	expect_error("[sysctl]\nnet.ipv4.tcp_fin_timeout = 0\n",
		     "main.ini:2: net.ipv4.tcp_fin_timeout: 0 is out of range");
	expect_error("[sysctl]\nnet.ipv4.ip_local_port_range = 5 4\n",
		     "main.ini:2: net.ipv4.ip_local_port_range: low end 5 is "
		     "above high end 4");
	expect_error("[sysctl]\nnet.ipv4.ip_local_port_range = 0 100\n",
		     "main.ini:2: net.ipv4.ip_local_port_range: ports must be "
		     "within 1-65535");
	expect_error("[sysctl]\nnet.ipv4.ip_local_port_range = 1000\n",
		     "main.ini:2: net.ipv4.ip_local_port_range: '1000' is not "
		     "two port numbers");
	expect_error("[sysctl]\nnet.ipv4.ip_local_reserved_ports = 80,x\n",
		     "main.ini:2: net.ipv4.ip_local_reserved_ports: 'x' is not "
		     "a port");
	expect_error("[sysctl]\nnet.ipv4.tcp_tw_reuse_delay = 60001\n",
		     "main.ini:2: net.ipv4.tcp_tw_reuse_delay: 60001 is out of "
		     "range 1-60000");
	expect_error("[sysctl]\nnet.ipv4.tcp_max_tw_buckets = -1\n",
		     "main.ini:2: net.ipv4.tcp_max_tw_buckets: -1 is out of "
		     "range");
	expect_error("[sysctl]\nnet.ipv4.tcp_tw_recycle = 0\n",
		     "main.ini:2: net.ipv4.tcp_tw_recycle was removed in Linux "
		     "4.12");
}

static void unknown_names_get_a_suggestion(void **state)
{
	(void)state;
	expect_error("[sysctl]\nnet.ipv4.tcp_fin_timout = 30\n",
		     "main.ini:2: unknown sysctl 'net.ipv4.tcp_fin_timout'; did "
		     "you mean 'net.ipv4.tcp_fin_timeout'?");
	expect_error("[sysctll]\n", "main.ini:1: unknown section 'sysctll'; did "
		     "you mean 'sysctl'?");
	expect_error("[profile]\ndescriptoin = x\n", "main.ini:2: unknown key "
		     "in [profile] 'descriptoin'; did you mean 'description'?");
	expect_error("[bogus]\n", "main.ini:1: unknown section 'bogus'");
	expect_error("[audit]\nwarn-ocupancy = 50%\n", "did you mean "
		     "'warn-occupancy'?");
}

static void syntax_errors_name_the_line(void **state)
{
	(void)state;
	expect_error("[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\ngarbage\n",
		     "main.ini:3: expected [section] or key = value");
	expect_error("x = 1\n", "main.ini:1: 'x' is outside any section");
	expect_error("[sysctl]\n/proc/sys/net/ipv4/tcp_fin_timeout = 30\n",
		     "main.ini:2: sysctl '/proc/sys/net/ipv4/tcp_fin_timeout': "
		     "name it without /proc/sys/");
	expect_error("[sysctl]\nnet..ipv4 = 1\n", "main.ini:2: bad sysctl name");
}

static void every_error_is_collected(void **state)
{
	struct profile p;

	(void)state;
	assert_int_equal(parse(&p, "[sysctl]\nnet.ipv4.tcp_tw_reuse = 7\n"
			 "[nope]\nnet.ipv4.tcp_fin_timeout = x\n"), -EINVAL);
	assert_int_equal(p.nerrors, 2);
	profile_free(&p);
}

static void parity_is_a_warning_not_an_error(void **state)
{
	struct profile p;

	(void)state;
	assert_int_equal(parse(&p, "[sysctl]\n"
			 "net.ipv4.ip_local_port_range = 10000 60000\n"), 0);
	assert_int_equal(p.nwarnings, 1);
	assert_non_null(strstr(p.warnings[0], "main.ini:2:"));
	assert_non_null(strstr(p.warnings[0], "even"));
	profile_free(&p);
}

static void audit_thresholds_default_and_override(void **state)
{
	struct profile p;

	(void)state;
	assert_int_equal(parse(&p, "[sysctl]\n"), 0);
	assert_true(p.audit.warn_ratio == 0.5 && p.audit.crit_ratio == 0.8);
	profile_free(&p);
	assert_int_equal(parse(&p, "[audit]\nwarn-occupancy = 40%\n"
			 "crit-occupancy = 0.9\n"), 0);
	assert_true(p.audit.warn_ratio == 0.4 && p.audit.crit_ratio == 0.9);
	profile_free(&p);
	expect_error("[audit]\nwarn-occupancy = 150%\n",
		     "main.ini:2: warn-occupancy");
}

static void snapshot_metadata_is_kept(void **state)
{
	struct profile p;

	(void)state;
	assert_int_equal(profile_parse_as(&p, PROFILE_SNAPSHOT, "s.ini",
					  "[snapshot]\nid = 4\ncommand = apply\n"
					  "[sysctl]\nnet.ipv4.ip_local_reserved_ports =\n"
					  "net.ipv4.tcp_tw_reuse = 7\n",
					  NULL, NULL, NULL), 0);
	/* what the kernel had, even if porttune would refuse it */
	assert_string_equal(sysctl_value(&p, "net.ipv4.tcp_tw_reuse"), "7");
	assert_string_equal(profile_meta(&p, "command"), "apply");
	assert_null(profile_meta(&p, "nope"));
	assert_string_equal(sysctl_value(&p, "net.ipv4.ip_local_reserved_ports"),
			    "");
	profile_free(&p);
}

/* Trust comes from the caller: content cannot make a profile a snapshot. */
static void snapshot_section_in_a_profile_is_an_error(void **state)
{
	struct profile p;

	(void)state;
	assert_int_equal(parse(&p, "[snapshot]\nid = 1\n[sysctl]\n"
			       "net.ipv4.tcp_tw_reuse = 7\n"), -EINVAL);
	assert_int_equal(p.nerrors, 2);
	assert_non_null(strstr(p.errors[0], "main.ini:1: [snapshot] belongs to "
			       "snapshots"));
	assert_non_null(strstr(p.errors[1], "main.ini:4:"));
	assert_null(profile_meta(&p, "id"));
	profile_free(&p);
	/* nor can an included file */
	mem_files = (const char *const[]){ "/p/s.ini", "[snapshot]\nid = 2\n",
					   NULL };
	assert_int_equal(parse(&p, "[profile]\ninclude = s.ini\n"), -EINVAL);
	assert_non_null(strstr(p.errors[0], "s.ini:1: [snapshot]"));
	profile_free(&p);
	mem_files = NULL;
}

/* Each kind of setting is one row: found by its section, sound on its own. */
static void registry_rows_are_consistent(void **state)
{
	struct keycheck c;

	(void)state;
	for (int t = 0; t < T_COUNT; t++) {
		const struct keyspec *k = keyspec_of(t);

		assert_non_null(k);
		assert_int_equal(k->target, t);
		assert_ptr_equal(keyspec_by_section(k->section), k);
		assert_non_null(k->type);
		assert_non_null(k->check);
		assert_true(!k->per_device || k->arg_hint);
	}
	assert_null(keyspec_of(T_COUNT));
	assert_null(keyspec_by_section("profile"));
	/* a snapshot's value is kept raw; a profile's is checked */
	assert_int_equal(keyspec_of(T_SYSCTL)->check("net.ipv4.tcp_tw_reuse",
						     "7", true, &c), 0);
	assert_string_equal(c.value, "7");
	assert_int_equal(keyspec_of(T_SYSCTL)->check("net/ipv4/tcp_tw_reuse",
						     "7", false, &c), -EINVAL);
	assert_int_equal(keyspec_of(T_NIC)->check("ring.rx", "max", false, &c),
			 0);
	assert_string_equal(c.key, "ring.rx");
	assert_int_equal(keyspec_of(T_NIC)->check("ring.rxx", "1", false, &c),
			 -EINVAL);
	assert_non_null(strstr(c.msg, "did you mean 'ring.rx'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registry_rows_are_consistent),
		cmocka_unit_test(sysctl_section_is_parsed_and_normalised),
		cmocka_unit_test(later_value_in_one_file_wins),
		cmocka_unit_test(include_is_relative_and_child_wins),
		cmocka_unit_test(include_cycle_is_an_error_at_the_include_line),
		cmocka_unit_test(self_include_is_a_cycle),
		cmocka_unit_test(missing_include_names_the_line),
		cmocka_unit_test(validation_errors_carry_line_numbers),
		cmocka_unit_test(unknown_names_get_a_suggestion),
		cmocka_unit_test(syntax_errors_name_the_line),
		cmocka_unit_test(every_error_is_collected),
		cmocka_unit_test(parity_is_a_warning_not_an_error),
		cmocka_unit_test(audit_thresholds_default_and_override),
		cmocka_unit_test(snapshot_metadata_is_kept),
		cmocka_unit_test(snapshot_section_in_a_profile_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
