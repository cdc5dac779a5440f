// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Inputs found by fuzzing (issue 12), one test each: netlink replies with
 * impossible lengths and error codes, a sock_diag message ending in an
 * unaligned attribute, conntrack counters that overflow, profiles that are
 * empty, start with a BOM, include without end or are no regular files, and
 * snapshots cut short or too long for one line. Run under ASan/UBSan in CI,
 * where reading past a buffer fails the test even if the result looks right.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>

#include <cmocka.h>

#include "counters.h"
#include "nl.h"
#include "plan.h"
#include "profile.h"
#include "snapshot.h"
#include "sockdiag.h"

/* ---- netlink reply loop ------------------------------------------------ */

static int count_cb(const struct nlmsghdr *nlh, void *data, struct err *e)
{
	(void)nlh;
	(void)e;
	(*(int *)data)++;
	return 0;
}

/* A message of len bytes (header claims claimed) in an exactly sized heap
 * buffer, so ASan sees a read past it. */
static struct nlmsghdr *msg(uint16_t type, size_t len, uint32_t claimed)
{
	struct nlmsghdr *h = calloc(1, len);

	assert_non_null(h);
	h->nlmsg_len = claimed;
	h->nlmsg_type = type;
	return h;
}

static void nlmsg_len_fffffff0_is_not_a_message(void **state)
{
	struct nlmsghdr *h = msg(0x15, 32, 0xfffffff0);
	int calls = 0;

	(void)state;
	assert_int_equal(nl_parse_buf(h, 32, count_cb, &calls, NULL), 0);
	assert_int_equal(calls, 0);
	free(h);
}

static void nlmsg_len_fffffffd_ends_the_loop(void **state)
{
	struct nlmsghdr *h = msg(0x15, 32, 0xfffffffd);
	int calls = 0;

	(void)state;
	/* it used to align to 0 and never advance */
	assert_int_equal(nl_parse_buf(h, 32, count_cb, &calls, NULL), 0);
	assert_int_equal(calls, 0);
	free(h);
}

static void message_longer_than_the_datagram_is_dropped(void **state)
{
	struct nlmsghdr *h = msg(0x15, 32, 36);
	int calls = 0;

	(void)state;
	assert_int_equal(nl_parse_buf(h, 32, count_cb, &calls, NULL), 0);
	assert_int_equal(calls, 0);
	free(h);
}

static void messages_then_done_are_all_read(void **state)
{
	char *buf = calloc(1, 24 + 20);
	struct nlmsghdr *a = (void *)buf, *d = (void *)(buf + 24);
	int calls = 0;

	(void)state;
	a->nlmsg_len = 21;	/* unaligned: its pad puts DONE at 24 */
	a->nlmsg_type = 0x15;
	d->nlmsg_len = 20;
	d->nlmsg_type = NLMSG_DONE;
	assert_int_equal(nl_parse_buf(buf, 44, count_cb, &calls, NULL), 0);
	assert_int_equal(calls, 1);
	free(buf);
}

static void error_code_int_min_is_a_bad_message(void **state)
{
	size_t len = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
	struct nlmsghdr *h = msg(NLMSG_ERROR, len, (uint32_t)len);
	struct nlmsgerr *me = NLMSG_DATA(h);
	struct err e = { 0 };

	(void)state;
	me->error = INT32_MIN;	/* -INT_MIN overflowed in strerror(-code) */
	assert_int_equal(nl_parse_buf(h, len, NULL, NULL, &e), -EBADMSG);
	h->nlmsg_type = NLMSG_DONE;
	assert_int_equal(nl_parse_buf(h, len, NULL, NULL, &e), -EBADMSG);
	me->error = -EPERM;
	assert_int_equal(nl_parse_buf(h, len, NULL, NULL, &e), -EPERM);
	free(h);
}

/* ---- sock_diag --------------------------------------------------------- */

