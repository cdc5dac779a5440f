// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ethtool netlink parsing and name tables, on replies recorded from a real
 * kernel (Linux 6.18, see data/ethtool/README). No sockets are opened.
 */
#include <errno.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>

#include "../../src/err.h"
#include "../../src/ethtool.h"
#include "../../src/nl.h"

#include "data/ethtool/channels_get_veth.h"
#include "data/ethtool/channels_set_rx3_error.h"
#include "data/ethtool/coalesce_get_tap.h"
#include "data/ethtool/coalesce_get_veth_eopnotsupp.h"
#include "data/ethtool/coalesce_set_tap_rxusecs_error.h"
#include "data/ethtool/coalesce_set_veth_eopnotsupp.h"
#include "data/ethtool/features_get_veth_compact.h"
#include "data/ethtool/features_get_veth_verbose.h"
#include "data/ethtool/features_set_lro_on.h"
#include "data/ethtool/features_set_tso_off.h"
#include "data/ethtool/features_set_verbose.h"

#define REPLY(name) rec_##name, rec_##name##_len

#include "eth_names.h"

static int bit_of(const char *name)
{
	unsigned int i;

	for (i = 0; i < nnames; i++)
		if (!strcmp(names[i], name))
			return (int)i;
	fail_msg("no feature %s in the recorded string set", name);
	return -1;
}

static int count_bits(const struct eth_bits *b)
{
	int i, n = 0;

	for (i = 0; i < ETH_FEAT_MAX; i++)
		n += eth_bit(b, (unsigned int)i);
	return n;
}

static void parse_dev(const unsigned char *buf, unsigned int len,
		      nl_parse_fn fn, struct eth_dev *dev)
{
	struct eth_parse p = { .names = names, .nnames = nnames, .dev = dev };
	struct err e = { 0 };

	memset(dev, 0, sizeof(*dev));
	assert_int_equal(nl_parse_buf(buf, len, fn, &p, &e), 0);
}

/* ---- string set ------------------------------------------------------ */

static void strset_keeps_all_indexes_including_retired_empty_ones(void **state)
{
	int empty = 0;
	unsigned int i;

	(void)state;
	assert_int_equal(nnames, 64);
	for (i = 0; i < nnames; i++)
		empty += names[i][0] == '\0';
	assert_true(empty > 0);
	assert_string_equal(names[bit_of("tx-tcp-accecn-segmentation")],
			    "tx-tcp-accecn-segmentation");
}

/* ---- bitsets ---------------------------------------------------------- */

static void compact_features_reply_decodes_all_four_bitsets(void **state)
{
	struct eth_dev d;
	int tso = bit_of("tx-tcp-segmentation"), gro = bit_of("rx-gro");
	int lro = bit_of("rx-lro");

	(void)state;
	parse_dev(REPLY(features_get_veth_compact), eth_parse_features, &d);
	assert_string_equal(d.name, "v0");
	assert_int_equal(d.feat.nbits, nnames);
	assert_true(eth_bit(&d.feat.active, tso));
	assert_true(eth_bit(&d.feat.wanted, tso));
	assert_false(eth_bit(&d.feat.active, gro));
	assert_false(eth_feature_fixed(&d.feat, tso));
	assert_false(eth_feature_fixed(&d.feat, gro));
	assert_true(eth_feature_fixed(&d.feat, lro));
	assert_true(eth_feature_fixed(&d.feat, bit_of("rx-ntuple-filter")));
}

static void verbose_features_reply_decodes_like_compact(void **state)
{
	struct eth_dev c, v;

	(void)state;
	parse_dev(REPLY(features_get_veth_compact), eth_parse_features, &c);
	parse_dev(REPLY(features_get_veth_verbose), eth_parse_features, &v);
	assert_int_equal(v.feat.nbits, nnames);
	/* Same device; only WANTED/ACTIVE changed between the recordings. */
	assert_memory_equal(&c.feat.hw, &v.feat.hw, sizeof(c.feat.hw));
	assert_memory_equal(&c.feat.nochange, &v.feat.nochange,
			    sizeof(c.feat.nochange));
	assert_false(eth_bit(&v.feat.active, bit_of("tx-tcp-segmentation")));
	assert_true(eth_bit(&v.feat.active, bit_of("rx-gro")));
	assert_true(eth_bit(&v.feat.wanted, bit_of("rx-gro")));
}

