// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>

#include "err.h"
#include "ethtool.h"
#include "nl.h"

struct eth {
	struct nl *nl;
	struct nl_family fam;
	unsigned int nfeat;
	char names[ETH_FEAT_MAX][ETH_GSTRING_LEN];
	const char *namep[ETH_FEAT_MAX];
};

/* GET/SET request and GET reply commands of each area. */
static const struct {
	uint8_t get, set, reply;
} cmds[ETH_AREA_N] = {
	[ETH_FEATURES] = { ETHTOOL_MSG_FEATURES_GET, ETHTOOL_MSG_FEATURES_SET,
			   ETHTOOL_MSG_FEATURES_GET_REPLY },
	[ETH_COALESCE] = { ETHTOOL_MSG_COALESCE_GET, ETHTOOL_MSG_COALESCE_SET,
			   ETHTOOL_MSG_COALESCE_GET_REPLY },
	[ETH_RINGS] = { ETHTOOL_MSG_RINGS_GET, ETHTOOL_MSG_RINGS_SET,
			ETHTOOL_MSG_RINGS_GET_REPLY },
	[ETH_CHANNELS] = { ETHTOOL_MSG_CHANNELS_GET, ETHTOOL_MSG_CHANNELS_SET,
			   ETHTOOL_MSG_CHANNELS_GET_REPLY },
};

struct nl *eth_nl(struct eth *eth)
{
	return eth->nl;
}

/* ---- bitsets ------------------------------------------------------- */

static int name_index(const char *const *names, unsigned int n,
		      const char *name)
{
	unsigned int i;

	for (i = 0; names && i < n; i++)
		if (names[i] && names[i][0] && !strcmp(names[i], name))
			return (int)i;
	return -1;
}

static void set_all(struct eth_bits *b, unsigned int size)
{
	unsigned int i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < size; i++)
		eth_bit_set(b, i, true);
}

static int copy_words(struct eth_bits *b, const struct nlattr *a,
		      unsigned int size)
{
	size_t need = (size + 31) / 32 * sizeof(uint32_t);

	if (mnl_attr_get_payload_len(a) < need)
		return -EBADMSG;
	memset(b, 0, sizeof(*b));
	memcpy(b->w, mnl_attr_get_payload(a), need);
	/* The kernel zeroes the tail, but do not trust bits past size. */
	if (size % 32)
		b->w[size / 32] &= (1u << (size % 32)) - 1;
	return 0;
}

static int decode_bit(const struct nlattr *bit, const char *const *names,
		      unsigned int nnames, unsigned int size, bool nomask,
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
		idx = name_index(names, nnames, name);
	if (idx < 0 || (unsigned int)idx >= size)
		return -EBADMSG;
	/* Without a mask the list holds exactly the bits that are set. */
	if (nomask) {
		eth_bit_set(value, (unsigned int)idx, true);
	} else {
		eth_bit_set(mask, (unsigned int)idx, true);
		eth_bit_set(value, (unsigned int)idx, on);
	}
	return 0;
}

int eth_bitset_decode(const struct nlattr *nest, const char *const *names,
		      unsigned int nnames, struct eth_bits *value,
		      struct eth_bits *mask, unsigned int *sizep)
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
	if (!mask)
		mask = &m;
	memset(value, 0, sizeof(*value));
	memset(mask, 0, sizeof(*mask));
	if (sizep)
		*sizep = size;
	if (val) {
		ret = copy_words(value, val, size);
		if (ret < 0)
			return ret;
		if (nomask || !msk)
			set_all(mask, size);
		else if ((ret = copy_words(mask, msk, size)) < 0)
			return ret;
		return 0;
	}
	if (nomask)
		set_all(mask, size);
	if (bits) {
		mnl_attr_for_each_nested(a, bits) {
			if (mnl_attr_get_type(a) != ETHTOOL_A_BITSET_BITS_BIT)
				continue;
			ret = decode_bit(a, names, nnames, size, nomask, value,
					 mask);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

void eth_bitset_put(struct nlmsghdr *nlh, uint16_t type, unsigned int size,
		    const struct eth_bits *value, const struct eth_bits *mask)
{
	size_t words = (size + 31) / 32;
	struct eth_bits v;
	struct nlattr *nest;
	size_t i;

	/* Only masked bits are meaningful; keep the rest of VALUE clean. */
	for (i = 0; i < ETH_FEAT_WORDS; i++)
		v.w[i] = value->w[i] & mask->w[i];
	nest = mnl_attr_nest_start(nlh, type);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, size);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_VALUE, words * 4, v.w);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_MASK, words * 4, mask->w);
	mnl_attr_nest_end(nlh, nest);
}

