// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plan as text: exact lines, and the same bytes as the fprintf-based
 * printer it replaced (kept below as the reference) for every status, view,
 * label length and note, on a plain stream and on a terminal (colour).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "output.h"
#include "plan.h"

/* ---- the reference: plan_print_text as it was, one fprintf per part ---- */

static const char *ref_colour(enum chg_status st)
{
	switch (st) {
	case CS_CHANGED:
		return "\033[32m";
	case CS_PENDING:
		return "\033[33m";
	case CS_FAILED:
	case CS_INVALID:
		return "\033[31m";
	case CS_REVERTED:
	case CS_SKIPPED:
	case CS_UNSUPPORTED:
		return "\033[35m";
	case CS_SAME:
		break;
	}
	return "";
}

static void ref_print(FILE *f, const struct plan *p, enum view v, bool colour)
{
	size_t w = 0, sw = 0;
	char label[512];

	for (size_t i = 0; i < p->n; i++) {
		size_t l;

		if (p->v[i].status == CS_SAME)
			continue;
		l = strlen(change_label(&p->v[i], label, sizeof(label)));
		w = l > w ? l : w;
		l = strlen(status_label(p->v[i].status, v));
		sw = l > sw ? l : sw;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->v[i];
		bool values = c->status != CS_UNSUPPORTED &&
			      c->status != CS_INVALID;

		if (c->status == CS_SAME)
			continue;
		change_label(c, label, sizeof(label));
		fprintf(f, "%s%-*s%s  %s:%*s", colour ? ref_colour(c->status)
			: "", (int)sw, status_label(c->status, v),
			colour ? "\033[0m" : "", label,
			(int)(w - strlen(label) + 1), "");
		if (values)
			fprintf(f, "%s -> %s", c->before ? c->before : "?",
				c->after);
		if (c->note)
			fprintf(f, "%s%s", values ? "  (" : "", c->note);
		fprintf(f, "%s\n", values && c->note ? ")" : "");
	}
}

/* ---- helpers ----------------------------------------------------------- */

static char *printed(const struct plan *p, enum view v, bool reference)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	assert_non_null(f);
	if (reference)
		ref_print(f, p, v, false);
	else
		plan_print_text(f, p, v);
	assert_int_equal(fclose(f), 0);
	return s;
}

static struct change *add(struct plan *p, const char *dev, const char *key,
			  const char *before, const char *after,
			  enum chg_status st, const char *note)
{
	struct change *c = plan_add(p, dev ? T_NIC : T_SYSCTL, dev, key, after,
				    "t.ini", 1);

	c->before = plan_str(p, before);
	c->status = st;
	if (note)
		plan_set_note(c, "%s", note);
	return c;
}

static char *repeat(char ch, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, ch, n);
	s[n] = '\0';
	return s;
}

/* One of everything the printer tells apart. */
static void mixed_plan(struct plan *p)
{
	add(p, NULL, "net.ipv4.tcp_fin_timeout", "60", "30", CS_PENDING, NULL);
	add(p, NULL, "net.ipv4.tcp_tw_reuse", "2", "2", CS_SAME, NULL);
	add(p, "bv0", "offload.tx-tcp-segmentation", "on", "off", CS_CHANGED,
	    NULL);
	add(p, "bv1", "offload.rx-gro", "off", "on", CS_PENDING,
	    "requested on, in effect off");
	add(p, "lo", "offload.tx-checksum-ip-generic", "on", "off",
	    CS_UNSUPPORTED, "fixed on on this device (driver ?)");
	add(p, NULL, "net.ipv4.tcp_nosuch", NULL, "1", CS_INVALID,
	    "unknown key (did you mean net.ipv4.tcp_syncookies?)");
	add(p, "eth0", "ring.rx", NULL, "4096", CS_FAILED, NULL);
	add(p, "eth0", "channels.combined", "8", "4", CS_REVERTED,
	    "REVERT FAILED: No such device");
	add(p, "a-very-long-if", "coalesce.rx-usecs", "0", "64", CS_SKIPPED,
	    NULL);
	add(p, "bv2", "offload.rx-gro", "on", "on", CS_SAME, NULL);
}

/* ---- tests ------------------------------------------------------------- */

static void lines_are_aligned_with_values_and_notes(void **state)
{
	struct plan p = { 0 };
	char *s;

	(void)state;
	add(&p, NULL, "net.ipv4.tcp_fin_timeout", "60", "30", CS_PENDING,
	    NULL);
	add(&p, "bv0", "offload.rx-gro", "off", "on", CS_CHANGED,
	    "requested on, in effect off");
	add(&p, "lo", "offload.tx-sctp-segmentation", "off", "on",
	    CS_UNSUPPORTED, "fixed off on this device (driver ?)");
	add(&p, NULL, "net.ipv4.tcp_syn_retries", NULL, "3", CS_FAILED,
	    NULL);
	add(&p, NULL, "net.ipv4.tcp_tw_reuse", "1", "1", CS_SAME, NULL);
	s = printed(&p, VIEW_APPLY, false);
	assert_string_equal(s,
		"would change  net.ipv4.tcp_fin_timeout:        60 -> 30\n"
		"changed       bv0 offload.rx-gro:              off -> on  (requested on, in effect off)\n"
		"unsupported   lo offload.tx-sctp-segmentation: fixed off on this device (driver ?)\n"
		"failed        net.ipv4.tcp_syn_retries:        ? -> 3\n");
	free(s);
	s = printed(&p, VIEW_DIFF, false);
	assert_non_null(strstr(s, "drift        net.ipv4.tcp_fin_timeout:"));
	free(s);
	plan_free(&p);
}