static void verbose_bit_without_index_is_found_by_name(void **state)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *set, *bits, *bit;
	struct eth_bits val, mask;
	unsigned int size;
	int gro = bit_of("rx-gro"), lro = bit_of("rx-lro");

	(void)state;
	set = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_WANTED);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, nnames);
	bits = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS);
	bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
	mnl_attr_put_strz(nlh, ETHTOOL_A_BITSET_BIT_NAME, "rx-gro");
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_BIT_VALUE, 0, NULL);
	mnl_attr_nest_end(nlh, bit);
	bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
	mnl_attr_put_strz(nlh, ETHTOOL_A_BITSET_BIT_NAME, "rx-lro");
	mnl_attr_nest_end(nlh, bit);
	mnl_attr_nest_end(nlh, bits);
	mnl_attr_nest_end(nlh, set);

	assert_int_equal(eth_bitset_decode(set, names, nnames, &val, &mask,
					   &size), 0);
	assert_int_equal(size, nnames);
	assert_int_equal(count_bits(&mask), 2);
	assert_true(eth_bit(&mask, gro) && eth_bit(&val, gro));
	assert_true(eth_bit(&mask, lro) && !eth_bit(&val, lro));
}

static void verbose_bit_with_unknown_name_is_malformed(void **state)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *set, *bits, *bit;
	struct eth_bits val;

	(void)state;
	set = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_WANTED);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, nnames);
	bits = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS);
	bit = mnl_attr_nest_start(nlh, ETHTOOL_A_BITSET_BITS_BIT);
	mnl_attr_put_strz(nlh, ETHTOOL_A_BITSET_BIT_NAME, "no-such-feature");
	mnl_attr_nest_end(nlh, bit);
	mnl_attr_nest_end(nlh, bits);
	mnl_attr_nest_end(nlh, set);
	assert_int_equal(eth_bitset_decode(set, names, nnames, &val, NULL,
					   NULL), -EBADMSG);
}

static void set_bitset_is_compact_value_and_mask_of_string_set_size(void **state)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct eth_bits v = { { 0 } }, m = { { 0 } }, dv, dm;
	const struct nlattr *a, *set;
	const uint32_t *words = NULL, *maskw = NULL;
	unsigned int size = 0, len = 0, tso = bit_of("tx-tcp6-segmentation");

	(void)state;
	eth_bit_set(&m, tso, true);
	eth_bit_set(&m, 0, true);
	eth_bit_set(&v, 0, true);
	eth_bit_set(&v, 5, true);	/* not in mask: must not be sent */
	eth_bitset_put(nlh, ETHTOOL_A_FEATURES_WANTED, nnames, &v, &m);

	set = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(mnl_attr_get_type(set), ETHTOOL_A_FEATURES_WANTED);
	mnl_attr_for_each_nested(a, set) {
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_BITSET_SIZE:
			size = mnl_attr_get_u32(a);
			break;
		case ETHTOOL_A_BITSET_VALUE:
			words = mnl_attr_get_payload(a);
			len = mnl_attr_get_payload_len(a);
			break;
		case ETHTOOL_A_BITSET_MASK:
			maskw = mnl_attr_get_payload(a);
			break;
		case ETHTOOL_A_BITSET_NOMASK:
			fail_msg("NOMASK in a SET bitset");
		}
	}
	assert_int_equal(size, nnames);
	assert_int_equal(len, (nnames + 31) / 32 * 4);
	assert_non_null(words);
	assert_non_null(maskw);
	assert_memory_equal(maskw, m.w, len);
	assert_int_equal(words[0], 1u);		/* bit 0 only: v & m */
	assert_int_equal(words[1], 0u);

	assert_int_equal(eth_bitset_decode(set, NULL, 0, &dv, &dm, NULL), 0);
	assert_memory_equal(&dm, &m, sizeof(m));
	assert_true(eth_bit(&dv, 0));
	assert_false(eth_bit(&dv, 5));
	assert_false(eth_bit(&dv, tso));
}

/* ---- FEATURES_SET replies --------------------------------------------- */

static void feature_set_reply(const unsigned char *buf, unsigned int len,
			      struct eth_feature_result *r)
{
	struct eth_parse p = { .names = names, .nnames = nnames, .res = r };
	struct err e = { 0 };

	assert_int_equal(nl_parse_buf(buf, len, eth_parse_features_set, &p, &e),
			 0);
}