/* ---- reply parsers -------------------------------------------------- */

static int malformed(struct err *e, const char *what)
{
	return err_set(e, -EBADMSG, "malformed ethtool %s reply", what);
}

static uint8_t genl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g))
		return 0;
	return g->cmd;
}

static void parse_header(const struct nlattr *nest, struct eth_dev *dev)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == ETHTOOL_A_HEADER_DEV_INDEX &&
		    !mnl_attr_validate(a, MNL_TYPE_U32))
			dev->ifindex = (int)mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == ETHTOOL_A_HEADER_DEV_NAME &&
			 !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(dev->name, sizeof(dev->name), "%s",
				 mnl_attr_get_str(a));
	}
}

static int strset_strings(const struct nlattr *nest, struct eth_parse *p)
{
	const struct nlattr *s, *a;

	mnl_attr_for_each_nested(s, nest) {
		const char *val = "";
		int idx = -1;

		mnl_attr_for_each_nested(a, s) {
			if (mnl_attr_get_type(a) == ETHTOOL_A_STRING_INDEX &&
			    !mnl_attr_validate(a, MNL_TYPE_U32))
				idx = (int)mnl_attr_get_u32(a);
			else if (mnl_attr_get_type(a) == ETHTOOL_A_STRING_VALUE &&
				 !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
				val = mnl_attr_get_str(a);
		}
		if (idx < 0 || (unsigned int)idx >= p->nstrings)
			return -EBADMSG;
		snprintf(p->strings[idx], ETH_GSTRING_LEN, "%s", val);
	}
	return 0;
}

int eth_parse_strset(const struct nlmsghdr *nlh, void *data, struct err *e)
{
	struct eth_parse *p = data;
	const struct nlattr *a, *set, *s;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != ETHTOOL_A_STRSET_STRINGSETS)
			continue;
		mnl_attr_for_each_nested(set, a) {
			uint32_t id = UINT32_MAX, count = 0;
			const struct nlattr *strings = NULL;

			mnl_attr_for_each_nested(s, set) {
				unsigned int t = mnl_attr_get_type(s);

				if ((t == ETHTOOL_A_STRINGSET_ID ||
				     t == ETHTOOL_A_STRINGSET_COUNT) &&
				    mnl_attr_validate(s, MNL_TYPE_U32) < 0)
					return malformed(e, "string set");
				switch (t) {
				case ETHTOOL_A_STRINGSET_ID:
					id = mnl_attr_get_u32(s);
					break;
				case ETHTOOL_A_STRINGSET_COUNT:
					count = mnl_attr_get_u32(s);
					break;
				case ETHTOOL_A_STRINGSET_STRINGS:
					strings = s;
					break;
				}
			}
			if (id != ETH_SS_FEATURES)
				continue;
			if (count > ETH_FEAT_MAX)
				return err_set(e, -E2BIG,
					       "kernel has %u features, porttune knows at most %u",
					       count, ETH_FEAT_MAX);
			p->nstrings = count;
			memset(p->strings, 0, (size_t)count * ETH_GSTRING_LEN);
			if (strings && strset_strings(strings, p) < 0)
				return malformed(e, "string set");
		}
	}
	return 0;
}

int eth_parse_features(const struct nlmsghdr *nlh, void *data, struct err *e)
{
	struct eth_parse *p = data;
	struct eth_features *f = &p->dev->feat;
	const struct nlattr *a;
	struct eth_bits *dst;
	unsigned int size;

	memset(f, 0, sizeof(*f));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_FEATURES_HEADER:
			parse_header(a, p->dev);
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
		if (eth_bitset_decode(a, p->names, p->nnames, dst, NULL,
				      &size) < 0)
			return malformed(e, "features");
		f->nbits = size;
	}
	return 0;
}

