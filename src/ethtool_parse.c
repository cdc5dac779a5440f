// SPDX-License-Identifier: GPL-2.0-or-later
/* ethtool netlink bitsets and reply parsers: no socket, so tests feed them
 * recorded kernel replies. */
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

/* GET/SET request and GET reply commands of each area. */
const struct eth_cmds eth_cmds[ETH_AREA_N] = {
	[ETH_FEATURES] = { ETHTOOL_MSG_FEATURES_GET, ETHTOOL_MSG_FEATURES_SET,
			   ETHTOOL_MSG_FEATURES_GET_REPLY },
	[ETH_COALESCE] = { ETHTOOL_MSG_COALESCE_GET, ETHTOOL_MSG_COALESCE_SET,
			   ETHTOOL_MSG_COALESCE_GET_REPLY },
	[ETH_RINGS] = { ETHTOOL_MSG_RINGS_GET, ETHTOOL_MSG_RINGS_SET,
			ETHTOOL_MSG_RINGS_GET_REPLY },
	[ETH_CHANNELS] = { ETHTOOL_MSG_CHANNELS_GET, ETHTOOL_MSG_CHANNELS_SET,
			   ETHTOOL_MSG_CHANNELS_GET_REPLY },
};

/*
 * libmnl's attribute walk, validation and accessors, inline for what a
 * FEATURES_GET dump decodes per device (header and four bitsets): a library
 * call per step cost more than the decoding. The same checks as libmnl
 * 1.0.4's mnl_attr_ok() and mnl_attr_validate() for U32 and NUL_STRING.
 */
static inline bool attr_ok(const struct nlattr *a, ptrdiff_t left)
{
	return left >= (ptrdiff_t)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       (ptrdiff_t)a->nla_len <= left;
}

static inline const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + MNL_ATTR_HDRLEN;
}

static inline uint16_t attr_len(const struct nlattr *a)
{
	return (uint16_t)(a->nla_len - MNL_ATTR_HDRLEN);
}

static inline uint16_t attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline bool attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (attr_len(a) != sizeof(*v))
		return false;
	memcpy(v, attr_data(a), sizeof(*v));
	return true;
}

static inline const char *attr_str(const struct nlattr *a)
{
	uint16_t len = attr_len(a);

	return len && ((const char *)attr_data(a))[len - 1] == '\0' ?
	       attr_data(a) : NULL;
}

static inline const struct nlattr *attr_next(const struct nlattr *a)
{
	return (const void *)((const char *)a + MNL_ALIGN(a->nla_len));
}

/* Over the attributes from first up to end. */
#define attr_for_each(a, first, end) \
	for ((a) = (const void *)(first); \
	     attr_ok((a), (const char *)(end) - (const char *)(a)); \
	     (a) = attr_next(a))
#define attr_for_each_nested(a, nest) \
	attr_for_each(a, attr_data(nest), \
		      (const char *)(nest) + (nest)->nla_len)
/* Those of a generic netlink message, after its genlmsghdr. */
#define attr_for_each_genl(a, nlh) \
	attr_for_each(a, (const char *)(nlh) + MNL_NLMSG_HDRLEN + \
		      MNL_ALIGN(sizeof(struct genlmsghdr)), \
		      (const char *)(nlh) + MNL_ALIGN((nlh)->nlmsg_len))

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

/* Bits [0, size) set, the rest clear; size <= ETH_FEAT_MAX. */
static void set_all(struct eth_bits *b, unsigned int size)
{
	memset(b, 0, sizeof(*b));
	memset(b->w, 0xff, size / 32 * sizeof(uint32_t));
	if (size % 32)
		b->w[size / 32] = (1u << (size % 32)) - 1;
}

static int copy_words(struct eth_bits *b, const struct nlattr *a,
		      unsigned int size)
{
	size_t need = (size + 31) / 32 * sizeof(uint32_t);

	if (attr_len(a) < need)
		return -EBADMSG;
	memset(b, 0, sizeof(*b));
	memcpy(b->w, attr_data(a), need);
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

	attr_for_each_nested(a, nest) {
		switch (attr_type(a)) {
		case ETHTOOL_A_BITSET_NOMASK:
			nomask = true;
			break;
		case ETHTOOL_A_BITSET_SIZE:
			if (!attr_u32(a, &size))
				return -EBADMSG;
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

/* snprintf "%s" into the name, without its cost: once per device of a dump */
static void copy_name(char (*dst)[IF_NAMESIZE], const char *src)
{
	size_t len = strnlen(src, sizeof(*dst) - 1);

	memcpy(*dst, src, len);
	(*dst)[len] = '\0';
}

static void parse_header(const struct nlattr *nest, struct eth_dev *dev)
{
	const struct nlattr *a;

	attr_for_each_nested(a, nest) {
		uint32_t index;
		const char *name;

		if (attr_type(a) == ETHTOOL_A_HEADER_DEV_INDEX &&
		    attr_u32(a, &index))
			dev->ifindex = (int)index;
		else if (attr_type(a) == ETHTOOL_A_HEADER_DEV_NAME &&
			 (name = attr_str(a)))
			copy_name(&dev->name, name);
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
	attr_for_each_genl(a, nlh) {
		switch (attr_type(a)) {
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

const struct eth_param *eth_param_by_attr(enum eth_area area,
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
		if (eth_cmds[area].reply == genl_cmd(nlh))
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
		pm = eth_param_by_attr(area, type, &is_max);
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

