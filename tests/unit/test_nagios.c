// SPDX-License-Identifier: GPL-2.0-or-later
/* audit --format nagios: the 8 KiB bound and the choice of the first line,
 * on reports too large to make with real sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit_render.h"

static struct audit_input input(void)
{
	return (struct audit_input){
		.port_lo = 32768, .port_hi = 60999, .tcp_tw = 7, .tcp_inuse = 3,
		.tw_reuse = 1, .timestamps = 1, .attempt_fails = UNSET,
		.cfg = { 0.5, 0.8 },
	};
}

static char *render(const struct audit_input *in, const struct audit_report *r,
		    size_t *len)
{
	struct audit_view v = { in, r, NULL, 0, 10, false };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	audit_print_nagios(f, &v);
	fclose(f);
	return buf;
}

static void add(struct audit_report *r, const char *check, enum severity sev,
		const char *summary)
{
	struct finding *f = audit_add(r, check, sev);

	snprintf(f->summary, sizeof(f->summary), "%s", summary);
	if (sev > r->worst)
		r->worst = sev;
}

static void thousand_findings_fit_in_8k(void **state)
{
	struct audit_input in = input();
	struct audit_report r = { 0 };
	char s[256];
	size_t len;
	char *out;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		snprintf(s, sizeof(s), "%d %0200d", i, 0);
		add(&r, "destination", SEV_CRITICAL, s);
	}
	out = render(&in, &r, &len);
	assert_true(len <= 8192);
	assert_true(len > 7000);	/* filled, not cut short */
	assert_non_null(strstr(out, "PORTTUNE CRITICAL - 0 000"));
	assert_non_null(strstr(out, "more findings: run porttune audit\n"));
	assert_int_equal(out[len - 1], '\n');
	free(out);
	audit_report_free(&r);
}

static void destination_beats_other_findings_of_its_severity(void **state)
{
	struct audit_input in = input();
	struct audit_report r = { 0 };
	size_t len;
	char *out;

	(void)state;
	add(&r, "port-range", SEV_WARNING, "small range");
	add(&r, "destination", SEV_WARNING, "a -> b:80 uses 60%");
	add(&r, "tw-reuse", SEV_OK, "fine");
	out = render(&in, &r, &len);
	assert_string_equal(out, "PORTTUNE WARNING - a -> b:80 uses 60% | "
			    "'timewait_minisockets'=7;;;0 'usable_ports'=28232;;;0\n"
			    "WARNING port-range: small range\n");
	free(out);
	audit_report_free(&r);
}

static void pipe_in_a_summary_cannot_start_perfdata(void **state)
{
	struct audit_input in = input();
	struct audit_report r = { 0 };
	size_t len;
	char *out;

	(void)state;
	add(&r, "x", SEV_CRITICAL, "a|b\nc");
	out = render(&in, &r, &len);
	assert_non_null(strstr(out, "PORTTUNE CRITICAL - a/b c | "));
	free(out);
	audit_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(thousand_findings_fit_in_8k),
		cmocka_unit_test(destination_beats_other_findings_of_its_severity),
		cmocka_unit_test(pipe_in_a_summary_cannot_start_perfdata),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
