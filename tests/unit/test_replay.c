// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NIC plan and apply and the sock_diag census against recorded kernel
 * replies (data/nl/, recorded by data/nl/record.sh in a private namespace on
 * Linux 6.18): nl.c's transport seam serves them back, no socket is opened.
 * A request the recording does not hold fails the test, so these also prove
 * which requests the code makes (one dump, one SET per device and area).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "ethtool.h"
#include "nl_replay.h"
#include "plan.h"
#include "profile.h"
#include "sockdiag.h"

#include "data/nl/census.h"
#include "data/nl/nic_apply.h"
#include "data/nl/nic_plan.h"
#include "data/nl/nic_refused.h"

/* The profiles the recordings were made with (record.sh). */
static const char plan_ini[] =
	"[nic rp*]\n"
	"offload.tso = off\n"
	"offload.gro = on\n"
	"offload.lro = on\n"
	"offload.no-such-feature = on\n"
	"coalesce.rx-usecs = 10\n";
static const char apply_ini[] =
	"[nic rp*]\n"
	"offload.tso = off\n"
	"offload.gro = on\n";
static const char refused_ini[] =
	"[nic rp2]\n"
	"offload.tso = off\n"
	"channels.rx = 999\n";

static const struct change *find(const struct plan *p, const char *dev,
				 const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].dev && !strcmp(p->v[i].dev, dev) &&
		    !strcmp(p->v[i].key, key))
			return &p->v[i];
	fail_msg("no change for %s %s", dev, key);
	return NULL;
}

static int build(const char *ini, const void *rec, size_t len,
		 struct profile *prof, struct plan *plan, struct err *e)
{
	assert_int_equal(profile_parse(prof, "t.ini", ini, NULL, NULL, NULL), 0);
	nl_replay_start(rec, len);
	return plan_build(prof, plan, e);
}

static void done(struct profile *prof, struct plan *plan)
{
	plan_free(plan);	/* closes the ethtool session */
	profile_free(prof);
	nl_replay_stop();
}

/* ---- NIC plan -------------------------------------------------------- */

static void plan_has_before_after_and_statuses(void **state)
{
	struct err e = { 0 };
	struct profile prof;
	struct plan plan;
	const struct change *c;

	(void)state;
	assert_int_equal(build(plan_ini, rec_nic_plan, rec_nic_plan_len, &prof,
			       &plan, &e), 0);
	c = find(&plan, "rp0", "offload.rx-gro");
	assert_int_equal(c->status, CS_PENDING);
	assert_string_equal(c->before, "off");
	assert_string_equal(c->after, "on");
	assert_true(c->ifindex > 0);
	/* rp1 had gro turned on before the recording */
	assert_int_equal(find(&plan, "rp1", "offload.rx-gro")->status, CS_SAME);
	/* tso expands to every tcp segmentation bit of this kernel */
	c = find(&plan, "rp2", "offload.tx-tcp6-segmentation");
	assert_int_equal(c->status, CS_PENDING);
	assert_string_equal(c->before, "on");
	assert_string_equal(c->after, "off");
	assert_int_equal(find(&plan, "rp3", "offload.tx-tcp-segmentation")->status,
			 CS_PENDING);
	/* 4 devices x (5 tso bits + gro), less rp1's gro */
	assert_int_equal(plan_count(&plan, CS_PENDING), 23);
	assert_int_equal(plan_count(&plan, CS_CHANGED), 0);
	done(&prof, &plan);
}

