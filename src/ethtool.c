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
#include "xalloc.h"

struct eth {
	struct nl *nl;
	struct nl_family fam;
	unsigned int nfeat;
	unsigned int hint;	/* where eth_feature_index() looks first */
	char names[ETH_FEAT_MAX][ETH_GSTRING_LEN];
	const char *namep[ETH_FEAT_MAX];
	uint8_t byname[ETH_FEAT_MAX];	/* named bits, sorted by name */
	unsigned int nbyname;		/* 0: not sorted yet */
};


struct nl *eth_nl(struct eth *eth)
{
	return eth->nl;
}

/* ---- session -------------------------------------------------------- */

/*
 * With both index and name the kernel refuses (ENODEV) a device whose name
 * is no longer the one given: a SET cannot reach a renamed or recreated one.
 */
static void put_header(struct nlmsghdr *nlh, int ifindex, const char *name,
		       uint32_t flags)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, ETHTOOL_A_COALESCE_HEADER);

	if (ifindex > 0)
		mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX,
				 (uint32_t)ifindex);
	if (name && *name)
		mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, name);
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
	put_header(nlh, 0, NULL, 0);
	sets = mnl_attr_nest_start(nlh, ETHTOOL_A_STRSET_STRINGSETS);
	set = mnl_attr_nest_start(nlh, ETHTOOL_A_STRINGSETS_STRINGSET);
	mnl_attr_put_u32(nlh, ETHTOOL_A_STRINGSET_ID, ETH_SS_FEATURES);
	mnl_attr_nest_end(nlh, set);
	mnl_attr_nest_end(nlh, sets);
	ret = nl_request_one(eth->nl, nlh, eth_parse_strset, &p, e);
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
	return nl_family_has_op(&eth->fam, set ? eth_cmds[area].set : eth_cmds[area].get);
}

unsigned int eth_feature_count(const struct eth *eth)
{
	return eth->nfeat;
}

const char *eth_feature_name(const struct eth *eth, unsigned int bit)
{
	return bit < eth->nfeat ? eth->names[bit] : "";
}

static int by_name(const void *a, const void *b, void *names)
{
	const char (*n)[ETH_GSTRING_LEN] = names;

	return strcmp(n[*(const uint8_t *)a], n[*(const uint8_t *)b]);
}

int eth_feature_index(struct eth *eth, const char *name)
{
	unsigned int lo = 0, hi;

	_Static_assert(ETH_FEAT_MAX <= 256, "a bit number fits in byname[]");
	/* lookups come in bit order, a device's after another's: the next
	 * bit is the likely one, else a binary search (a scan from there
	 * cost a strcmp per bit between one device's last and the next's
	 * first: 15,000 for 256 veths) */
	if (eth->hint < eth->nfeat && eth->names[eth->hint][0] &&
	    !strcmp(eth->names[eth->hint], name))
		return (int)eth->hint++;
	if (!eth->nbyname) {
		for (unsigned int b = 0; b < eth->nfeat; b++)
			if (eth->names[b][0])
				eth->byname[eth->nbyname++] = (uint8_t)b;
		qsort_r(eth->byname, eth->nbyname, 1, by_name, eth->names);
	}
	hi = eth->nbyname;
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2, b = eth->byname[mid];
		int d = strcmp(eth->names[b], name);

		if (!d) {
			eth->hint = b + 1;
			return (int)b;
		}
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -ENOENT;
}

int eth_feature_expand(const struct eth *eth, const char *token,
		       struct eth_bits *out)
{
	return eth_feature_expand_names(eth->namep, eth->nfeat, token, out);
}

bool eth_feature_fixed(const struct eth_features *f, unsigned int bit)
{
	return bit >= f->nbits || !eth_bit(&f->hw, bit) ||
	       eth_bit(&f->nochange, bit);
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
	nlh = eth_msg(eth, eth_cmds[area].get);
	put_header(nlh, ifindex, NULL,
		   area == ETH_FEATURES ? ETHTOOL_FLAG_COMPACT_BITSETS : 0);
	ret = nl_request_one(eth->nl, nlh,
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

struct dump {
	struct eth_parse p;
	enum eth_area area;
	struct eth_dev *devs;
	size_t n;
};

static int by_ifindex(const void *key, const void *elem)
{
	int k = *(const int *)key, i = ((const struct eth_dev *)elem)->ifindex;

	return (k > i) - (k < i);
}

static int by_ifindex_feat(const void *a, const void *b)
{
	int x = ((const struct eth_dev_feat *)a)->ifindex;
	int y = ((const struct eth_dev_feat *)b)->ifindex;

	return (x > y) - (x < y);
}

static bool sorted_feat(const struct eth_dev_feat *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i - 1].ifindex > v[i].ifindex)
			return false;
	return true;
}

