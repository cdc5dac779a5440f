// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The FEATURES_GET reply decoder walks attributes inline, not through
 * libmnl's calls. Differential test: the decoder as it was, on libmnl's
 * walk (kept below as the reference), and eth_parse_features() must agree
 * on recorded replies with every byte after the netlink header replaced by
 * each of a set of values: same return, same message, same device.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>

#include "../../src/err.h"
#include "../../src/ethtool.h"
#include "../../src/nl.h"

#include "data/ethtool/features_get_veth_compact.h"
#include "data/ethtool/features_get_veth_verbose.h"

#include "eth_names.h"

/* ---- the reference: the decoder before, over libmnl ------------------- */

static int ref_name_index(const char *name)
{
	for (unsigned int i = 0; i < nnames; i++)
		if (names[i][0] && !strcmp(names[i], name))
			return (int)i;
	return -1;
}

static int ref_bit(const struct nlattr *bit, unsigned int size, bool nomask,
		   struct eth_bits *value, struct eth_bits *mask)
{
	const struct nlattr *a;
	const char *name = NULL;
	int idx = -1;
	bool on = false;

	mnl_attr_for_each_nested(a, bit) {
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_BITSET_BIT_INDEX:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			idx = (int)mnl_attr_get_u32(a);
			break;
		case ETHTOOL_A_BITSET_BIT_NAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
				return -EBADMSG;
			name = mnl_attr_get_str(a);
			break;
		case ETHTOOL_A_BITSET_BIT_VALUE:
			on = true;
			break;
		}
	}
	if (idx < 0 && name)
		idx = ref_name_index(name);
	if (idx < 0 || (unsigned int)idx >= size)
		return -EBADMSG;
	if (nomask) {
		eth_bit_set(value, (unsigned int)idx, true);
	} else {
		eth_bit_set(mask, (unsigned int)idx, true);
		eth_bit_set(value, (unsigned int)idx, on);
	}
	return 0;
}

static int ref_words(struct eth_bits *b, const struct nlattr *a,
		     unsigned int size)
{
	size_t need = (size + 31) / 32 * sizeof(uint32_t);

	if (mnl_attr_get_payload_len(a) < need)
		return -EBADMSG;
	memset(b, 0, sizeof(*b));
	memcpy(b->w, mnl_attr_get_payload(a), need);
	if (size % 32)
		b->w[size / 32] &= (1u << (size % 32)) - 1;
	return 0;
}

static void ref_all(struct eth_bits *b, unsigned int size)
{
	memset(b, 0, sizeof(*b));
	for (unsigned int i = 0; i < size; i++)
		eth_bit_set(b, i, true);
}

static int ref_bitset(const struct nlattr *nest, struct eth_bits *value,
		      unsigned int *sizep)
{
	const struct nlattr *a, *bits = NULL, *val = NULL, *msk = NULL;
	struct eth_bits m;
	unsigned int size = 0;
	bool nomask = false;
	int ret;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_BITSET_NOMASK:
			nomask = true;
			break;
		case ETHTOOL_A_BITSET_SIZE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			size = mnl_attr_get_u32(a);
			break;
		case ETHTOOL_A_BITSET_BITS:
			bits = a;
			break;
		case ETHTOOL_A_BITSET_VALUE:
			val = a;
			break;
		case ETHTOOL_A_BITSET_MASK:
			msk = a;
			break;
		}
	}
	if (size > ETH_FEAT_MAX)
		return -E2BIG;
	memset(value, 0, sizeof(*value));
	memset(&m, 0, sizeof(m));
	*sizep = size;
	if (val) {
		if ((ret = ref_words(value, val, size)) < 0)
			return ret;
		if (nomask || !msk)
			ref_all(&m, size);
		else if ((ret = ref_words(&m, msk, size)) < 0)
			return ret;
		return 0;
	}
	if (nomask)
		ref_all(&m, size);
	if (bits)
		mnl_attr_for_each_nested(a, bits) {
			if (mnl_attr_get_type(a) != ETHTOOL_A_BITSET_BITS_BIT)
				continue;
			if ((ret = ref_bit(a, size, nomask, value, &m)) < 0)
				return ret;
		}
	return 0;
}

