// SPDX-License-Identifier: GPL-2.0-or-later
/* Plan computation against the real (read-only) /proc/sys of this host. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"
#include "profile.h"
#include "sysctl.h"

static const struct change *find(const struct plan *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].key, key))
			return &p->v[i];
	fail_msg("no change for %s", key);
	return NULL;
}

static void build(const char *text, struct profile *prof, struct plan *plan)
{
	assert_int_equal(profile_parse(prof, "t.ini", text, NULL, NULL, NULL), 0);
	assert_int_equal(plan_build(prof, plan, NULL), 0);
}

static void equal_values_are_same_and_others_pending(void **state)
{
	char cur[64], text[256];
	struct profile prof;
	struct plan plan;
	long lo, hi;

	(void)state;
	assert_int_equal(sysctl_read("net.ipv4.ip_local_port_range", cur,
				     sizeof(cur), NULL), 0);
	assert_int_equal(sysctl_parse_range(cur, &lo, &hi), 0);
	/* the same range written with a tab compares equal */
	snprintf(text, sizeof(text), "[sysctl]\n"
		 "net.ipv4.ip_local_port_range = %ld\t%ld\n"
		 "net.ipv4.tcp_fin_timeout = %d\n", lo, hi, 61);
	build(text, &prof, &plan);
	assert_int_equal(find(&plan, "net.ipv4.ip_local_port_range")->status,
			 CS_SAME);
	if (strcmp(find(&plan, "net.ipv4.tcp_fin_timeout")->before, "61")) {
		const struct change *c = find(&plan, "net.ipv4.tcp_fin_timeout");

		assert_int_equal(c->status, CS_PENDING);
		assert_string_equal(c->after, "61");
		assert_string_equal(c->file, "t.ini");
		assert_int_equal(c->line, 3);
	}
	assert_int_equal(plan_count(&plan, CS_INVALID), 0);
	plan_free(&plan);
	profile_free(&prof);
}

static void missing_sysctl_is_invalid_with_a_suggestion(void **state)
{
	struct profile prof;
	struct plan plan;
	const struct change *c;

	(void)state;
	build("[sysctl]\nnet.ipv4.tcp_syn_retrys = 3\n", &prof, &plan);
	c = find(&plan, "net.ipv4.tcp_syn_retrys");
	assert_int_equal(c->status, CS_INVALID);
	assert_non_null(strstr(c->note, "did you mean net.ipv4.tcp_syn_retries?"));
	plan_free(&plan);
	profile_free(&prof);
}

static void key_missing_from_older_kernels_is_unsupported(void **state)
{
	struct profile prof;
	struct plan plan;
	const struct change *c;
	char v[32];

	(void)state;
	build("[sysctl]\nnet.ipv4.tcp_tw_reuse_delay = 1000\n", &prof, &plan);
	c = find(&plan, "net.ipv4.tcp_tw_reuse_delay");
	if (sysctl_read("net.ipv4.tcp_tw_reuse_delay", v, sizeof(v), NULL)) {
		assert_int_equal(c->status, CS_UNSUPPORTED);
		assert_non_null(strstr(c->note, "needs Linux 6.14"));
	} else {
		assert_true(c->status == CS_SAME || c->status == CS_PENDING);
	}
	plan_free(&plan);
	profile_free(&prof);
}

static void range_below_the_profiles_unprivileged_start_is_invalid(void **state)
{
	struct profile prof;
	struct plan plan;
	const struct change *c;

	(void)state;
	build("[sysctl]\nnet.ipv4.ip_unprivileged_port_start = 3000\n"
	      "net.ipv4.ip_local_port_range = 2000 40001\n", &prof, &plan);
	c = find(&plan, "net.ipv4.ip_local_port_range");
	assert_int_equal(c->status, CS_INVALID);
	assert_non_null(strstr(c->note, "below net.ipv4.ip_unprivileged_port_start "
			       "(3000)"));
	plan_free(&plan);
	profile_free(&prof);
}

static void nic_section_matching_nothing_is_a_warning(void **state)
{
	struct profile prof;
	struct plan plan;

	(void)state;
	build("[nic no-such-interface*]\noffload.gro = on\n", &prof, &plan);
	assert_int_equal(plan.n, 0);
	assert_int_equal(plan.nwarnings, 1);
	assert_non_null(strstr(plan.warnings[0], "t.ini:1: [nic "
			       "no-such-interface*] matches no interface"));
	plan_free(&plan);
	profile_free(&prof);
}

static void restore_value_prefers_the_requested_state(void **state)
{
	struct plan plan = { 0 };
	struct change *c;

	(void)state;
	c = plan_add(&plan, T_NIC, "v0", "offload.tx-tcp-segmentation", "on",
		     "t.ini", 1);
	c->before = strdup("off");
	assert_string_equal(change_restore_value(c), "off");
	c->restore = strdup("on");
	assert_string_equal(change_restore_value(c), "on");
	plan_free(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal_values_are_same_and_others_pending),
		cmocka_unit_test(missing_sysctl_is_invalid_with_a_suggestion),
		cmocka_unit_test(key_missing_from_older_kernels_is_unsupported),
		cmocka_unit_test(range_below_the_profiles_unprivileged_start_is_invalid),
		cmocka_unit_test(nic_section_matching_nothing_is_a_warning),
		cmocka_unit_test(restore_value_prefers_the_requested_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
