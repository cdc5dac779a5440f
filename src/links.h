/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_LINKS_H
#define PORTTUNE_LINKS_H

#include <stdbool.h>
#include <stddef.h>

#include <net/if.h>

struct err;
struct eth;
struct eth_dev_feat;

struct link {
	char name[IF_NAMESIZE];
	int ifindex;
	char kind[32];		/* IFLA_INFO_KIND: "veth", "tun"; "" physical */
	char driver[32];	/* as ethtool -i prints it; "" if unknown */
};

/*
 * All interfaces of the current network namespace over rtnetlink (not
 * /sys/class/net, which keeps the mounting namespace's view), by ifindex.
 * With drivers, each driver name too (one ioctl per interface; leave it out
 * when nothing matches on drivers). Free *out with free().
 */
int links_list(struct link **out, size_t *n, bool drivers, struct err *e);

/*
 * The same list from one ethtool FEATURES_GET dump, which names every device
 * (no kind): cheaper than the rtnetlink dump, whose statistics and
 * per-family attributes cost the kernel more, and each device's features
 * come with it in *devs (parallel to *out; free() both). Needs
 * FEATURES_GET (5.7).
 */
int links_list_eth(struct eth *eth, bool drivers, struct link **out,
		   size_t *n, struct eth_dev_feat **devs, struct err *e);

/* ETHTOOL_GDRVINFO driver name; -errno when the device has none. */
int links_driver(const char *ifname, char *buf, size_t len);

/*
 * A [nic SELECTOR] section matches: "driver=GLOB" on the driver name,
 * "name=NAME" exactly that interface, anything else a shell glob on the
 * interface name.
 */
bool links_match(const struct link *l, const char *selector);

#endif