static int ref_features(const struct nlmsghdr *nlh, void *data, struct err *e)
{
	struct eth_dev *dev = data;
	struct eth_features *f = &dev->feat;
	const struct nlattr *a, *h;
	struct eth_bits *dst;
	unsigned int size;

	memset(f, 0, sizeof(*f));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_FEATURES_HEADER:
			mnl_attr_for_each_nested(h, a) {
				if (mnl_attr_get_type(h) == ETHTOOL_A_HEADER_DEV_INDEX &&
				    !mnl_attr_validate(h, MNL_TYPE_U32))
					dev->ifindex = (int)mnl_attr_get_u32(h);
				else if (mnl_attr_get_type(h) == ETHTOOL_A_HEADER_DEV_NAME &&
					 !mnl_attr_validate(h, MNL_TYPE_NUL_STRING))
					snprintf(dev->name, sizeof(dev->name),
						 "%s", mnl_attr_get_str(h));
			}
			continue;
		case ETHTOOL_A_FEATURES_HW:
			dst = &f->hw;
			break;
		case ETHTOOL_A_FEATURES_WANTED:
			dst = &f->wanted;
			break;
		case ETHTOOL_A_FEATURES_ACTIVE:
			dst = &f->active;
			break;
		case ETHTOOL_A_FEATURES_NOCHANGE:
			dst = &f->nochange;
			break;
		default:
			continue;
		}
		if (ref_bitset(a, dst, &size) < 0)
			return err_set(e, -EBADMSG,
				       "malformed ethtool features reply");
		f->nbits = size;
	}
	return 0;
}

/* ---- the comparison ---------------------------------------------------- */

static size_t cases;

static void same_as_reference(const unsigned char *buf, size_t len)
{
	struct eth_dev want, got;
	struct eth_parse p = { .names = names, .nnames = nnames, .dev = &got };
	struct err ew = { 0 }, eg = { 0 };
	int rw, rg;

	memset(&want, 0, sizeof(want));
	memset(&got, 0, sizeof(got));
	rw = nl_parse_buf(buf, len, ref_features, &want, &ew);
	rg = nl_parse_buf(buf, len, eth_parse_features, &p, &eg);
	cases++;
	assert_int_equal(rg, rw);
	assert_string_equal(eg.msg, ew.msg);
	assert_int_equal(got.ifindex, want.ifindex);
	assert_string_equal(got.name, want.name);
	assert_memory_equal(&got.feat, &want.feat, sizeof(got.feat));
}

/* Every byte past the nlmsghdr (which nl.c checks) through these values. */
static void mutations_agree(const unsigned char *rec, size_t len)
{
	static const int deltas[] = { 1, -1, 4, -4, 8, 0x80 };
	static const unsigned char values[] = { 0x00, 0x01, 0x02, 0x03, 0x04,
						0x05, 0x07, 0x08, 0x0c, 0x7f,
						0x80, 0xff };
	unsigned char buf[8192];

	assert_true(len <= sizeof(buf));
	memcpy(buf, rec, len);
	same_as_reference(buf, len);
	for (size_t i = sizeof(struct nlmsghdr); i < len; i++) {
		unsigned char orig = buf[i];

		for (size_t v = 0; v < sizeof(values); v++) {
			buf[i] = values[v];
			same_as_reference(buf, len);
		}
		for (size_t d = 0; d < sizeof(deltas) / sizeof(deltas[0]); d++) {
			buf[i] = (unsigned char)(orig + deltas[d]);
			same_as_reference(buf, len);
		}
		buf[i] = orig;
	}
}

static void compact_reply_mutations_agree_with_libmnl(void **state)
{
	(void)state;
	cases = 0;
	mutations_agree(rec_features_get_veth_compact,
			rec_features_get_veth_compact_len);
	assert_true(cases > 1000);
}

static void verbose_reply_mutations_agree_with_libmnl(void **state)
{
	(void)state;
	mutations_agree(rec_features_get_veth_verbose,
			rec_features_get_veth_verbose_len);
}

/* ---- the checks one by one, on hand-made replies ------------------------ */

static struct nlmsghdr *reply(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = 0x20;
	g->cmd = ETHTOOL_MSG_FEATURES_GET_REPLY;
	return nlh;
}

static void put_bitset(struct nlmsghdr *nlh, uint16_t type, uint32_t size,
		       uint32_t word)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	mnl_attr_put(nlh, ETHTOOL_A_BITSET_NOMASK, 0, NULL);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, size);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_VALUE, sizeof(word), &word);
	mnl_attr_nest_end(nlh, n);
}