static void plan_reports_fixed_and_unknown_features(void **state)
{
	struct err e = { 0 };
	struct profile prof;
	struct plan plan;
	const struct change *c;

	(void)state;
	assert_int_equal(build(plan_ini, rec_nic_plan, rec_nic_plan_len, &prof,
			       &plan, &e), 0);
	c = find(&plan, "rp0", "offload.rx-lro");
	assert_int_equal(c->status, CS_UNSUPPORTED);
	assert_string_equal(c->before, "off");
	assert_non_null(strstr(c->note, "fixed off on this device"));
	/* veth answers COALESCE_GET with EOPNOTSUPP */
	c = find(&plan, "rp3", "coalesce.rx-usecs");
	assert_int_equal(c->status, CS_UNSUPPORTED);
	assert_null(c->before);
	assert_non_null(strstr(c->note, "has no coalesce settings"));
	/* said once, on the first device */
	assert_int_equal(plan_count(&plan, CS_INVALID), 1);
	c = find(&plan, "rp1", "offload.no-such-feature");
	assert_non_null(strstr(c->note, "is not a feature of this kernel"));
	assert_int_equal(plan_count(&plan, CS_UNSUPPORTED), 8);
	done(&prof, &plan);
	/* family, names, the features dump, a COALESCE_GET per device */
	assert_int_equal(nl_replay_left(), 0);
}

/* ---- NIC apply ------------------------------------------------------- */

static void apply_reads_each_change_back_from_the_set_reply(void **state)
{
	struct err e = { 0 };
	struct profile prof;
	struct plan plan;
	const struct change *c;

	(void)state;
	assert_int_equal(build(apply_ini, rec_nic_apply, rec_nic_apply_len,
			       &prof, &plan, &e), 0);
	assert_int_equal(plan_apply(&plan, &e), 0);
	assert_int_equal(plan_count(&plan, CS_CHANGED), 23);
	assert_int_equal(plan_count(&plan, CS_SAME), 1);
	c = find(&plan, "rp2", "offload.tx-tcp-ecn-segmentation");
	assert_int_equal(c->status, CS_CHANGED);
	assert_string_equal(c->before, "on");
	assert_true(c->touched);
	done(&prof, &plan);
	/* one FEATURES_SET per device and nothing else: a GET to read back
	 * would have found no recorded answer and failed the apply */
	assert_int_equal(nl_replay_left(), 0);
}

static void refusal_with_extack_fails_and_reverts(void **state)
{
	struct err e = { 0 };
	struct profile prof;
	struct plan plan;
	const struct change *c;

	(void)state;
	assert_int_equal(build(refused_ini, rec_nic_refused,
			       rec_nic_refused_len, &prof, &plan, &e), 0);
	assert_int_equal(plan_count(&plan, CS_PENDING), 6);
	assert_int_equal(plan_apply(&plan, &e), -EINVAL);
	/* the kernel's extended ACK text, with device and setting */
	assert_non_null(strstr(e.msg, "rp2: channels.rx: requested channel "
				      "count exceeds maximum"));
	c = find(&plan, "rp2", "channels.rx");
	assert_int_equal(c->status, CS_FAILED);
	assert_string_equal(c->before, "1");
	c = find(&plan, "rp2", "offload.tx-tcp-segmentation");
	assert_int_equal(c->status, CS_REVERTED);
	assert_false(c->touched);
	assert_int_equal(plan_count(&plan, CS_REVERTED), 5);
	done(&prof, &plan);
	/* the revert's FEATURES_SET was made and answered */
	assert_int_equal(nl_replay_left(), 0);
}

/* ---- the ethtool session itself ------------------------------------- */

/* An ethtool session as the recorded kernel opened it (then no more). */
static struct eth *session(void)
{
	struct err e = { 0 };
	struct eth *eth;

	nl_replay_start(rec_nic_plan, rec_nic_plan_len);
	assert_int_equal(eth_open(&eth, &e), 0);
	return eth;
}

/* Every name finds its bit whatever the order of the lookups (the next
 * bit is tried first, then a binary search); other names find none. */
static void feature_index_finds_every_name_in_any_order(void **state)
{
	struct eth *eth = session();
	unsigned n = eth_feature_count(eth), named = 0;

	(void)state;
	assert_true(n > 32);
	for (unsigned order = 0; order < 3; order++)
		for (unsigned i = 0; i < n; i++) {
			unsigned b = order == 0 ? i : order == 1 ? n - 1 - i
				   : i * 7 % n;
			const char *name = eth_feature_name(eth, b);

			if (!*name)
				continue;
			assert_int_equal(eth_feature_index(eth, name), b);
			named += order == 0;
		}
	assert_true(named > 32);
	assert_int_equal(eth_feature_index(eth, "no-such-feature"), -ENOENT);
	assert_int_equal(eth_feature_index(eth, ""), -ENOENT);
	assert_int_equal(eth_feature_index(eth, "rx-gro-"), -ENOENT);
	eth_close(eth);
	nl_replay_stop();
}

