// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Plan computation and the apply transaction against a /proc/sys tree of
 * the test's own (fake_sysctl.h): the host's values never change a result.
 */
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
#include "fake_sysctl.h"

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

static const char *const tree[] = {
	"net/ipv4/ip_local_port_range=32768	60999",
	"net/ipv4/ip_unprivileged_port_start=1024",
	"net/ipv4/tcp_fin_timeout=60",
	"net/ipv4/tcp_syn_retries=6",
	"net/ipv4/tcp_tw_reuse=2",
	"net/core/somaxconn=4096@r",
	NULL,
};

static int setup(void **state)
{
	(void)state;
	fake_sysctl_tree(tree);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_sysctl_done();
	return 0;
}

static void read_file(const char *key, char *buf, size_t len)
{
	assert_int_equal(sysctl_read(key, buf, len, NULL), 0);
}

static void equal_values_are_same_and_others_pending(void **state)
{
	struct profile prof;
	struct plan plan;
	const struct change *c;

	(void)state;
	/* the same range written with blanks for the kernel's tab is equal */
	build("[sysctl]\nnet.ipv4.ip_local_port_range = 32768   60999\n"
	      "net.ipv4.tcp_fin_timeout = 61\n", &prof, &plan);
	assert_int_equal(find(&plan, "net.ipv4.ip_local_port_range")->status,
			 CS_SAME);
	c = find(&plan, "net.ipv4.tcp_fin_timeout");
	assert_int_equal(c->status, CS_PENDING);
	assert_string_equal(c->before, "60");
	assert_string_equal(c->after, "61");
	assert_string_equal(c->file, "t.ini");
	assert_int_equal(c->line, 3);
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

	(void)state;
	build("[sysctl]\nnet.ipv4.tcp_tw_reuse_delay = 1000\n", &prof, &plan);
	c = find(&plan, "net.ipv4.tcp_tw_reuse_delay");
	assert_int_equal(c->status, CS_UNSUPPORTED);
	assert_non_null(strstr(c->note, "needs Linux 6.14"));
	assert_null(c->before);
	plan_free(&plan);
	profile_free(&prof);
}

static void read_only_key_is_invalid(void **state)
{
	struct profile prof;
	struct plan plan;
	const struct change *c;

	(void)state;
	build("[sysctl]\nnet.core.somaxconn = 8192\n", &prof, &plan);
	c = find(&plan, "net.core.somaxconn");
	assert_int_equal(c->status, CS_INVALID);
	assert_non_null(strstr(c->note, "read-only"));
	plan_free(&plan);
	profile_free(&prof);
}

static void range_below_the_systems_unprivileged_start_is_invalid(void **state)
{
	struct profile prof;
	struct plan plan;
	const struct change *c;

	(void)state;
	build("[sysctl]\nnet.ipv4.ip_local_port_range = 1000 40001\n", &prof,
	      &plan);
	c = find(&plan, "net.ipv4.ip_local_port_range");
	assert_int_equal(c->status, CS_INVALID);
	assert_non_null(strstr(c->note, "(1024)"));
	plan_free(&plan);
	profile_free(&prof);
}

/* The floor is lowered before the range and raised after it. */
static void port_floor_is_ordered_around_the_range(void **state)
{
	struct profile prof;
	struct plan plan;

	(void)state;
	build("[sysctl]\nnet.ipv4.ip_local_port_range = 900 40001\n"
	      "net.ipv4.ip_unprivileged_port_start = 800\n", &prof, &plan);
	assert_int_equal(plan.n, 2);
	assert_string_equal(plan.v[0].key, "net.ipv4.ip_unprivileged_port_start");
	assert_string_equal(plan.v[1].key, "net.ipv4.ip_local_port_range");
	plan_free(&plan);
	profile_free(&prof);
}