static int dump_cb(const struct nlmsghdr *nlh, void *data, struct err *e)
{
	struct dump *d = data;
	const struct nlattr *a, *h;
	int ifindex = 0, ret;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != ETHTOOL_A_FEATURES_HEADER)
			continue;
		mnl_attr_for_each_nested(h, a)
			if (mnl_attr_get_type(h) == ETHTOOL_A_HEADER_DEV_INDEX &&
			    !mnl_attr_validate(h, MNL_TYPE_U32))
				ifindex = (int)mnl_attr_get_u32(h);
	}
	d->p.dev = bsearch(&ifindex, d->devs, d->n, sizeof(*d->devs),
			   by_ifindex);
	if (!d->p.dev)
		return 0;	/* a device nobody asked about */
	if (d->area == ETH_FEATURES)
		ret = eth_parse_features(nlh, &d->p, e);
	else
		ret = eth_parse_params(nlh, &d->p, e);
	d->p.dev->a[d->area].read = d->p.dev->a[d->area].supported = true;
	return ret;
}

int eth_dump(struct eth *eth, enum eth_area area, struct eth_dev *devs,
	     size_t n, struct err *e)
{
	struct dump d = { .area = area, .devs = devs, .n = n };
	struct nlmsghdr *nlh;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		memset(&devs[i].a[area], 0, sizeof(devs[i].a[area]));
		devs[i].a[area].read = true;
		if (area == ETH_FEATURES)
			memset(&devs[i].feat, 0, sizeof(devs[i].feat));
	}
	if (!eth_kernel_has(eth, area, false))
		return 0;
	init_parse(eth, &d.p);
	nlh = nl_genl_msg(eth->nl, eth->fam.id, eth_cmds[area].get,
			  ETHTOOL_GENL_VERSION, NLM_F_DUMP);
	put_header(nlh, 0, NULL,
		   area == ETH_FEATURES ? ETHTOOL_FLAG_COMPACT_BITSETS : 0);
	ret = nl_request(eth->nl, nlh, dump_cb, &d, e);
	if (ret < 0)
		return err_prefix(e, "%s", eth_area_name(area));
	return 0;
}

static int kernel_lacks(enum eth_area area, struct err *e)
{
	return err_set(e, -EOPNOTSUPP, "%s: not supported by this kernel",
		       eth_area_name(area));
}

struct dump_all {
	struct eth_parse p;
	struct eth_dev one;	/* the parser's: only head and features used */
	struct eth_dev_feat *devs;
	size_t n, cap;
};

static int dump_all_cb(const struct nlmsghdr *nlh, void *data, struct err *e)
{
	struct dump_all *d = data;
	struct eth_dev *one = &d->one;
	int ret;

	/* room for 256 devices at first (39 KiB, pages untouched until used) */
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->devs = xrealloc(d->devs, d->cap * sizeof(*d->devs));
	}
	one->ifindex = 0;
	one->name[0] = '\0';
	d->p.dev = one;
	ret = eth_parse_features(nlh, &d->p, e);
	if (ret < 0)
		return ret;
	if (one->ifindex <= 0 || !one->name[0])
		return err_set(e, -EBADMSG, "features dump: a reply names no "
			       "device");
	d->devs[d->n].ifindex = one->ifindex;
	memcpy(d->devs[d->n].name, one->name, sizeof(one->name));
	d->devs[d->n].feat = one->feat;
	d->n++;
	return 0;
}

int eth_dump_all(struct eth *eth, struct eth_dev_feat **out, size_t *n,
		 struct err *e)
{
	struct dump_all d = { 0 };
	struct nlmsghdr *nlh;
	int ret;

