// SPDX-License-Identifier: GPL-2.0-or-later
/* audit --trace findings and lookups: pure functions of a trace_result. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "audit_trace.h"

static struct trace_entry fails[2], closes[2];

/* nginx failing 7,818 connects/s to 127.0.0.1:8080 over 2 s, and closing. */
static struct trace_result incident(void)
{
	struct trace_result t = { .ok = true, .seconds = 2 };

	fails[0] = (struct trace_entry){ .pid = 4711, .comm = "nginx",
		.cgroup = 42, .cgroup_path = "/system.slice/nginx.service",
		.family = AF_INET, .addr = { 127, 0, 0, 1 }, .port = 8080,
		.err = EADDRNOTAVAIL, .count = 15636 };
	fails[1] = (struct trace_entry){ .pid = 99, .comm = "curl",
		.family = AF_INET6, .addr = { [15] = 1 }, .port = 81,
		.err = ECONNREFUSED, .count = 2 };
	closes[0] = fails[0];
	closes[0].err = 0;
	closes[0].count = 300;
	closes[1] = closes[0];
	closes[1].pid = 4712;
	closes[1].count = 10;
	t.v[TRACE_CONNECT_FAIL] = fails;
	t.n[TRACE_CONNECT_FAIL] = 2;
	t.v[TRACE_CLOSE] = closes;
	t.n[TRACE_CLOSE] = 2;
	return t;
}

static const struct finding *get(const struct audit_report *r,
				 const char *check, size_t nth)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].check, check) && !nth--)
			return &r->v[i];
	return NULL;
}

static void exhaustion_is_critical_with_rate_and_unit(void **state)
{
	struct trace_result t = incident();
	struct audit_report r = { 0 };
	const struct finding *f;

	(void)state;
	audit_trace_checks(&t, &r, 10);
	f = get(&r, "connect-failures", 0);
	assert_non_null(f);
	assert_int_equal(f->sev, SEV_CRITICAL);
	assert_string_equal(f->summary, "nginx (pid 4711, nginx.service) "
			    "failed 7,818 connect() calls/s to 127.0.0.1:8080 "
			    "with EADDRNOTAVAIL (\"Cannot assign requested "
			    "address\")");
	assert_non_null(strstr(f->evidence, "15636 failed connect()"));
	assert_non_null(strstr(f->evidence, "closed first by nginx (pid 4711)"));
	assert_non_null(strstr(f->remedy, "keepalive"));
	assert_int_equal(r.worst, SEV_CRITICAL);
	audit_report_free(&r);
}

static void refused_is_a_warning_on_ipv6(void **state)
{
	struct trace_result t = incident();
	struct audit_report r = { 0 };
	const struct finding *f;

	(void)state;
	audit_trace_checks(&t, &r, 10);
	f = get(&r, "connect-failures", 1);
	assert_non_null(f);
	assert_int_equal(f->sev, SEV_WARNING);
	assert_non_null(strstr(f->summary, "to [::1]:81 with ECONNREFUSED"));
	audit_report_free(&r);
}

static void top_limits_findings(void **state)
{
	struct trace_result t = incident();
	struct audit_report r = { 0 };

	(void)state;
	audit_trace_checks(&t, &r, 1);
	assert_int_equal(r.n, 2);
	assert_non_null(strstr(r.v[1].summary, "1 more"));
	audit_report_free(&r);
}

static void no_trace_is_unknown_unless_critical(void **state)
{
	struct trace_result t = { .ok = false, .why = "not root" };
	struct audit_report r = { 0 };

	(void)state;
	audit_trace_checks(&t, &r, 10);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].summary, "cannot trace: not root");
	assert_int_equal(r.worst, SEV_UNKNOWN);
	audit_report_free(&r);

	audit_add(&r, "destination", SEV_CRITICAL);
	r.worst = SEV_CRITICAL;
	audit_trace_checks(&t, &r, 10);
	assert_int_equal(r.worst, SEV_CRITICAL);
	audit_report_free(&r);
}

static void full_map_is_reported(void **state)
{
	struct trace_result t = incident();
	struct audit_report r = { 0 };
	const struct finding *f;

	(void)state;
	t.dropped[TRACE_CLOSE] = 7;
	audit_trace_checks(&t, &r, 10);
	f = get(&r, "trace-map-full", 0);
	assert_non_null(f);
	assert_int_equal(f->sev, SEV_WARNING);
	assert_non_null(strstr(f->summary, "7 updates were lost"));
	audit_report_free(&r);
}