static void sockdiag_unaligned_last_attribute_stays_inside(void **state)
{
	/* inet_diag_msg, a cgroup id (12 bytes), then a 5-byte attribute that
	 * ends the message unaligned: RTA_NEXT wrapped its unsigned length */
	size_t len = NLMSG_LENGTH(sizeof(struct inet_diag_msg)) + 12 + 5;
	struct nlmsghdr *h = msg(SOCK_DIAG_BY_FAMILY, len, (uint32_t)len);
	struct inet_diag_msg *m = NLMSG_DATA(h);
	struct rtattr *a = (void *)((char *)m + NLMSG_ALIGN(sizeof(*m)));
	uint64_t cg = 0x1234;
	struct sd_sock s;

	(void)state;
	m->idiag_family = AF_INET;
	m->idiag_state = SD_ESTABLISHED;
	m->idiag_inode = 77;
	a->rta_len = 12;
	a->rta_type = INET_DIAG_CGROUP_ID;
	memcpy(RTA_DATA(a), &cg, 8);
	a = (void *)((char *)a + 12);
	a->rta_len = 5;
	a->rta_type = INET_DIAG_CGROUP_ID;
	assert_int_equal(sd_parse_msg(h, IPPROTO_TCP, true, &s), 0);
	assert_int_equal(s.cgroup, 0x1234);
	assert_int_equal(s.inode, 77);
	free(h);
}

static void sockdiag_short_message_is_refused(void **state)
{
	size_t len = NLMSG_HDRLEN + 8;
	struct nlmsghdr *h = msg(SOCK_DIAG_BY_FAMILY, len, (uint32_t)len);
	struct sd_sock s;

	(void)state;
	assert_int_equal(sd_parse_msg(h, IPPROTO_TCP, true, &s), -EBADMSG);
	free(h);
}

/* ---- counters ---------------------------------------------------------- */

static void conntrack_sums_saturate(void **state)
{
	struct counters c = { 0 };
	int64_t v;

	(void)state;
	assert_int_equal(counters_parse_ct_stat(&c,
		"entries drop early_drop\n"
		"00000001 7fffffffffffffff -8000000000000000\n"
		"00000001 7fffffffffffffff -8000000000000000\n", NULL), 0);
	assert_true(counters_get(&c, "conntrack.drop", &v));
	assert_true(v == INT64_MAX);
	assert_true(counters_get(&c, "conntrack.early_drop", &v));
	assert_true(v == INT64_MIN);
	assert_true(counters_get(&c, "conntrack.entries", &v));
	assert_int_equal(v, 1);
	counters_free(&c);
}

static void proc_parsers_refuse_junk_without_harm(void **state)
{
	static const char *const junk[] = {
		"", ":", "\n\n", "Tcp:\n", "Tcp: a b\nTcp: 1", "Tcp: a\nUdp: 1\n",
		"TCP: inuse", "TCP: inuse x", "x\n", "\xff\xfe: \x01 2\n",
	};
	struct counters c = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		counters_parse_pairs(&c, junk[i], NULL);
		counters_parse_sockstat(&c, "sockstat", junk[i], NULL);
		counters_parse_ct_stat(&c, junk[i], NULL);
	}
	assert_int_equal(counters_parse_ct_stat(&c, "", NULL), -EINVAL);
	assert_int_equal(counters_parse_sockstat(&c, "s", "TCP: inuse x", NULL),
			 -EINVAL);
	counters_free(&c);
}

/* ---- profiles ---------------------------------------------------------- */

/* f1 ... f17, each including the next four times (the bomb) */
static int chain_loader(void *ctx, const char *path, char **canon,
			char **text, struct err *e)
{
	int n = atoi(path + 1);
	char buf[256];

	(void)ctx;
	(void)e;
	if (n < 17)
		snprintf(buf, sizeof(buf), "[profile]\ninclude = f%d\n"
			 "include = f%d\ninclude = f%d\ninclude = f%d\n",
			 n + 1, n + 1, n + 1, n + 1);
	else
		snprintf(buf, sizeof(buf), "[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n");
	*canon = strdup(path);
	*text = strdup(buf);
	return 0;
}

static bool has_error(const struct profile *p, const char *needle)
{
	for (size_t i = 0; i < p->nerrors; i++)
		if (strstr(p->errors[i], needle))
			return true;
	return false;
}

static void empty_profile_is_valid(void **state)
{
	struct profile p;

	(void)state;
	assert_int_equal(profile_parse(&p, "e.ini", "", NULL, NULL, NULL), 0);
	assert_int_equal(p.nsysctl + p.nnic, 0);
	profile_free(&p);
}

static void utf8_bom_is_skipped(void **state)
{
	struct profile p;

	(void)state;
	assert_int_equal(profile_parse(&p, "b.ini", "\xef\xbb\xbf[sysctl]\n"
				       "net.ipv4.tcp_fin_timeout = 30\n",
				       NULL, NULL, NULL), 0);
	assert_int_equal(p.nsysctl, 1);
	assert_string_equal(p.sysctl[0].value, "30");
	profile_free(&p);
}

