// SPDX-License-Identifier: GPL-2.0-or-later
/* Settings-level audit checks: pure functions of struct audit_input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "audit.h"

/* A healthy default host. */
static struct audit_input healthy(void)
{
	return (struct audit_input){
		.port_lo = 32768, .port_hi = 60999, .reserved_in_range = 0,
		.unpriv_start = 1024, .tw_reuse = 1, .tw_reuse_delay = 1000,
		.timestamps = 1, .fin_timeout = 60, .max_tw_buckets = 131072,
		.tcp_inuse = 10, .tcp_tw = 100, .tcp_orphan = 0,
		.tw_overflow = 0, .tw_recycled = 5,
		.cfg = { 0.5, 0.8 },
	};
}

static const struct finding *get(const struct audit_report *r,
				 const char *check)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].check, check))
			return &r->v[i];
	return NULL;
}

static void healthy_host_is_ok(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	audit_evaluate(&in, &r);
	assert_int_equal(r.worst, SEV_OK);
	assert_non_null(get(&r, "port-range"));
	assert_null(get(&r, "port-parity"));
	assert_null(get(&r, "drift"));
	assert_int_equal(audit_effective_ports(&in), 28232);
	audit_report_free(&r);
}

static void small_range_is_a_warning(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	in.port_lo = 40000;
	in.port_hi = 40999;
	audit_evaluate(&in, &r);
	assert_int_equal(get(&r, "port-range")->sev, SEV_WARNING);
	assert_int_equal(r.worst, SEV_WARNING);
	/* wider, with the services' ports it would take reserved */
	assert_string_equal(get(&r, "port-range")->fix,
			    "net.ipv4.ip_local_port_range = 16384 65001\n"
			    "net.ipv4.ip_local_reserved_ports = 27017-27019,30000-32767");
	assert_non_null(strstr(get(&r, "port-range")->remedy,
			       ": net.ipv4.ip_local_port_range = 16384 65001; "
			       "net.ipv4.ip_local_reserved_ports = "));
	audit_report_free(&r);
	in.port_hi = 50999;
	audit_evaluate(&in, &r);
	assert_int_equal(get(&r, "port-range")->sev, SEV_WARNING);
	audit_report_free(&r);
}

static void same_parity_ends_warn(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	in.port_lo = 10240;
	in.port_hi = 65000;
	audit_evaluate(&in, &r);
	/* it costs connect() at most one port: a note, not a warning */
	assert_int_equal(get(&r, "port-parity")->sev, SEV_OK);
	assert_non_null(strstr(get(&r, "port-parity")->remedy, "10240 65001"));
	audit_report_free(&r);
}

static void reserved_ports_shrink_the_range(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	in.reserved_in_range = 20000;
	audit_evaluate(&in, &r);
	assert_int_equal(audit_effective_ports(&in), 8232);
	assert_int_equal(get(&r, "reserved-ports")->sev, SEV_WARNING);
	assert_int_equal(get(&r, "port-range")->sev, SEV_WARNING);
	audit_report_free(&r);
}

static void no_usable_port_is_critical(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	in.reserved_in_range = 28232;
	audit_evaluate(&in, &r);
	assert_int_equal(get(&r, "port-range")->sev, SEV_CRITICAL);
	audit_report_free(&r);
}

static void reuse_without_timestamps_warns(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	in.timestamps = 0;
	audit_evaluate(&in, &r);
	assert_int_equal(get(&r, "tw-reuse")->sev, SEV_WARNING);
	assert_string_equal(get(&r, "tw-reuse")->fix,
			    "net.ipv4.tcp_timestamps = 1");
	audit_report_free(&r);
}

static void loopback_only_reuse_warns_under_pressure(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	in.tw_reuse = 2;
	audit_evaluate(&in, &r);
	assert_int_equal(get(&r, "tw-reuse")->sev, SEV_OK);
	assert_non_null(strstr(get(&r, "tw-reuse")->summary, "loopback only"));
	audit_report_free(&r);
	in.tcp_tw = 20000;	/* 71 % of one destination's ports */
	audit_evaluate(&in, &r);
	assert_int_equal(get(&r, "tw-reuse")->sev, SEV_WARNING);
	assert_int_equal(get(&r, "time-wait")->sev, SEV_WARNING);
	audit_report_free(&r);
}

static void fin_timeout_myth_is_called_out(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	in.fin_timeout = 10;
	audit_evaluate(&in, &r);
	assert_int_equal(get(&r, "fin-timeout")->sev, SEV_OK);
	assert_non_null(strstr(get(&r, "fin-timeout")->evidence,
			       "does not shorten TIME_WAIT"));
	audit_report_free(&r);
}

static void tw_cap_and_overflow_warn(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	in.max_tw_buckets = 1000;
	in.tcp_tw = 990;
	in.tw_overflow = 42;
	audit_evaluate(&in, &r);
	assert_int_equal(get(&r, "tw-buckets")->sev, SEV_WARNING);
	assert_int_equal(get(&r, "tw-overflow")->sev, SEV_WARNING);
	assert_non_null(strstr(get(&r, "tw-overflow")->evidence, "= 42"));
	audit_report_free(&r);
}

static void unreadable_range_is_unknown(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	in.port_lo = in.port_hi = UNSET;
	audit_evaluate(&in, &r);
	assert_int_equal(r.worst, SEV_UNKNOWN);
	audit_report_free(&r);
}

static void drift_is_a_warning(void **state)
{
	struct audit_input in = healthy();
	struct plan plan = { 0 };
	struct audit_report r;
	struct change *c;

	(void)state;
	c = plan_add(&plan, T_SYSCTL, NULL, "net.ipv4.tcp_tw_reuse", "1",
		     "p.ini", 2);
	c->before = plan_str(&plan, "2");
	c->status = CS_PENDING;
	in.drift = &plan;
	audit_evaluate(&in, &r);
	assert_int_equal(get(&r, "drift")->sev, SEV_WARNING);
	assert_non_null(strstr(get(&r, "drift")->evidence,
			       "net.ipv4.tcp_tw_reuse: 2 -> 1"));
	assert_non_null(strstr(get(&r, "drift")->remedy, "p.ini"));
	audit_report_free(&r);
	plan_free(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(healthy_host_is_ok),
		cmocka_unit_test(small_range_is_a_warning),
		cmocka_unit_test(same_parity_ends_warn),
		cmocka_unit_test(reserved_ports_shrink_the_range),
		cmocka_unit_test(no_usable_port_is_critical),
		cmocka_unit_test(reuse_without_timestamps_warns),
		cmocka_unit_test(loopback_only_reuse_warns_under_pressure),
		cmocka_unit_test(fin_timeout_myth_is_called_out),
		cmocka_unit_test(tw_cap_and_overflow_warn),
		cmocka_unit_test(unreadable_range_is_unknown),
		cmocka_unit_test(drift_is_a_warning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