	*out = NULL;
	*n = 0;
	if (!eth_kernel_has(eth, ETH_FEATURES, false))
		return kernel_lacks(ETH_FEATURES, e);
	init_parse(eth, &d.p);
	nlh = nl_genl_msg(eth->nl, eth->fam.id, ETHTOOL_MSG_FEATURES_GET,
			  ETHTOOL_GENL_VERSION, NLM_F_DUMP);
	put_header(nlh, 0, NULL, ETHTOOL_FLAG_COMPACT_BITSETS);
	ret = nl_request(eth->nl, nlh, dump_all_cb, &d, e);
	if (ret < 0) {
		free(d.devs);
		return err_prefix(e, "%s", eth_area_name(ETH_FEATURES));
	}
	/* the kernel dumps in ifindex order: sorting sorted 150-byte
	 * entries cost a 40 kB copy and 250,000 instructions */
	if (!sorted_feat(d.devs, d.n))
		qsort(d.devs, d.n, sizeof(*d.devs), by_ifindex_feat);
	*out = d.devs;
	*n = d.n;
	return 0;
}

_Static_assert(ETH_BATCH_MAX <= NL_BATCH_MAX, "a datagram's worth of SETs");

/* The bits of word w from bit n on. */
static uint32_t bits_from(unsigned int w, unsigned int n)
{
	if (n <= w * 32)
		return ~0u;
	return n >= (w + 1) * 32 ? 0 : ~0u << (n % 32);
}

int eth_features_set(struct eth *eth, struct eth_feature_req *v, size_t n,
		     size_t *sent, struct err *e)
{
	struct eth_parse p[ETH_BATCH_MAX];
	struct err errs[ETH_BATCH_MAX];
	void *data[ETH_BATCH_MAX];
	int codes[ETH_BATCH_MAX], rc;

	*sent = 0;
	if (n > ETH_BATCH_MAX)
		return err_set(e, -E2BIG, "%zu feature requests for one "
			       "datagram", n);
	if (!eth_kernel_has(eth, ETH_FEATURES, true))
		return kernel_lacks(ETH_FEATURES, e);
	for (size_t k = 0; k < n; k++)
		for (unsigned int w = 0; w < ETH_FEAT_WORDS; w++) {
			uint32_t bad = v[k].mask.w[w] & bits_from(w, eth->nfeat);

			if (bad)
				return err_set(e, -EINVAL, "feature bit %u out "
					       "of range",
					       w * 32 + __builtin_ctz(bad));
		}
	for (size_t k = 0; k < n; k++) {
		struct nlmsghdr *nlh = nl_batch_genl_msg(eth->nl, eth->fam.id,
						ETHTOOL_MSG_FEATURES_SET,
						ETHTOOL_GENL_VERSION, 0);

		/* never NULL: n <= ETH_BATCH_MAX, each under 200 bytes */
		put_header(nlh, v[k].ifindex, v[k].ifname,
			   ETHTOOL_FLAG_COMPACT_BITSETS);
		eth_bitset_put(nlh, ETHTOOL_A_FEATURES_WANTED, eth->nfeat,
			       &v[k].value, &v[k].mask);
		init_parse(eth, &p[k]);
		p[k].res = &v[k].res;
		memset(&v[k].res, 0, sizeof(v[k].res));
		errs[k].code = 0;
		errs[k].msg[0] = '\0';
		data[k] = &p[k];
	}
	*sent = n;
	/* the reply is the diff; it comes unless ETHTOOL_FLAG_OMIT_REPLY */
	rc = nl_batch_run(eth->nl, eth_parse_features_set, data, errs, codes,
			  e);
	for (size_t k = 0; !rc && k < n; k++) {
		v[k].code = codes[k];
		v[k].e = errs[k];
	}
	return rc;
}

int eth_params_set(struct eth *eth, int ifindex, const char *ifname,
		   const struct eth_change *ch, size_t n, struct err *e)
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
	nlh = eth_msg(eth, eth_cmds[area].set);
	put_header(nlh, ifindex, ifname, 0);
	for (i = 0; i < n; i++) {
		if (ch[i].param->type == ETH_BOOL)
			mnl_attr_put_u8(nlh, ch[i].param->attr, ch[i].value != 0);
		else
			mnl_attr_put_u32(nlh, ch[i].param->attr, ch[i].value);
	}
	ret = nl_request(eth->nl, nlh, NULL, NULL, e);
	/* Several parameters share one request: name the one blamed. */
	if (ret < 0 && (bad = nl_err_attr(eth->nl)) &&
	    (pm = eth_param_by_attr(area, mnl_attr_get_type(bad), &is_max)))
		err_prefix(e, "%s", pm->name);
	return ret;
}