/* A bit past the kernel's string set is refused before anything is sent. */
static void feature_bit_past_the_string_set_is_refused(void **state)
{
	struct eth *eth = session();
	struct eth_feature_req r = { .ifindex = 2, .ifname = "rp0" };
	unsigned n = eth_feature_count(eth);
	size_t left = nl_replay_left(), sent = 1;
	struct err e = { 0 };
	char want[64];

	(void)state;
	eth_bit_set(&r.mask, 1, true);
	eth_bit_set(&r.mask, n + 3, true);
	eth_bit_set(&r.mask, n + 40, true);
	assert_int_equal(eth_features_set(eth, &r, 1, &sent, &e), -EINVAL);
	snprintf(want, sizeof(want), "feature bit %u out of range", n + 3);
	assert_string_equal(e.msg, want);
	assert_int_equal(sent, 0);
	assert_int_equal(nl_replay_left(), left);
	eth_close(eth);
	nl_replay_stop();
}

/* ---- sock_diag census ------------------------------------------------ */

static void census_counts_states_ports_and_destinations(void **state)
{
	struct sd_request req = { .port_lo = 40000, .port_hi = 40999 };
	struct sd_result res;
	struct err e = { 0 };
	const struct sd_dest *d7000 = NULL, *d7001 = NULL;

	(void)state;
	nl_replay_start(rec_census, rec_census_len);
	assert_int_equal(sockdiag_collect(&req, &res, &e), 0);
	nl_replay_stop();
	/* loadgen: 5 connections closed into TIME_WAIT on :7000, 3 held
	 * open to :7001 (both ends), its listener on :7001 */
	assert_int_equal(res.tcp_total, 12);
	assert_int_equal(res.tcp4, 12);
	assert_int_equal(res.tcp_state[SD_TIME_WAIT], 5);
	assert_int_equal(res.tcp_state[SD_ESTABLISHED], 6);
	assert_int_equal(res.tcp_state[SD_LISTEN], 1);
	assert_int_equal(res.udp_total, 0);
	assert_int_equal(res.tcp_ephemeral, 8);
	assert_int_equal(res.tcp_ports_used, 8);
	assert_int_equal(res.range_size, 1000);
	assert_int_equal(res.ndest, 2);
	for (size_t i = 0; i < res.ndest; i++) {
		if (res.dest[i].dport == 7000)
			d7000 = &res.dest[i];
		if (res.dest[i].dport == 7001)
			d7001 = &res.dest[i];
	}
	assert_non_null(d7000);
	assert_non_null(d7001);
	assert_int_equal(d7000->used, 5);
	assert_int_equal(d7000->state[SD_TIME_WAIT], 5);
	assert_int_equal(d7001->used, 3);
	assert_int_equal(d7001->state[SD_ESTABLISHED], 3);
	sd_result_free(&res);
}

/* ---- damaged recordings: errors, never crashes ----------------------- */

static void truncated_recording_is_an_error(void **state)
{
	struct err e = { 0 };
	struct profile prof;
	struct plan plan;

	(void)state;
	/* cut inside the features dump */
	assert_true(build(apply_ini, rec_nic_apply, rec_nic_apply_len / 3,
			  &prof, &plan, &e) < 0);
	assert_true(e.msg[0] != '\0');
	done(&prof, &plan);
}