static void set_reply_lists_bits_that_changed(void **state)
{
	struct eth_feature_result r;
	struct eth_bits tso;

	(void)state;
	feature_set_reply(REPLY(features_set_tso_off), &r);
	assert_int_equal(eth_feature_expand_names(names, nnames, "tso", &tso), 5);
	assert_memory_equal(&r.active_diff, &tso, sizeof(tso));
	assert_int_equal(count_bits(&r.active), 0);
	assert_int_equal(count_bits(&r.wanted_diff), 0);
}

static void set_reply_lists_requested_bits_that_did_not_take(void **state)
{
	struct eth_feature_result r;

	(void)state;
	feature_set_reply(REPLY(features_set_lro_on), &r);
	assert_int_equal(count_bits(&r.wanted_diff), 1);
	assert_true(eth_bit(&r.wanted_diff, bit_of("rx-lro")));
	assert_int_equal(count_bits(&r.active_diff), 0);
}

static void verbose_set_reply_includes_unrequested_dependent_bits(void **state)
{
	struct eth_feature_result r;
	int csum = bit_of("tx-checksum-ip-generic");
	int dep = bit_of("tx-udp-segmentation");

	(void)state;
	feature_set_reply(REPLY(features_set_verbose), &r);
	assert_true(eth_bit(&r.wanted_diff, bit_of("rx-lro")));
	assert_true(eth_bit(&r.active_diff, csum));
	assert_false(eth_bit(&r.active, csum));
	/* Only csum and lro were requested; UDP GSO needs checksumming. */
	assert_true(eth_bit(&r.active_diff, dep));
	assert_false(eth_bit(&r.active, dep));
}

/* ---- feature names ---------------------------------------------------- */

static void expect_expansion(const char *token, const char *pattern, int n)
{
	struct eth_bits b;
	unsigned int i;

	assert_int_equal(eth_feature_expand_names(names, nnames, token, &b), n);
	for (i = 0; i < nnames; i++)
		if (eth_bit(&b, i) && fnmatch(pattern, names[i], 0))
			fail_msg("%s expanded to %s", token, names[i]);
}

static void tso_is_every_tx_tcp_segmentation_bit(void **state)
{
	(void)state;
	expect_expansion("tso", "tx-tcp*-segmentation", 5);
	expect_expansion("tcp-segmentation-offload", "tx-tcp*-segmentation", 5);
}