static void include_bomb_stops_at_the_file_limit(void **state)
{
	char *canon, *text;
	struct timespec t0, t1;
	struct profile p;

	(void)state;
	chain_loader(NULL, "f1", &canon, &text, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(profile_parse(&p, "f1", text, chain_loader, NULL,
				       NULL), -EINVAL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(has_error(&p, "more than 64 files"));
	assert_int_equal(p.nfiles, 64);
	assert_int_equal(p.nerrors, 1);	/* said once */
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	profile_free(&p);
	free(canon);
	free(text);
}

/* Also proves the system libinih joins indented lines (INI_ALLOW_MULTILINE,
 * a build option: on in Debian 12's libinih 55); snapshots depend on it. */
static void continuation_lines_join_a_long_value(void **state)
{
	struct profile p;

	(void)state;
	assert_int_equal(profile_parse(&p, "c.ini", "[sysctl]\n"
				       "net.ipv4.ip_local_reserved_ports = 1000,\n"
				       "\t2000-2010,\n"
				       "    3000 ; a comment\n"
				       "; not a continuation\n"
				       "net.ipv4.tcp_fin_timeout = 30\n",
				       NULL, NULL, NULL), 0);
	assert_int_equal(p.nsysctl, 2);
	assert_string_equal(p.sysctl[0].value, "1000,2000-2010,3000");
	assert_int_equal(p.sysctl[0].line, 2);
	assert_string_equal(p.sysctl[1].value, "30");
	assert_int_equal(p.sysctl[1].line, 6);
	profile_free(&p);
}

static void continued_value_is_checked_whole(void **state)
{
	struct profile p;

	(void)state;
	/* valid first piece, invalid once joined: the error is the key's line */
	assert_int_equal(profile_parse(&p, "c.ini", "[sysctl]\n"
				       "net.ipv4.tcp_fin_timeout = 3\n"
				       "  x\n", NULL, NULL, NULL), -EINVAL);
	assert_true(has_error(&p, "c.ini:2:"));
	profile_free(&p);
}

static void many_continuation_lines_stay_linear(void **state)
{
	size_t n = 200000, len = strlen("[sysctl]\nnet.ipv4.tcp_fin_timeout = 3\n");
	char *text = malloc(len + n * 3 + 1), *p;
	struct timespec t0, t1;
	struct profile pr;

	(void)state;
	memcpy(text, "[sysctl]\nnet.ipv4.tcp_fin_timeout = 3\n", len);
	for (p = text + len; n--; p += 3)
		memcpy(p, "\t0\n", 3);
	*p = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(profile_parse(&pr, "l.ini", text, NULL, NULL, NULL),
			 -EINVAL);	/* 3000...0 is out of range */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	profile_free(&pr);
	free(text);
}

static void file_loader_refuses(const char *path, const char *needle)
{
	char *canon = NULL, *text = NULL;
	struct err e = { 0 };
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(profile_file_loader(NULL, path, &canon, &text, &e) < 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!strstr(e.msg, needle))
		fail_msg("%s: '%s' lacks '%s'", path, e.msg, needle);
	assert_null(text);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
}

static void only_regular_files_of_bounded_size_are_read(void **state)
{
	char dir[] = "/tmp/porttune-unit.XXXXXX", path[64];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	file_loader_refuses("/dev/zero", "not a regular file");
	file_loader_refuses(dir, "not a regular file");
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	file_loader_refuses(path, "not a regular file");	/* no hang */
	unlink(path);
	snprintf(path, sizeof(path), "%s/big.ini", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, PROFILE_MAX_SIZE + 1), 0);
	close(fd);
	file_loader_refuses(path, "larger than 1048576 bytes");
	unlink(path);
	rmdir(dir);
}

/* ---- snapshots --------------------------------------------------------- */

#define SNAP_HEAD "; porttune snapshot 3: values found before they were " \
		  "changed.\n; Restore them with: porttune rollback 3\n\n"
#define SNAP_META "[snapshot]\nid = 3\ncreated = 2026-11-21T10:00:00Z\n" \
		  "command = apply\nsource = /x.ini\n"
#define SNAP_BODY "\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 60\n"

static void snapshot_cut_short_is_damaged(void **state)
{
	static const char *const cut[] = {
		"", SNAP_HEAD, SNAP_HEAD SNAP_META, SNAP_HEAD "[snapshot]\nid = 3\n",
		SNAP_HEAD SNAP_META "\n[sysctl]\n",
		/* the wrong id, no id, an unknown command */
		SNAP_HEAD "[snapshot]\nid = 4\ncommand = apply\n" SNAP_BODY,
		SNAP_HEAD "[snapshot]\ncommand = apply\n" SNAP_BODY,
		SNAP_HEAD "[snapshot]\nid = 3\ncommand = x\n" SNAP_BODY,
		SNAP_HEAD SNAP_META SNAP_BODY "garbage\n",
	};
	struct snap_info si;

	(void)state;
	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		assert_int_equal(snapshot_parse(cut[i], 3, &si), -EINVAL);
		assert_string_equal(si.meta.command, "damaged");
	}
	assert_int_equal(snapshot_parse(SNAP_HEAD SNAP_META SNAP_BODY, 3, &si), 0);
	assert_string_equal(si.meta.command, "apply");
	assert_string_equal(si.meta.source, "/x.ini");
	assert_int_equal(si.nsettings, 1);
}