/* Visit each answer record of a copy of rec. */
static unsigned char *each_answer(const unsigned char *rec, size_t len,
				  void (*fn)(unsigned char *a, uint32_t n,
					     unsigned i))
{
	unsigned char *c = malloc(len);
	size_t off = 0;
	unsigned i = 0;

	assert_non_null(c);
	memcpy(c, rec, len);
	while (len - off >= 8) {
		uint32_t h[2];

		memcpy(h, c + off, sizeof(h));
		assert_true(h[1] <= len - off - 8);
		if (h[0] == NL_REC_ANSWER)
			fn(c + off + 8, h[1], i++);
		off += 8 + ((h[1] + 3) & ~3u);
	}
	return c;
}

static void huge_length(unsigned char *a, uint32_t n, unsigned i)
{
	uint32_t bad = 0xfffffff0;

	(void)i;
	if (n >= 4)
		memcpy(a, &bad, 4);
}

static void message_length_past_the_datagram_is_an_error(void **state)
{
	unsigned char *c = each_answer(rec_nic_plan, rec_nic_plan_len,
				       huge_length);
	struct err e = { 0 };
	struct profile prof;
	struct plan plan;

	(void)state;
	assert_true(build(plan_ini, c, rec_nic_plan_len, &prof, &plan, &e) < 0);
	assert_true(e.msg[0] != '\0');
	done(&prof, &plan);
	free(c);
}

/* Scramble attribute bytes after the netlink and generic netlink headers. */
static void scramble(unsigned char *a, uint32_t n, unsigned i)
{
	for (uint32_t k = 20 + i % 7; k < n; k += 5 + i % 3)
		a[k] ^= (unsigned char)(0x5a + k);
}

static void scrambled_attributes_do_not_crash(void **state)
{
	const unsigned char *recs[] = { rec_nic_plan, rec_nic_apply,
					rec_nic_refused };
	const unsigned lens[] = { rec_nic_plan_len, rec_nic_apply_len,
				  rec_nic_refused_len };
	const char *inis[] = { plan_ini, apply_ini, refused_ini };

	(void)state;
	for (size_t r = 0; r < 3; r++) {
		unsigned char *c = each_answer(recs[r], lens[r], scramble);
		struct err e = { 0 };
		struct profile prof;
		struct plan plan;

		/* under ASan a bad read fails here; either outcome is fine */
		if (!build(inis[r], c, lens[r], &prof, &plan, &e))
			plan_apply(&plan, &e);
		done(&prof, &plan);
		free(c);
	}
}

static void census_from_a_truncated_dump_is_an_error(void **state)
{
	struct sd_request req = { .port_lo = 40000, .port_hi = 40999 };
	struct sd_result res;
	struct err e = { 0 };

	(void)state;
	nl_replay_start(rec_census, rec_census_len / 2);
	assert_true(sockdiag_collect(&req, &res, &e) < 0);
	nl_replay_stop();
	assert_non_null(strstr(e.msg, "sock_diag"));
}

static void request_the_recording_lacks_is_refused(void **state)
{
	struct err e = { 0 };
	struct profile prof;
	struct plan plan;

	(void)state;
	/* a census recording holds no generic netlink session */
	assert_int_equal(build(apply_ini, rec_census, rec_census_len, &prof,
			       &plan, &e), -EPROTO);
	assert_non_null(strstr(e.msg, "recorded protocol"));
	done(&prof, &plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan_has_before_after_and_statuses),
		cmocka_unit_test(feature_index_finds_every_name_in_any_order),
		cmocka_unit_test(feature_bit_past_the_string_set_is_refused),
		cmocka_unit_test(plan_reports_fixed_and_unknown_features),
		cmocka_unit_test(apply_reads_each_change_back_from_the_set_reply),
		cmocka_unit_test(refusal_with_extack_fails_and_reverts),
		cmocka_unit_test(census_counts_states_ports_and_destinations),
		cmocka_unit_test(truncated_recording_is_an_error),
		cmocka_unit_test(message_length_past_the_datagram_is_an_error),
		cmocka_unit_test(scrambled_attributes_do_not_crash),
		cmocka_unit_test(census_from_a_truncated_dump_is_an_error),
		cmocka_unit_test(request_the_recording_lacks_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