static void apply_writes_and_reads_back(void **state)
{
	struct profile prof;
	struct plan plan;
	struct err e = { 0 };
	char v[64];

	(void)state;
	build("[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n"
	      "net.ipv4.tcp_tw_reuse = 1\n", &prof, &plan);
	assert_int_equal(plan_apply(&plan, &e), 0);
	assert_int_equal(plan_count(&plan, CS_CHANGED), 2);
	read_file("net.ipv4.tcp_fin_timeout", v, sizeof(v));
	assert_string_equal(v, "30");
	read_file("net.ipv4.tcp_tw_reuse", v, sizeof(v));
	assert_string_equal(v, "1");
	plan_free(&plan);
	profile_free(&prof);
	/* put the tree back as the other tests expect it */
	build("[sysctl]\nnet.ipv4.tcp_fin_timeout = 60\n"
	      "net.ipv4.tcp_tw_reuse = 2\n", &prof, &plan);
	assert_int_equal(plan_apply(&plan, &e), 0);
	plan_free(&plan);
	profile_free(&prof);
}

/* A write the "kernel" refuses reverts the ones before it, newest first. */
static void failed_write_reverts_the_earlier_ones(void **state)
{
	struct profile prof;
	struct plan plan;
	struct err e = { 0 };
	char path[512], v[64];

	(void)state;
	build("[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n"
	      "net.ipv4.tcp_syn_retries = 4\n"
	      "net.ipv4.tcp_tw_reuse = 0\n", &prof, &plan);
	assert_int_equal(plan_count(&plan, CS_PENDING), 3);
	/* between planning and writing, the second key stops being writable */
	snprintf(path, sizeof(path), "%snet/ipv4/tcp_syn_retries", fake_root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_not_equal(plan_apply(&plan, &e), 0);
	assert_non_null(strstr(e.msg, "net.ipv4.tcp_syn_retries"));
	assert_int_equal(find(&plan, "net.ipv4.tcp_fin_timeout")->status,
			 CS_REVERTED);
	assert_int_equal(find(&plan, "net.ipv4.tcp_syn_retries")->status,
			 CS_FAILED);
	assert_int_equal(find(&plan, "net.ipv4.tcp_tw_reuse")->status,
			 CS_SKIPPED);
	read_file("net.ipv4.tcp_fin_timeout", v, sizeof(v));
	assert_string_equal(v, "60");
	read_file("net.ipv4.tcp_tw_reuse", v, sizeof(v));
	assert_string_equal(v, "2");
	assert_int_equal(rmdir(path), 0);
	fake_sysctl_file("net/ipv4/tcp_syn_retries=6");
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

/* Room made at once: the changes added after stay where they are. */
static void reserved_room_is_filled_in_place(void **state)
{
	struct plan plan = { 0 };
	struct change *first;

	(void)state;
	plan_add(&plan, T_SYSCTL, NULL, "net.a", "1", "p.ini", 1);
	plan_reserve(&plan, 300);
	assert_true(plan.cap >= 300);
	assert_int_equal(plan.n, 1);
	first = plan.v;
	for (int i = 0; i < 299; i++)
		plan_add(&plan, T_NIC, "v0", "offload.rx-gro", "on", "p.ini", 2);
	assert_ptr_equal(plan.v, first);
	assert_string_equal(plan.v[0].key, "net.a");
	assert_string_equal(plan.v[299].dev, "v0");
	plan_reserve(&plan, 10);	/* never shrinks */
	assert_true(plan.cap >= 300);
	plan_free(&plan);
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
	c->before = plan_str(&plan, "off");
	assert_string_equal(change_restore_value(c), "off");
	c->restore = plan_str(&plan, "on");
	assert_string_equal(change_restore_value(c), "on");
	plan_free(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal_values_are_same_and_others_pending),
		cmocka_unit_test(missing_sysctl_is_invalid_with_a_suggestion),
		cmocka_unit_test(key_missing_from_older_kernels_is_unsupported),
		cmocka_unit_test(read_only_key_is_invalid),
		cmocka_unit_test(range_below_the_systems_unprivileged_start_is_invalid),
		cmocka_unit_test(port_floor_is_ordered_around_the_range),
		cmocka_unit_test(apply_writes_and_reads_back),
		cmocka_unit_test(failed_write_reverts_the_earlier_ones),
		cmocka_unit_test(range_below_the_profiles_unprivileged_start_is_invalid),
		cmocka_unit_test(reserved_room_is_filled_in_place),
		cmocka_unit_test(nic_section_matching_nothing_is_a_warning),
		cmocka_unit_test(restore_value_prefers_the_requested_state),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
