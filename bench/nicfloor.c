// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nicfloor - the floor for a NIC apply: what any ethtool-netlink client must
 * do to switch offloads on many interfaces, and nothing else. Resolve the
 * "ethtool" family, fetch the feature names (bit numbers differ between
 * kernels), dump FEATURES_GET once, then one FEATURES_SET per interface that
 * needs a change, each answered by one reply (its error checked, nothing
 * parsed). No snapshot, no lock, no read-back.
 *
 *   nicfloor [-i GLOB] FEATURE=on|off...
 *       FEATURE   a glob over kernel feature names ('tx-tcp*-segmentation')
 *       -i GLOB   interfaces to change (default: all)
 *   Prints the number of interfaces changed.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>

#define WORDS	8
#define MAXBITS	(WORDS * 32)
#define MAXDEV	4096

struct dev {
	int ifindex;
	char name[IFNAMSIZ];
	uint32_t mask[WORDS], value[WORDS];
};

static struct mnl_socket *sock;
static char buf[1 << 16];
static uint32_t seq, portid;
static uint16_t family;
static char names[MAXBITS][ETH_GSTRING_LEN];
static unsigned int nbits;
static uint32_t req_mask[WORDS], req_value[WORDS];
static const char *ifglob;
static struct dev devs[MAXDEV];
static size_t ndev;

static int run_cb(mnl_cb_t cb, void *data)
{
	ssize_t n;
	int ret;

	do {
		n = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static int send_msg(struct nlmsghdr *nlh)
{
	return mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

static struct nlmsghdr *genl(uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			family = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

/* STRSET reply: stringsets > stringset > strings > string {index, value} */
static int strset_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *sets, *set, *strs, *str, *a;

	(void)data;
	mnl_attr_for_each(sets, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(sets) != ETHTOOL_A_STRSET_STRINGSETS)
			continue;
		mnl_attr_for_each_nested(set, sets)
		mnl_attr_for_each_nested(strs, set) {
			if (mnl_attr_get_type(strs) != ETHTOOL_A_STRINGSET_STRINGS)
				continue;
			mnl_attr_for_each_nested(str, strs) {
				uint32_t idx = MAXBITS;
				const char *v = "";

				mnl_attr_for_each_nested(a, str) {
					if (mnl_attr_get_type(a) == ETHTOOL_A_STRING_INDEX)
						idx = mnl_attr_get_u32(a);
					else if (mnl_attr_get_type(a) == ETHTOOL_A_STRING_VALUE)
						v = mnl_attr_get_str(a);
				}
				if (idx >= MAXBITS)
					continue;
				snprintf(names[idx], sizeof(names[idx]), "%s", v);
				if (idx + 1 > nbits)
					nbits = idx + 1;
			}
		}
	}
	return MNL_CB_OK;
}

static void bitset(const struct nlattr *nest, uint32_t *value)
{
	const struct nlattr *a;

	memset(value, 0, WORDS * 4);
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == ETHTOOL_A_BITSET_VALUE) {
			size_t len = mnl_attr_get_payload_len(a);

			memcpy(value, mnl_attr_get_payload(a),
			       len < WORDS * 4 ? len : WORDS * 4);
		}
}

#define BIT(w, i) (((w)[(i) / 32] >> ((i) % 32)) & 1)

static int features_cb(const struct nlmsghdr *nlh, void *data)
{
	uint32_t hw[WORDS] = { 0 }, wanted[WORDS] = { 0 }, nochange[WORDS] = { 0 };
	const struct nlattr *a, *h;
	struct dev d = { 0 };
	bool any = false;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_FEATURES_HEADER:
			mnl_attr_for_each_nested(h, a) {
				if (mnl_attr_get_type(h) == ETHTOOL_A_HEADER_DEV_INDEX)
					d.ifindex = (int)mnl_attr_get_u32(h);
				else if (mnl_attr_get_type(h) == ETHTOOL_A_HEADER_DEV_NAME)
					snprintf(d.name, sizeof(d.name), "%s",
						 mnl_attr_get_str(h));
			}
			break;
		case ETHTOOL_A_FEATURES_HW:
			bitset(a, hw);
			break;
		case ETHTOOL_A_FEATURES_WANTED:
			bitset(a, wanted);
			break;
		case ETHTOOL_A_FEATURES_NOCHANGE:
			bitset(a, nochange);
			break;
		}
	}
	if (ndev == MAXDEV || (ifglob && fnmatch(ifglob, d.name, 0)))
		return MNL_CB_OK;
	/* like ethtool -K: only changeable bits, only where they differ */
	for (unsigned int i = 0; i < nbits; i++) {
		if (!BIT(req_mask, i) || !BIT(hw, i) || BIT(nochange, i) ||
		    BIT(wanted, i) == BIT(req_value, i))
			continue;
		d.mask[i / 32] |= 1u << (i % 32);
		d.value[i / 32] |= req_value[i / 32] & (1u << (i % 32));
		any = true;
	}
	if (any)
		devs[ndev++] = d;
	return MNL_CB_OK;
}

