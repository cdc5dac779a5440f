// SPDX-License-Identifier: GPL-2.0-or-later
/* The audit core: the check table, its driver, and the finding helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "audit_checks.h"
#include "trace.h"

static struct audit_input healthy(void)
{
	return (struct audit_input){
		.port_lo = 32768, .port_hi = 60999, .reserved_in_range = 0,
		.unpriv_start = 1024, .tw_reuse = 1, .tw_reuse_delay = 1000,
		.timestamps = 1, .fin_timeout = 60, .max_tw_buckets = 131072,
		.tcp_inuse = 10, .tcp_tw = 100, .tcp_orphan = 0,
		.tw_overflow = 0, .tw_recycled = 5,
		.ct_count = UNSET, .ct_max = UNSET,
		.cfg = AUDIT_CFG_DEFAULT,
	};
}

static size_t row_of(const char *check)
{
	for (size_t i = 0; i < audit_ncheck; i++)
		if (!strcmp(audit_checks[i].name, check))
			return i;
	return audit_ncheck;
}

static const struct finding *get(const struct audit_report *r,
				 const char *check)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].check, check))
			return &r->v[i];
	return NULL;
}

static void check_names_are_unique_and_fit(void **state)
{
	struct finding f;

	(void)state;
	assert_true(audit_ncheck > 0);
	for (size_t i = 0; i < audit_ncheck; i++) {
		assert_non_null(audit_checks[i].fn);
		assert_true(audit_checks[i].name[0]);
		assert_true(strlen(audit_checks[i].name) < sizeof(f.check));
		assert_int_equal(row_of(audit_checks[i].name), i);
	}
}

/* Everything wrong at once: each finding carries the name of the row that
 * made it, and the report keeps the table's order. */
static void findings_come_in_table_order_named_by_row(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;
	size_t last = 0;

	(void)state;
	in.port_lo = 40000;
	in.port_hi = 40010;		/* small, same parity */
	in.reserved_in_range = 8;
	in.timestamps = 0;		/* reuse without effect */
	in.tcp_tw = 130000;		/* near the cap */
	in.tw_overflow = 3;
	in.ct_count = 95;
	in.ct_max = 100;
	in.have_sd = true;
	in.sd.tcp_state[SD_CLOSE_WAIT] = 150;
	audit_evaluate(&in, &r);
	assert_true(r.n >= 9);
	for (size_t i = 0; i < r.n; i++) {
		size_t row = row_of(r.v[i].check);

		assert_true(row < audit_ncheck);
		assert_true(row >= last);
		last = row;
	}
	assert_null(r.checking);
	assert_int_equal(get(&r, "conntrack")->sev, SEV_CRITICAL);
	assert_int_equal(r.worst, SEV_CRITICAL);
	audit_report_free(&r);
}

static void census_checks_need_a_census(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	audit_evaluate(&in, &r);
	for (size_t i = 0; i < audit_ncheck; i++)
		if (audit_checks[i].needs & AC_CENSUS)
			assert_null(get(&r, audit_checks[i].name));
	assert_null(get(&r, "confirm-pending"));
	assert_null(get(&r, "boot-conflict"));
	assert_null(get(&r, "trace"));
	audit_report_free(&r);

	in.have_sd = true;
	in.sd.p_eff = 28232;
	audit_evaluate(&in, &r);
	assert_string_equal(get(&r, "destination")->summary,
			    "no sockets hold ephemeral ports towards any "
			    "destination");
	assert_int_equal(r.worst, SEV_OK);
	audit_report_free(&r);
}

static void close_wait_pileup_warns(void **state)
{
	struct audit_input in = healthy();
	struct audit_report r;
	const struct finding *f;

	(void)state;
	in.have_sd = true;
	in.sd.tcp_state[SD_CLOSE_WAIT] = 99;
	audit_evaluate(&in, &r);
	assert_null(get(&r, "close-wait"));
	audit_report_free(&r);

	in.sd.tcp_state[SD_CLOSE_WAIT] = 100;
	audit_evaluate(&in, &r);
	f = get(&r, "close-wait");
	assert_non_null(f);
	assert_int_equal(f->sev, SEV_WARNING);
	assert_string_equal(f->summary, "100 sockets in CLOSE_WAIT");
	assert_non_null(strstr(f->remedy, "ss -tnp state close-wait"));
	audit_report_free(&r);
}

/* A trace that could not be taken is UNKNOWN, but does not hide a
 * CRITICAL the rest of the audit found. */
static void missing_trace_does_not_mask_critical(void **state)
{
	struct trace_result t = { .ok = false, .why = "not root" };
	struct audit_input in = healthy();
	struct audit_report r;

	(void)state;
	in.trace = &t;
	audit_evaluate(&in, &r);
	assert_string_equal(get(&r, "trace")->summary, "cannot trace: not root");
	assert_int_equal(r.worst, SEV_UNKNOWN);
	audit_report_free(&r);

	in.reserved_in_range = in.port_hi - in.port_lo + 1;	/* no port left */
	audit_evaluate(&in, &r);
	assert_int_equal(get(&r, "port-range")->sev, SEV_CRITICAL);
	assert_int_equal(get(&r, "trace")->sev, SEV_UNKNOWN);
	assert_int_equal(r.worst, SEV_CRITICAL);
	audit_report_free(&r);
}

static void finding_text_is_cut_at_the_field(void **state)
{
	struct audit_report r = { .checking = "port-range" };
	char big[2000];
	struct finding *f;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	f = finding_new(&r, SEV_WARNING, "%s", big);
	assert_string_equal(f->check, "port-range");
	assert_int_equal(f->sev, SEV_WARNING);
	assert_int_equal(strlen(f->summary), sizeof(f->summary) - 1);
	/* a full field takes no more, and its neighbours stay untouched */
	finding_printf(f, F_SUMMARY, "more");
	assert_int_equal(strlen(f->summary), sizeof(f->summary) - 1);
	assert_string_equal(f->evidence, "");
	finding_printf(f, F_EVIDENCE, "a=%d", 1);
	finding_printf(f, F_EVIDENCE, "; b=%s", "two");
	assert_string_equal(f->evidence, "a=1; b=two");
	finding_printf(f, F_FIX, "%s", big);
	assert_int_equal(strlen(f->fix), sizeof(f->fix) - 1);
	assert_string_equal(f->remedy, "");
	audit_report_free(&r);
}

static void remedy_lists_the_fix_lines(void **state)
{
	struct audit_report r = { 0 };
	struct finding *f = finding_new(&r, SEV_WARNING, "s");

	(void)state;
	assert_string_equal(f->check, "");	/* no check running */
	finding_printf(f, F_FIX, "net.ipv4.tcp_tw_reuse = 1\n"
		       "net.ipv4.tcp_timestamps = 1");
	finding_remedy(f, "turn reuse on");
	assert_string_equal(f->remedy, "turn reuse on: net.ipv4.tcp_tw_reuse = "
			    "1; net.ipv4.tcp_timestamps = 1");
	finding_remedy(f, "again");	/* replaces, does not append */
	assert_string_equal(f->remedy, "again: net.ipv4.tcp_tw_reuse = 1; "
			    "net.ipv4.tcp_timestamps = 1");
	audit_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_names_are_unique_and_fit),
		cmocka_unit_test(findings_come_in_table_order_named_by_row),
		cmocka_unit_test(census_checks_need_a_census),
		cmocka_unit_test(close_wait_pileup_warns),
		cmocka_unit_test(missing_trace_does_not_mask_critical),
		cmocka_unit_test(finding_text_is_cut_at_the_field),
		cmocka_unit_test(remedy_lists_the_fix_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