static int parse(const struct nlmsghdr *nlh, struct eth_dev *d)
{
	struct eth_parse p = { .names = names, .nnames = nnames, .dev = d };
	struct err e = { 0 };

	memset(d, 0, sizeof(*d));
	same_as_reference((const void *)nlh, nlh->nlmsg_len);
	return nl_parse_buf(nlh, nlh->nlmsg_len, eth_parse_features, &p, &e);
}

static void header_fields_of_the_wrong_size_are_ignored(void **state)
{
	char buf[512];
	struct nlmsghdr *nlh = reply(buf);
	struct nlattr *h = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_HEADER);
	struct eth_dev d;

	(void)state;
	mnl_attr_put_u16(nlh, ETHTOOL_A_HEADER_DEV_INDEX, 7);
	mnl_attr_put(nlh, ETHTOOL_A_HEADER_DEV_NAME, 3, "abc");	/* no NUL */
	mnl_attr_nest_end(nlh, h);
	put_bitset(nlh, ETHTOOL_A_FEATURES_ACTIVE, 8, 0x5);
	assert_int_equal(parse(nlh, &d), 0);
	assert_int_equal(d.ifindex, 0);
	assert_string_equal(d.name, "");
	assert_int_equal(d.feat.active.w[0], 0x5);
}

static void long_name_is_cut_and_nested_flag_ignored(void **state)
{
	char buf[512];
	struct nlmsghdr *nlh = reply(buf);
	struct nlattr *h = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_HEADER);
	struct eth_dev d;

	(void)state;
	mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX, 9);
	mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME,
			  "a-name-longer-than-ifnamsiz");
	mnl_attr_nest_end(nlh, h);
	assert_true(h->nla_type & NLA_F_NESTED);
	put_bitset(nlh, ETHTOOL_A_FEATURES_HW, 32, 0xffffffff);
	assert_int_equal(parse(nlh, &d), 0);
	assert_int_equal(d.ifindex, 9);
	assert_string_equal(d.name, "a-name-longer-t");
	assert_int_equal(d.feat.nbits, 32);
	assert_int_equal(d.feat.hw.w[0], 0xffffffff);
}

static void bitset_size_of_the_wrong_length_is_malformed(void **state)
{
	char buf[512];
	struct nlmsghdr *nlh = reply(buf);
	struct nlattr *n = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_WANTED);
	uint64_t size = 8;
	struct eth_dev d;

	(void)state;
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_SIZE, sizeof(size), &size);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(parse(nlh, &d), -EBADMSG);
}

/* An attribute longer than what holds it ends the walk there, unread. */
static void attribute_past_its_nest_ends_the_walk(void **state)
{
	char buf[512];
	struct nlmsghdr *nlh = reply(buf);
	struct nlattr *n = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_ACTIVE);
	struct nlattr *v;
	uint32_t word = 0xf;
	struct eth_dev d;

	(void)state;
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, 8);
	v = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_VALUE, sizeof(word), &word);
	mnl_attr_nest_end(nlh, n);
	put_bitset(nlh, ETHTOOL_A_FEATURES_HW, 8, 0x3);
	v->nla_len += 4;	/* now overruns the ACTIVE nest by 4 */
	assert_int_equal(parse(nlh, &d), 0);
	assert_int_equal(d.feat.active.w[0], 0);
	assert_int_equal(d.feat.hw.w[0], 0x3);
	v->nla_len = 2;		/* shorter than an attribute header */
	assert_int_equal(parse(nlh, &d), 0);
	assert_int_equal(d.feat.active.w[0], 0);
	assert_int_equal(d.feat.hw.w[0], 0x3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compact_reply_mutations_agree_with_libmnl),
		cmocka_unit_test(verbose_reply_mutations_agree_with_libmnl),
		cmocka_unit_test(header_fields_of_the_wrong_size_are_ignored),
		cmocka_unit_test(long_name_is_cut_and_nested_flag_ignored),
		cmocka_unit_test(bitset_size_of_the_wrong_length_is_malformed),
		cmocka_unit_test(attribute_past_its_nest_ends_the_walk),
	};

	return cmocka_run_group_tests_name("ethdecode", tests, load_names,
					   NULL);
}
