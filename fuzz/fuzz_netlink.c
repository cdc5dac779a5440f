// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: netlink replies as received, through the reply loop of nl.c
 * (NLMSG_ERROR/DONE, extended ACKs) into the ethtool reply parsers and the
 * sock_diag message parser. The first byte picks the parser; the rest is
 * the datagram.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ethtool.h"
#include "nl.h"
#include "sockdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A few real feature names, so verbose bitsets can match by name. */
static const char *const names[] = {
	"tx-scatter-gather", "tx-checksum-ipv4", "tx-checksum-ip-generic",
	"tx-checksum-ipv6", "highdma", "tx-scatter-gather-fraglist",
	"tx-vlan-hw-insert", "rx-vlan-hw-parse", "rx-vlan-filter",
	"vlan-challenged", "tx-generic-segmentation", "tx-lockless",
	"netns-local", "rx-gro", "rx-lro", "tx-tcp-segmentation",
	"", "tx-tcp-ecn-segmentation", NULL, "rx-gro-hw",
};

static int on_sock(const struct nlmsghdr *nlh, void *data, struct err *e)
{
	struct sd_sock s;

	(void)data;
	(void)e;
	sd_parse_msg(nlh, 6, true, &s);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char strings[ETH_FEAT_MAX][32];
	struct eth_feature_result res;
	struct eth_dev dev;
	struct eth_parse p = {
		.names = names, .nnames = sizeof(names) / sizeof(names[0]),
		.dev = &dev, .res = &res, .strings = strings,
	};
	struct err e = { 0 };
	nl_parse_fn fn = NULL;
	void *arg = &p;
	void *buf;

	if (!size)
		return 0;
	switch (data[0] % 6) {
	case 0: fn = eth_parse_features; break;
	case 1: fn = eth_parse_params; break;
	case 2: fn = eth_parse_strset; break;
	case 3: fn = eth_parse_features_set; break;
	case 4: fn = on_sock; arg = NULL; break;
	case 5: fn = NULL; break;	/* the reply loop alone */
	}
	memset(&dev, 0, sizeof(dev));
	/* exactly sized, so ASan sees any read past the datagram */
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		abort();
	memcpy(buf, data + 1, size - 1);
	nl_parse_buf(buf, size - 1, fn, arg, &e);
	free(buf);
	return 0;
}