static void long_value_goes_on_continuation_lines(void **state)
{
	char ports[2048] = "", *text = NULL, *line;
	struct snap_meta m = { .id = 3, .command = "apply" };
	struct plan plan = { 0 };
	struct change *c;
	struct profile p;
	struct snap_info si;
	int lines = 0;

	(void)state;
	for (int port = 20000; strlen(ports) < 1500; port += 3)
		snprintf(ports + strlen(ports), sizeof(ports) - strlen(ports),
			 "%s%d", ports[0] ? "," : "", port);
	c = plan_add(&plan, T_SYSCTL, NULL, "net.ipv4.ip_local_reserved_ports",
		     "", "x.ini", 1);
	c->before = plan_str(&plan, ports);
	c->status = CS_PENDING;
	assert_int_equal(snapshot_render(&plan, &m, &text, NULL), 0);
	for (char *s = text; (line = strsep(&s, "\n")); lines++) {
		assert_true(strlen(line) <= 198);	/* inih's INI_MAX_LINE - 2 */
		if (s)
			s[-1] = '\n';
	}
	assert_true(lines > 10);
	assert_int_equal(profile_parse_as(&p, PROFILE_SNAPSHOT, "s.ini", text,
					  NULL, NULL, NULL), 0);
	assert_int_equal(p.nsysctl, 1);
	assert_string_equal(p.sysctl[0].value, ports);
	assert_int_equal(snapshot_parse(text, 3, &si), 0);
	profile_free(&p);
	free(text);
	plan_free(&plan);
}

static void unbreakable_long_value_is_refused(void **state)
{
	char v[400], *text = NULL;
	struct snap_meta m = { .id = 3, .command = "apply" };
	struct plan plan = { 0 };
	struct change *c;
	struct err e = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(v) - 1; i++)
		v[i] = i % 2 ? ' ' : 'x';	/* "x x x ...": no place to break */
	v[sizeof(v) - 1] = '\0';
	c = plan_add(&plan, T_SYSCTL, NULL, "net.ipv4.ip_local_reserved_ports",
		     "", "x.ini", 1);
	c->before = plan_str(&plan, v);
	c->status = CS_PENDING;
	assert_int_equal(snapshot_render(&plan, &m, &text, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "too long"));
	assert_null(text);
	plan_free(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nlmsg_len_fffffff0_is_not_a_message),
		cmocka_unit_test(nlmsg_len_fffffffd_ends_the_loop),
		cmocka_unit_test(message_longer_than_the_datagram_is_dropped),
		cmocka_unit_test(messages_then_done_are_all_read),
		cmocka_unit_test(error_code_int_min_is_a_bad_message),
		cmocka_unit_test(sockdiag_unaligned_last_attribute_stays_inside),
		cmocka_unit_test(sockdiag_short_message_is_refused),
		cmocka_unit_test(conntrack_sums_saturate),
		cmocka_unit_test(proc_parsers_refuse_junk_without_harm),
		cmocka_unit_test(empty_profile_is_valid),
		cmocka_unit_test(utf8_bom_is_skipped),
		cmocka_unit_test(include_bomb_stops_at_the_file_limit),
		cmocka_unit_test(continuation_lines_join_a_long_value),
		cmocka_unit_test(continued_value_is_checked_whole),
		cmocka_unit_test(many_continuation_lines_stay_linear),
		cmocka_unit_test(only_regular_files_of_bounded_size_are_read),
		cmocka_unit_test(snapshot_cut_short_is_damaged),
		cmocka_unit_test(long_value_goes_on_continuation_lines),
		cmocka_unit_test(unbreakable_long_value_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