_Static_assert((int)ETHTOOL_A_COALESCE_HEADER == (int)ETHTOOL_A_RINGS_HEADER &&
	       (int)ETHTOOL_A_RINGS_HEADER == (int)ETHTOOL_A_CHANNELS_HEADER &&
	       (int)ETHTOOL_A_CHANNELS_HEADER == (int)ETHTOOL_A_FEATURES_HEADER,
	       "one header attribute type for every area");

static const struct eth_param *param_by_attr(enum eth_area area,
					     unsigned int type, bool *is_max)
{
	unsigned int i, n = eth_param_count(area);

	for (i = 0; i < n; i++) {
		const struct eth_param *pm = eth_param_at(area, i);

		if (pm->attr == type || (pm->max_attr && pm->max_attr == type)) {
			*is_max = pm->attr != type;
			return pm;
		}
	}
	return NULL;
}

int eth_parse_params(const struct nlmsghdr *nlh, void *data, struct err *e)
{
	struct eth_parse *p = data;
	struct eth_area_state *st;
	const struct nlattr *a;
	enum eth_area area;
	unsigned int i;

	for (area = ETH_COALESCE; area < ETH_AREA_N; area++)
		if (cmds[area].reply == genl_cmd(nlh))
			break;
	if (area == ETH_AREA_N)
		return 0;
	st = &p->dev->a[area];
	memset(st, 0, sizeof(*st));
	st->read = st->supported = true;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		const struct eth_param *pm;
		unsigned int type = mnl_attr_get_type(a);
		uint32_t v;
		bool is_max;

		if (type == ETHTOOL_A_COALESCE_HEADER) {
			parse_header(a, p->dev);
			continue;
		}
		pm = param_by_attr(area, type, &is_max);
		if (!pm)
			continue;	/* newer attribute we do not manage */
		if (pm->type == ETH_BOOL && !is_max) {
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return malformed(e, eth_area_name(area));
			v = mnl_attr_get_u8(a);
		} else {
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return malformed(e, eth_area_name(area));
			v = mnl_attr_get_u32(a);
		}
		if (is_max)
			st->v[pm->idx].max = v;
		else
			st->v[pm->idx].value = v;
		if (!pm->max_attr)
			st->v[pm->idx].present = true;
	}
	/* Rings/channels: the kernel puts a pair only when its max is > 0. */
	for (i = 0; i < eth_param_count(area); i++)
		if (eth_param_at(area, i)->max_attr)
			st->v[i].present = st->v[i].max > 0;
	return 0;
}

int eth_parse_features_set(const struct nlmsghdr *nlh, void *data,
			   struct err *e)
{
	struct eth_parse *p = data;
	struct eth_feature_result *r = p->res;
	const struct nlattr *a;
	struct eth_bits val, mask;
	unsigned int i;

	memset(r, 0, sizeof(*r));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		unsigned int type = mnl_attr_get_type(a);

		if (type != ETHTOOL_A_FEATURES_WANTED &&
		    type != ETHTOOL_A_FEATURES_ACTIVE)
			continue;
		if (eth_bitset_decode(a, p->names, p->nnames, &val, &mask,
				      NULL) < 0)
			return malformed(e, "features set");
		/* WANTED: value = request, mask = bits whose new ACTIVE
		 * differs from it; ACTIVE: value = new state, mask = changed. */
		if (type == ETHTOOL_A_FEATURES_WANTED) {
			r->wanted_diff = mask;
			continue;
		}
		r->active_diff = mask;
		for (i = 0; i < ETH_FEAT_WORDS; i++)
			r->active.w[i] = val.w[i] & mask.w[i];
	}
	return 0;
}

/* ---- session -------------------------------------------------------- */

static void put_header(struct nlmsghdr *nlh, int ifindex, uint32_t flags)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, ETHTOOL_A_COALESCE_HEADER);

	if (ifindex > 0)
		mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX,
				 (uint32_t)ifindex);
	if (flags)
		mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_FLAGS, flags);
	mnl_attr_nest_end(nlh, nest);
}

static struct nlmsghdr *eth_msg(struct eth *eth, uint8_t cmd)
{
	return nl_genl_msg(eth->nl, eth->fam.id, cmd, ETHTOOL_GENL_VERSION, 0);
}