static void lso_is_an_alias_of_tso(void **state)
{
	struct eth_bits a, b;

	(void)state;
	assert_int_equal(eth_feature_expand_names(names, nnames, "lso", &a), 5);
	eth_feature_expand_names(names, nnames, "tso", &b);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void short_names_expand_like_ethtool(void **state)
{
	(void)state;
	expect_expansion("tx", "tx-checksum-*", 5);
	expect_expansion("sg", "tx-scatter-gather*", 2);
	expect_expansion("rx", "rx-checksum", 1);
	expect_expansion("gso", "tx-generic-segmentation", 1);
	expect_expansion("gro", "rx-gro", 1);
	expect_expansion("lro", "rx-lro", 1);
	expect_expansion("rxvlan", "rx-vlan-hw-parse", 1);
	expect_expansion("txvlan", "tx-vlan-hw-insert", 1);
	expect_expansion("ntuple", "rx-ntuple-filter", 1);
	expect_expansion("rxhash", "rx-hashing", 1);
}

static void kernel_feature_string_passes_through(void **state)
{
	(void)state;
	expect_expansion("rx-udp-gro-forwarding", "rx-udp-gro-forwarding", 1);
	expect_expansion("tx-udp_tnl-segmentation", "tx-udp_tnl-segmentation", 1);
	expect_expansion("rx-gro-hw", "rx-gro-hw", 1);
}

static void unknown_or_retired_token_matches_nothing(void **state)
{
	struct eth_bits b;

	(void)state;
	assert_int_equal(eth_feature_expand_names(names, nnames, "frobnicate", &b), 0);
	assert_int_equal(count_bits(&b), 0);
	/* UFO left the kernel in 4.14. */
	assert_int_equal(eth_feature_expand_names(names, nnames, "ufo", &b), 0);
	/* Not a glob: only aliases expand. */
	assert_int_equal(eth_feature_expand_names(names, nnames, "tx-checksum-", &b), 0);
}

static void token_validity(void **state)
{
	(void)state;
	assert_true(eth_feature_token_valid("tso"));
	assert_true(eth_feature_token_valid("lso"));
	assert_true(eth_feature_token_valid("generic-receive-offload"));
	assert_true(eth_feature_token_valid("rx-udp-gro-forwarding"));
	assert_true(eth_feature_token_valid("tx-udp_tnl-segmentation"));
	assert_false(eth_feature_token_valid(""));
	assert_false(eth_feature_token_valid("TSO"));
	assert_false(eth_feature_token_valid("tx-checksum-*"));
	assert_false(eth_feature_token_valid("rx gro"));
	assert_false(eth_feature_token_valid("-rx"));
	assert_false(eth_feature_token_valid("a-feature-name-longer-than-32-chars"));
}

/* ethtool's off_flag_def, both names of each: all resolve as aliases. */
static void every_alias_expands_like_its_pattern(void **state)
{
	static const struct {
		const char *name, *pattern;
	} aliases[] = {
		{ "rx", "rx-checksum" },
		{ "rx-checksumming", "rx-checksum" },
		{ "tx", "tx-checksum-*" },
		{ "tx-checksumming", "tx-checksum-*" },
		{ "sg", "tx-scatter-gather*" },
		{ "scatter-gather", "tx-scatter-gather*" },
		{ "tso", "tx-tcp*-segmentation" },
		{ "tcp-segmentation-offload", "tx-tcp*-segmentation" },
		{ "lso", "tx-tcp*-segmentation" },
		{ "ufo", "tx-udp-fragmentation" },
		{ "udp-fragmentation-offload", "tx-udp-fragmentation" },
		{ "gso", "tx-generic-segmentation" },
		{ "generic-segmentation-offload", "tx-generic-segmentation" },
		{ "gro", "rx-gro" },
		{ "generic-receive-offload", "rx-gro" },
		{ "lro", "rx-lro" },
		{ "large-receive-offload", "rx-lro" },
		{ "rxvlan", "rx-vlan-hw-parse" },
		{ "rx-vlan-offload", "rx-vlan-hw-parse" },
		{ "txvlan", "tx-vlan-hw-insert" },
		{ "tx-vlan-offload", "tx-vlan-hw-insert" },
		{ "ntuple", "rx-ntuple-filter" },
		{ "ntuple-filters", "rx-ntuple-filter" },
		{ "rxhash", "rx-hashing" },
		{ "receive-hashing", "rx-hashing" },
	};

	(void)state;
	for (size_t a = 0; a < sizeof(aliases) / sizeof(*aliases); a++) {
		int n = 0;

		for (unsigned int i = 0; i < nnames; i++)
			n += names[i][0] && !fnmatch(aliases[a].pattern, names[i], 0);
		assert_true(eth_feature_token_valid(aliases[a].name));
		expect_expansion(aliases[a].name, aliases[a].pattern, n);
	}
}

/* Each string of the kernel's feature set is a token naming that bit. */
static void every_kernel_feature_names_itself(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < nnames; i++) {
		struct eth_bits b;

		if (!names[i][0])
			continue;
		assert_true(eth_feature_token_valid(names[i]));
		assert_int_equal(eth_feature_expand_names(names, nnames,
							  names[i], &b), 1);
		assert_true(eth_bit(&b, i));
	}
}

/* One letter from an alias is a kernel-style name, not that alias. */
static void near_alias_is_not_an_alias(void **state)
{
	static const char *const near[] = {
		"tsox", "ts", "rx-checksummin", "generic-receive-offloa", "t",
		"rxhashing",
	};
	struct eth_bits b;

	(void)state;
	for (size_t i = 0; i < sizeof(near) / sizeof(*near); i++) {
		assert_true(eth_feature_token_valid(near[i]));
		assert_int_equal(eth_feature_expand_names(names, nnames, near[i],
							  &b), 0);
	}
	/* ETH_GSTRING_LEN holds 31 characters and the NUL */
	assert_true(eth_feature_token_valid("abcdefghij-abcdefghij-abcdefghi"));
	assert_false(eth_feature_token_valid("abcdefghij-abcdefghij-abcdefghij"));
}

static void invalid_token_is_einval(void **state)
{
	struct eth_bits b;

	(void)state;
	assert_int_equal(eth_feature_expand_names(names, nnames, "Bad!", &b),
			 -EINVAL);
}

/* ---- coalesce / rings / channels --------------------------------------- */