static void put_header(struct nlmsghdr *nlh, const struct dev *d)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_HEADER);

	if (d) {
		mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX, (uint32_t)d->ifindex);
		mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, d->name);
	}
	mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_FLAGS, ETHTOOL_FLAG_COMPACT_BITSETS);
	mnl_attr_nest_end(nlh, n);
}

static int fail(const char *what, int code)
{
	fprintf(stderr, "nicfloor: %s: %s\n", what, strerror(-code));
	return 1;
}

int main(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct nlattr *n1, *n2;
	int opt, ret, one = 1;
	size_t changed = 0;

	while ((opt = getopt(argc, argv, "i:")) != -1) {
		if (opt != 'i') {
			fprintf(stderr, "usage: nicfloor [-i GLOB] FEATURE=on|off...\n");
			return 2;
		}
		ifglob = optarg;
	}
	sock = mnl_socket_open(NETLINK_GENERIC);
	if (!sock || mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return fail("netlink socket", -errno);
	mnl_socket_setsockopt(sock, NETLINK_EXT_ACK, &one, sizeof(one));
	portid = mnl_socket_get_portid(sock);

	nlh = genl(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, ETHTOOL_GENL_NAME);
	if ((ret = send_msg(nlh)) || (ret = run_cb(family_cb, NULL)))
		return fail("resolving ethtool", ret);

	nlh = genl(family, ETHTOOL_MSG_STRSET_GET, NLM_F_ACK);
	put_header(nlh, NULL);
	n1 = mnl_attr_nest_start(nlh, ETHTOOL_A_STRSET_STRINGSETS);
	n2 = mnl_attr_nest_start(nlh, ETHTOOL_A_STRINGSETS_STRINGSET);
	mnl_attr_put_u32(nlh, ETHTOOL_A_STRINGSET_ID, ETH_SS_FEATURES);
	mnl_attr_nest_end(nlh, n2);
	mnl_attr_nest_end(nlh, n1);
	if ((ret = send_msg(nlh)) || (ret = run_cb(strset_cb, NULL)))
		return fail("feature names", ret);

	for (int i = optind; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		unsigned int hits = 0;

		if (!eq || (strcmp(eq, "=on") && strcmp(eq, "=off"))) {
			fprintf(stderr, "nicfloor: %s: not FEATURE=on|off\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		for (unsigned int b = 0; b < nbits; b++) {
			if (!names[b][0] || fnmatch(argv[i], names[b], 0))
				continue;
			req_mask[b / 32] |= 1u << (b % 32);
			if (!strcmp(eq + 1, "on"))
				req_value[b / 32] |= 1u << (b % 32);
			hits++;
		}
		if (!hits) {
			fprintf(stderr, "nicfloor: %s: no such feature\n", argv[i]);
			return 2;
		}
	}

	nlh = genl(family, ETHTOOL_MSG_FEATURES_GET, NLM_F_DUMP);
	put_header(nlh, NULL);
	if ((ret = send_msg(nlh)) || (ret = run_cb(features_cb, NULL)))
		return fail("features dump", ret);

	for (size_t i = 0; i < ndev; i++) {
		struct nlattr *bs;

		/* no NLM_F_ACK: the SET reply (or an error) is the one answer */
		nlh = genl(family, ETHTOOL_MSG_FEATURES_SET, 0);
		put_header(nlh, &devs[i]);
		bs = mnl_attr_nest_start(nlh, ETHTOOL_A_FEATURES_WANTED);
		mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, nbits);
		mnl_attr_put(nlh, ETHTOOL_A_BITSET_VALUE, (nbits + 31) / 32 * 4,
			     devs[i].value);
		mnl_attr_put(nlh, ETHTOOL_A_BITSET_MASK, (nbits + 31) / 32 * 4,
			     devs[i].mask);
		mnl_attr_nest_end(nlh, bs);
		if ((ret = send_msg(nlh)))
			return fail(devs[i].name, ret);
		ret = (int)mnl_socket_recvfrom(sock, buf, sizeof(buf));
		if (ret < 0)
			return fail(devs[i].name, -errno);
		nlh = (struct nlmsghdr *)buf;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *me = mnl_nlmsg_get_payload(nlh);

			if (me->error)
				return fail(devs[i].name, me->error);
		}
		changed++;
	}
	printf("%zu\n", changed);
	mnl_socket_close(sock);
	return 0;
}