static void init_parse(struct eth *eth, struct eth_parse *p)
{
	memset(p, 0, sizeof(*p));
	p->names = eth->namep;
	p->nnames = eth->nfeat;
}

static int load_strings(struct eth *eth, struct err *e)
{
	struct eth_parse p = { .strings = eth->names };
	struct nlmsghdr *nlh;
	struct nlattr *sets, *set;
	unsigned int i;
	int ret;

	nlh = eth_msg(eth, ETHTOOL_MSG_STRSET_GET);
	put_header(nlh, 0, 0);
	sets = mnl_attr_nest_start(nlh, ETHTOOL_A_STRSET_STRINGSETS);
	set = mnl_attr_nest_start(nlh, ETHTOOL_A_STRINGSETS_STRINGSET);
	mnl_attr_put_u32(nlh, ETHTOOL_A_STRINGSET_ID, ETH_SS_FEATURES);
	mnl_attr_nest_end(nlh, set);
	mnl_attr_nest_end(nlh, sets);
	ret = nl_request(eth->nl, nlh, eth_parse_strset, &p, e);
	if (ret < 0)
		return err_prefix(e, "reading feature names");
	if (p.nstrings == 0)
		return err_set(e, -EBADMSG, "kernel sent no feature names");
	eth->nfeat = p.nstrings;
	for (i = 0; i < eth->nfeat; i++)
		eth->namep[i] = eth->names[i];
	return 0;
}

int eth_open(struct eth **out, struct err *e)
{
	struct eth *eth;
	int ret;

	*out = NULL;
	eth = calloc(1, sizeof(*eth));
	if (!eth)
		return err_set(e, -ENOMEM, "out of memory");
	ret = nl_open(&eth->nl, NETLINK_GENERIC, e);
	if (ret < 0)
		goto fail;
	ret = nl_genl_resolve(eth->nl, ETHTOOL_GENL_NAME,
			      ETHTOOL_MCGRP_MONITOR_NAME, &eth->fam, e);
	if (ret == -ENOENT) {
		ret = err_set(e, -EOPNOTSUPP,
			      "kernel has no ethtool netlink interface (needs Linux 5.6 or later)");
		goto fail;
	}
	if (ret < 0)
		goto fail;
	if (!nl_family_has_op(&eth->fam, ETHTOOL_MSG_STRSET_GET)) {
		ret = err_set(e, -EOPNOTSUPP,
			      "kernel's ethtool netlink has no string sets");
		goto fail;
	}
	ret = load_strings(eth, e);
	if (ret < 0)
		goto fail;
	*out = eth;
	return 0;
fail:
	eth_close(eth);
	return ret;
}

void eth_close(struct eth *eth)
{
	if (!eth)
		return;
	nl_close(eth->nl);
	free(eth);
}

bool eth_kernel_has(const struct eth *eth, enum eth_area area, bool set)
{
	if (area >= ETH_AREA_N)
		return false;
	return nl_family_has_op(&eth->fam, set ? cmds[area].set : cmds[area].get);
}

unsigned int eth_feature_count(const struct eth *eth)
{
	return eth->nfeat;
}

const char *eth_feature_name(const struct eth *eth, unsigned int bit)
{
	return bit < eth->nfeat ? eth->names[bit] : "";
}

int eth_feature_index(const struct eth *eth, const char *name)
{
	int i = name_index(eth->namep, eth->nfeat, name);

	return i < 0 ? -ENOENT : i;
}

int eth_feature_expand(const struct eth *eth, const char *token,
		       struct eth_bits *out)
{
	return eth_feature_expand_names(eth->namep, eth->nfeat, token, out);
}

bool eth_feature_fixed(const struct eth_dev *dev, unsigned int bit)
{
	return bit >= dev->feat.nbits || !eth_bit(&dev->feat.hw, bit) ||
	       eth_bit(&dev->feat.nochange, bit);
}

/* ---- reads and writes ------------------------------------------------ */

static int read_area(struct eth *eth, int ifindex, enum eth_area area,
		     struct eth_dev *out, struct err *e)
{
	struct eth_area_state *st = &out->a[area];
	struct eth_parse p;
	struct nlmsghdr *nlh;
	int ret;