static void per_destination_lookups(void **state)
{
	struct trace_result t = incident();
	uint8_t lo[16] = { 127, 0, 0, 1 }, other[16] = { 127, 0, 0, 2 };
	const struct trace_entry *c;

	(void)state;
	assert_true(trace_fail_rate(&t, AF_INET, lo, 8080) == 7818.0);
	assert_true(trace_fail_rate(&t, AF_INET, other, 8080) == 0);
	assert_true(trace_fail_rate(&t, AF_INET, lo, 8081) == 0);
	c = trace_top_closer(&t, AF_INET, lo, 8080);
	assert_non_null(c);
	assert_int_equal(c->pid, 4711);
	assert_null(trace_top_closer(&t, AF_INET6, lo, 8080));
}

static void errno_names(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(trace_errno_name(EADDRNOTAVAIL, buf, sizeof(buf)),
			    "EADDRNOTAVAIL");
	assert_string_equal(trace_errno_name(EAGAIN, buf, sizeof(buf)),
			    "EAGAIN");
	assert_string_equal(trace_errno_name(4000, buf, sizeof(buf)), "E4000");
}

static void json_has_the_documented_keys(void **state)
{
	struct trace_result t = incident();
	json_object *o = audit_trace_json(&t), *a, *e, *v;

	(void)state;
	assert_true(json_object_object_get_ex(o, "connect_failures", &a));
	e = json_object_array_get_idx(a, 0);
	assert_true(json_object_object_get_ex(e, "errno", &v));
	assert_string_equal(json_object_get_string(v), "EADDRNOTAVAIL");
	assert_true(json_object_object_get_ex(e, "dst", &v));
	assert_string_equal(json_object_get_string(v), "127.0.0.1");
	assert_true(json_object_object_get_ex(e, "cgroup", &v));
	assert_string_equal(json_object_get_string(v),
			    "/system.slice/nginx.service");
	assert_true(json_object_object_get_ex(o, "active_closes", &a));
	assert_int_equal(json_object_array_length(a), 2);
	assert_true(json_object_object_get_ex(o, "map_full", &v));
	assert_false(json_object_get_boolean(v));
	json_object_put(o);
}

/* --all-netns: nginx's namespace keeps nginx's entries, curl's keeps curl's */
static void split_by_netns(void **state)
{
	struct trace_result t = incident(), a, b, none;

	(void)state;
	fails[0].netns = closes[0].netns = closes[1].netns = 4026532177u;
	fails[1].netns = 4026532300u;
	t.dropped[TRACE_CLOSE] = 7;
	trace_result_netns(&t, 4026532177u, &a);
	trace_result_netns(&t, 4026532300u, &b);
	trace_result_netns(&t, 1, &none);
	assert_int_equal(a.n[TRACE_CONNECT_FAIL], 1);
	assert_int_equal(a.v[TRACE_CONNECT_FAIL][0].pid, 4711);
	assert_int_equal(a.n[TRACE_CLOSE], 2);
	/* still sorted by count: the top closer first */
	assert_int_equal(a.v[TRACE_CLOSE][0].pid, 4711);
	assert_string_equal(a.v[TRACE_CONNECT_FAIL][0].cgroup_path,
			    "/system.slice/nginx.service");
	assert_ptr_not_equal(a.v[TRACE_CONNECT_FAIL][0].cgroup_path,
			     fails[0].cgroup_path);
	assert_int_equal(b.n[TRACE_CONNECT_FAIL], 1);
	assert_int_equal(b.v[TRACE_CONNECT_FAIL][0].pid, 99);
	assert_int_equal(b.n[TRACE_CLOSE], 0);
	assert_int_equal(none.n[TRACE_CONNECT_FAIL] + none.n[TRACE_CLOSE], 0);
	/* the window and its map-full counters belong to every share */
	assert_true(b.ok);
	assert_true(b.seconds == 2);
	assert_int_equal(b.dropped[TRACE_CLOSE], 7);
	trace_result_free(&a);
	trace_result_free(&b);
	trace_result_free(&none);
	fails[0].netns = fails[1].netns = closes[0].netns = closes[1].netns = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exhaustion_is_critical_with_rate_and_unit),
		cmocka_unit_test(refused_is_a_warning_on_ipv6),
		cmocka_unit_test(top_limits_findings),
		cmocka_unit_test(no_trace_is_unknown_unless_critical),
		cmocka_unit_test(full_map_is_reported),
		cmocka_unit_test(per_destination_lookups),
		cmocka_unit_test(errno_names),
		cmocka_unit_test(json_has_the_documented_keys),
		cmocka_unit_test(split_by_netns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