static void coalesce_absent_attribute_means_unsupported(void **state)
{
	const struct eth_param *frames = eth_param_find(ETH_COALESCE, "rx-frames");
	struct eth_area_state *st;
	struct eth_dev d;
	unsigned int i;

	(void)state;
	parse_dev(REPLY(coalesce_get_tap), eth_parse_params, &d);
	st = &d.a[ETH_COALESCE];
	assert_true(st->read && st->supported);
	/* tun supports rx-frames only, and reports it even at 0. */
	assert_true(st->v[frames->idx].present);
	assert_int_equal(st->v[frames->idx].value, 0);
	for (i = 0; i < eth_param_count(ETH_COALESCE); i++)
		if (i != frames->idx)
			assert_false(st->v[i].present);
}

static void whole_op_eopnotsupp_is_reported_distinctly(void **state)
{
	struct eth_dev d;
	struct eth_parse p = { .dev = &d };
	struct err e = { 0 };

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(nl_parse_buf(REPLY(coalesce_get_veth_eopnotsupp),
				      eth_parse_params, &p, &e), -EOPNOTSUPP);
	assert_string_equal(e.msg, "not supported by the device/driver");
	assert_false(d.a[ETH_COALESCE].read);
	memset(&e, 0, sizeof(e));
	assert_int_equal(nl_parse_buf(REPLY(coalesce_set_veth_eopnotsupp),
				      NULL, NULL, &e), -EOPNOTSUPP);
}

static void channels_with_max_zero_are_unsupported(void **state)
{
	struct eth_area_state *st;
	struct eth_dev d;

	(void)state;
	parse_dev(REPLY(channels_get_veth), eth_parse_params, &d);
	st = &d.a[ETH_CHANNELS];
	assert_true(st->supported);
	assert_true(st->v[eth_param_find(ETH_CHANNELS, "rx")->idx].present);
	assert_int_equal(st->v[eth_param_find(ETH_CHANNELS, "rx")->idx].value, 1);
	assert_int_equal(st->v[eth_param_find(ETH_CHANNELS, "rx")->idx].max, 2);
	assert_true(st->v[eth_param_find(ETH_CHANNELS, "tx")->idx].present);
	assert_false(st->v[eth_param_find(ETH_CHANNELS, "other")->idx].present);
	assert_false(st->v[eth_param_find(ETH_CHANNELS, "combined")->idx].present);
}

static void explicit_max_zero_is_unsupported_too(void **state)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct eth_dev d;
	unsigned int comb = eth_param_find(ETH_CHANNELS, "combined")->idx;

	(void)state;
	nlh->nlmsg_type = 0x20;
	g->cmd = ETHTOOL_MSG_CHANNELS_GET_REPLY;
	mnl_attr_put_u32(nlh, ETHTOOL_A_CHANNELS_COMBINED_MAX, 0);
	mnl_attr_put_u32(nlh, ETHTOOL_A_CHANNELS_COMBINED_COUNT, 0);
	parse_dev((const unsigned char *)buf, nlh->nlmsg_len, eth_parse_params, &d);
	assert_true(d.a[ETH_CHANNELS].supported);
	assert_false(d.a[ETH_CHANNELS].v[comb].present);
}

static void kernel_extack_text_becomes_the_message(void **state)
{
	struct err e = { 0 };

	(void)state;
	assert_int_equal(nl_parse_buf(REPLY(channels_set_rx3_error), NULL, NULL,
				      &e), -EINVAL);
	assert_string_equal(e.msg,
			    "requested channel count exceeds maximum (Invalid argument)");
	assert_int_equal(nl_parse_buf(REPLY(coalesce_set_tap_rxusecs_error),
				      NULL, NULL, &e), -EINVAL);
	assert_string_equal(e.msg,
			    "cannot modify an unsupported parameter (Invalid argument)");
}

/* ---- parameter tables --------------------------------------------------- */