	memset(st, 0, sizeof(*st));
	st->read = true;
	if (area == ETH_FEATURES)
		memset(&out->feat, 0, sizeof(out->feat));
	if (!eth_kernel_has(eth, area, false))
		return 0;
	init_parse(eth, &p);
	p.dev = out;
	nlh = eth_msg(eth, cmds[area].get);
	put_header(nlh, ifindex,
		   area == ETH_FEATURES ? ETHTOOL_FLAG_COMPACT_BITSETS : 0);
	ret = nl_request(eth->nl, nlh,
			 area == ETH_FEATURES ? eth_parse_features :
						eth_parse_params,
			 &p, e);
	if (ret == -EOPNOTSUPP) {
		memset(st, 0, sizeof(*st));
		st->read = true;
		if (area == ETH_FEATURES)
			memset(&out->feat, 0, sizeof(out->feat));
		return 0;
	}
	if (ret < 0)
		return err_prefix(e, "%s", eth_area_name(area));
	st->read = st->supported = true;
	return 0;
}

int eth_dev_read(struct eth *eth, int ifindex, unsigned int mask,
		 struct eth_dev *out, struct err *e)
{
	enum eth_area area;
	int ret;

	if (ifindex <= 0)
		return err_set(e, -EINVAL, "invalid interface index %d", ifindex);
	out->ifindex = ifindex;
	for (area = 0; area < ETH_AREA_N; area++) {
		if (!(mask & ETH_AREA_BIT(area)))
			continue;
		ret = read_area(eth, ifindex, area, out, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int kernel_lacks(enum eth_area area, struct err *e)
{
	return err_set(e, -EOPNOTSUPP, "%s: not supported by this kernel",
		       eth_area_name(area));
}

int eth_features_set(struct eth *eth, int ifindex, const struct eth_bits *mask,
		     const struct eth_bits *value,
		     struct eth_feature_result *res, struct err *e)
{
	struct eth_feature_result dummy;
	struct eth_parse p;
	struct nlmsghdr *nlh;
	unsigned int i;

	if (!eth_kernel_has(eth, ETH_FEATURES, true))
		return kernel_lacks(ETH_FEATURES, e);
	for (i = eth->nfeat; i < ETH_FEAT_MAX; i++)
		if (eth_bit(mask, i))
			return err_set(e, -EINVAL, "feature bit %u out of range", i);
	init_parse(eth, &p);
	p.res = res ? res : &dummy;
	memset(p.res, 0, sizeof(*p.res));
	nlh = eth_msg(eth, ETHTOOL_MSG_FEATURES_SET);
	put_header(nlh, ifindex, ETHTOOL_FLAG_COMPACT_BITSETS);
	eth_bitset_put(nlh, ETHTOOL_A_FEATURES_WANTED, eth->nfeat, value, mask);
	return nl_request(eth->nl, nlh, eth_parse_features_set, &p, e);
}

int eth_params_set(struct eth *eth, int ifindex, const struct eth_change *ch,
		   size_t n, struct err *e)
{
	const struct eth_param *pm;
	const struct nlattr *bad;
	struct nlmsghdr *nlh;
	enum eth_area area;
	bool is_max;
	size_t i;
	int ret;

	if (n == 0)
		return 0;
	area = ch[0].param->area;
	for (i = 0; i < n; i++)
		if (ch[i].param->area != area || area == ETH_FEATURES)
			return err_set(e, -EINVAL, "mixed ethtool areas in one request");
	if (!eth_kernel_has(eth, area, true))
		return kernel_lacks(area, e);
	nlh = eth_msg(eth, cmds[area].set);
	put_header(nlh, ifindex, 0);
	for (i = 0; i < n; i++) {
		if (ch[i].param->type == ETH_BOOL)
			mnl_attr_put_u8(nlh, ch[i].param->attr, ch[i].value != 0);
		else
			mnl_attr_put_u32(nlh, ch[i].param->attr, ch[i].value);
	}
	ret = nl_request(eth->nl, nlh, NULL, NULL, e);
	/* Several parameters share one request: name the one blamed. */
	if (ret < 0 && (bad = nl_err_attr(eth->nl)) &&
	    (pm = param_by_attr(area, mnl_attr_get_type(bad), &is_max)))
		err_prefix(e, "%s", pm->name);
	return ret;
}