static void nothing_shown_prints_nothing(void **state)
{
	struct plan p = { 0 };
	char *s;

	(void)state;
	s = printed(&p, VIEW_APPLY, false);
	assert_string_equal(s, "");
	free(s);
	add(&p, "bv0", "offload.rx-gro", "on", "on", CS_SAME, NULL);
	s = printed(&p, VIEW_DIFF, false);
	assert_string_equal(s, "");
	free(s);
	plan_free(&p);
}

static void same_bytes_as_the_reference_in_every_view(void **state)
{
	static const enum view views[] = { VIEW_DIFF, VIEW_DRY_RUN,
					   VIEW_APPLY };
	struct plan p = { 0 };

	(void)state;
	mixed_plan(&p);
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		char *a = printed(&p, views[i], true);
		char *b = printed(&p, views[i], false);

		assert_string_equal(b, a);
		free(a);
		free(b);
	}
	plan_free(&p);
}

/* The old label buffer held 511 characters: longer labels were cut there. */
static void long_labels_are_cut_as_before(void **state)
{
	static const size_t lens[] = { 400, 494, 495, 496, 497, 510, 511,
				       512, 600, 5000 };
	char *dev16 = repeat('d', 15);

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct plan p = { 0 };
		char *key = repeat('k', lens[i]);
		char *note = repeat('n', lens[i] * 3);
		char *devlong = repeat('D', lens[i]);
		char *a, *b;

		add(&p, NULL, key, "1", "2", CS_PENDING, note);
		add(&p, dev16, key, "1", "2", CS_CHANGED, NULL);
		add(&p, "x", key, NULL, "2", CS_INVALID, note);
		/* plan_add takes any string; cut inside the device name too */
		add(&p, devlong, "k", "1", "2", CS_PENDING, NULL);
		add(&p, devlong, key, "1", "2", CS_PENDING, NULL);
		a = printed(&p, VIEW_APPLY, true);
		b = printed(&p, VIEW_APPLY, false);
		assert_string_equal(b, a);
		free(a);
		free(b);
		free(key);
		free(note);
		free(devlong);
		plan_free(&p);
	}
	free(dev16);
}

/* Many lines: the printer's own buffer fills and drains many times. */
static void many_lines_match_the_reference(void **state)
{
	struct plan p = { 0 };
	char dev[16], *a, *b;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		snprintf(dev, sizeof(dev), "bv%d", i);
		add(&p, dev, i % 3 ? "offload.rx-gro" : "offload.tx-tcp6-segmentation",
		    i % 2 ? "on" : "off", i % 2 ? "off" : "on",
		    (enum chg_status)(1 + i % 7), i % 5 ? NULL : "a note");
	}
	a = printed(&p, VIEW_DRY_RUN, true);
	b = printed(&p, VIEW_DRY_RUN, false);
	assert_true(strlen(a) > 100000);
	assert_string_equal(b, a);
	free(a);
	free(b);
	plan_free(&p);
}

/* On a terminal the status is coloured: the bytes read back from a pty. */
static void colour_on_a_terminal_matches_the_reference(void **state)
{
	struct plan p = { 0 };
	char want[8192], got[8192];
	size_t nwant, ngot = 0;
	struct termios t;
	FILE *f, *ref;
	int m, sfd;

	(void)state;
	unsetenv("NO_COLOR");
	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m))
		skip();
	sfd = open(ptsname(m), O_RDWR | O_NOCTTY);
	assert_true(sfd >= 0);
	/* raw: no "\n" -> "\r\n" on the way through */
	assert_int_equal(tcgetattr(sfd, &t), 0);
	cfmakeraw(&t);
	assert_int_equal(tcsetattr(sfd, TCSANOW, &t), 0);
	f = fdopen(sfd, "w");
	assert_non_null(f);
	mixed_plan(&p);
	ref = fmemopen(want, sizeof(want), "w");
	assert_non_null(ref);
	ref_print(ref, &p, VIEW_APPLY, true);
	nwant = (size_t)ftell(ref);
	fclose(ref);
	assert_true(use_colour(f));
	plan_print_text(f, &p, VIEW_APPLY);
	assert_int_equal(fflush(f), 0);
	while (ngot < nwant) {
		ssize_t r = read(m, got + ngot, sizeof(got) - ngot);

		assert_true(r > 0);
		ngot += (size_t)r;
	}
	assert_int_equal(ngot, nwant);
	assert_memory_equal(got, want, nwant);
	assert_non_null(memmem(got, ngot, "\033[32mchanged", 12));
	fclose(f);
	close(m);
	plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_are_aligned_with_values_and_notes),
		cmocka_unit_test(nothing_shown_prints_nothing),
		cmocka_unit_test(same_bytes_as_the_reference_in_every_view),
		cmocka_unit_test(long_labels_are_cut_as_before),
		cmocka_unit_test(many_lines_match_the_reference),
		cmocka_unit_test(colour_on_a_terminal_matches_the_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