static void parameter_tables_map_ethtool_names_to_attributes(void **state)
{
	const struct eth_param *p;

	(void)state;
	p = eth_param_find(ETH_COALESCE, "rx-usecs");
	assert_non_null(p);
	assert_int_equal(p->attr, ETHTOOL_A_COALESCE_RX_USECS);
	assert_int_equal(p->type, ETH_U32);
	assert_int_equal(eth_param_find(ETH_COALESCE, "rx-frames")->attr,
			 ETHTOOL_A_COALESCE_RX_MAX_FRAMES);
	assert_int_equal(eth_param_find(ETH_COALESCE, "tx-frames-high")->attr,
			 ETHTOOL_A_COALESCE_TX_MAX_FRAMES_HIGH);
	assert_int_equal(eth_param_find(ETH_COALESCE, "sample-interval")->attr,
			 ETHTOOL_A_COALESCE_RATE_SAMPLE_INTERVAL);
	assert_int_equal(eth_param_find(ETH_COALESCE, "adaptive-rx")->type, ETH_BOOL);
	assert_int_equal(eth_param_find(ETH_COALESCE, "cqe-mode-tx")->attr,
			 ETHTOOL_A_COALESCE_USE_CQE_MODE_TX);
	p = eth_param_find(ETH_RINGS, "rx-jumbo");
	assert_int_equal(p->attr, ETHTOOL_A_RINGS_RX_JUMBO);
	assert_int_equal(p->max_attr, ETHTOOL_A_RINGS_RX_JUMBO_MAX);
	p = eth_param_find(ETH_CHANNELS, "combined");
	assert_int_equal(p->attr, ETHTOOL_A_CHANNELS_COMBINED_COUNT);
	assert_int_equal(p->max_attr, ETHTOOL_A_CHANNELS_COMBINED_MAX);
	assert_null(eth_param_find(ETH_COALESCE, "rx-usec"));
	assert_null(eth_param_find(ETH_RINGS, "combined"));
	assert_null(eth_param_find(ETH_FEATURES, "rx"));
}

static void parameter_index_is_table_position(void **state)
{
	enum eth_area a;
	unsigned int i;

	(void)state;
	assert_int_equal(eth_param_count(ETH_COALESCE), 24);
	assert_int_equal(eth_param_count(ETH_RINGS), 4);
	assert_int_equal(eth_param_count(ETH_CHANNELS), 4);
	for (a = ETH_COALESCE; a < ETH_AREA_N; a++) {
		assert_true(eth_param_count(a) <= ETH_PARAM_MAX);
		for (i = 0; i < eth_param_count(a); i++) {
			const struct eth_param *p = eth_param_at(a, i);

			assert_int_equal(p->idx, i);
			assert_int_equal(p->area, a);
			assert_ptr_equal(eth_param_find(a, p->name), p);
		}
		assert_null(eth_param_at(a, eth_param_count(a)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strset_keeps_all_indexes_including_retired_empty_ones),
		cmocka_unit_test(compact_features_reply_decodes_all_four_bitsets),
		cmocka_unit_test(verbose_features_reply_decodes_like_compact),
		cmocka_unit_test(verbose_bit_without_index_is_found_by_name),
		cmocka_unit_test(verbose_bit_with_unknown_name_is_malformed),
		cmocka_unit_test(set_bitset_is_compact_value_and_mask_of_string_set_size),
		cmocka_unit_test(set_reply_lists_bits_that_changed),
		cmocka_unit_test(set_reply_lists_requested_bits_that_did_not_take),
		cmocka_unit_test(verbose_set_reply_includes_unrequested_dependent_bits),
		cmocka_unit_test(tso_is_every_tx_tcp_segmentation_bit),
		cmocka_unit_test(lso_is_an_alias_of_tso),
		cmocka_unit_test(short_names_expand_like_ethtool),
		cmocka_unit_test(kernel_feature_string_passes_through),
		cmocka_unit_test(unknown_or_retired_token_matches_nothing),
		cmocka_unit_test(token_validity),
		cmocka_unit_test(every_alias_expands_like_its_pattern),
		cmocka_unit_test(every_kernel_feature_names_itself),
		cmocka_unit_test(near_alias_is_not_an_alias),
		cmocka_unit_test(invalid_token_is_einval),
		cmocka_unit_test(coalesce_absent_attribute_means_unsupported),
		cmocka_unit_test(whole_op_eopnotsupp_is_reported_distinctly),
		cmocka_unit_test(channels_with_max_zero_are_unsupported),
		cmocka_unit_test(explicit_max_zero_is_unsupported_too),
		cmocka_unit_test(kernel_extack_text_becomes_the_message),
		cmocka_unit_test(parameter_tables_map_ethtool_names_to_attributes),
		cmocka_unit_test(parameter_index_is_table_position),
	};

	return cmocka_run_group_tests_name("ethtool", tests, load_names, NULL);
}
