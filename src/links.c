// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include "err.h"
#include "ethtool.h"
#include "links.h"
#include "nl.h"
#include "xalloc.h"

/* Any socket reaches dev_ioctl(); AF_INET may be missing, netlink never is. */
static int ioctl_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	return fd;
}

static int driver_fd(int fd, const char *ifname, char *buf, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		return -errno;
	snprintf(buf, len, "%.*s", (int)sizeof(info.driver), info.driver);
	return 0;
}

int links_driver(const char *ifname, char *buf, size_t len)
{
	int fd = ioctl_socket(), ret;

	if (len)
		buf[0] = '\0';
	if (fd < 0)
		return -errno;
	ret = driver_fd(fd, ifname, buf, len);
	close(fd);
	return ret;
}

/* links_driver() for each of v[0..n), over one socket. */
static void links_fill_drivers(struct link *v, size_t n)
{
	int fd = ioctl_socket();

	for (size_t i = 0; i < n && fd >= 0; i++)
		driver_fd(fd, v[i].name, v[i].driver, sizeof(v[i].driver));
	if (fd >= 0)
		close(fd);
}

static int by_ifindex(const void *a, const void *b)
{
	const struct link *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

struct link_list {
	struct link *v;
	size_t n, cap;
};

/* IFLA_LINKINFO { IFLA_INFO_KIND "veth" }: virtual devices name their kind */
static void link_kind(const struct nlattr *info, struct link *d)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, info)
		if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(d->kind, sizeof(d->kind), "%s",
				 mnl_attr_get_str(a));
}

static int on_link(const struct nlmsghdr *nlh, void *data, struct err *e)
{
	struct link_list *l = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct link *d;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return err_set(e, -EBADMSG, "malformed rtnetlink link reply");
	if (l->n == l->cap) {
		l->cap *= 2;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	d = &l->v[l->n++];
	*d = (struct link){ .ifindex = ifi->ifi_index };
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(d->name, sizeof(d->name), "%s",
				 mnl_attr_get_str(a));
		else if (mnl_attr_get_type(a) == IFLA_LINKINFO)
			link_kind(a, d);
	}
	return 0;
}

int links_list(struct link **out, size_t *n, bool drivers, struct err *e)
{
	struct link_list l = { .cap = 16 };
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nl *nl;
	int ret;

	*out = NULL;
	*n = 0;
	ret = nl_open(&nl, NETLINK_ROUTE, e);
	if (ret < 0)
		return err_prefix(e, "rtnetlink");
	l.v = xrealloc(NULL, l.cap * sizeof(*l.v));
	nlh = nl_msg(nl, RTM_GETLINK, NLM_F_DUMP);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ret = nl_request(nl, nlh, on_link, &l, e);
	nl_close(nl);
	if (ret < 0) {
		free(l.v);
		return err_prefix(e, "rtnetlink: listing links");
	}
	if (drivers)
		links_fill_drivers(l.v, l.n);
	qsort(l.v, l.n, sizeof(*l.v), by_ifindex);
	*out = l.v;
	*n = l.n;
	return 0;
}

int links_list_eth(struct eth *eth, bool drivers, struct link **out,
		   size_t *n, struct eth_dev_feat **devs, struct err *e)
{
	struct link *v;
	size_t cnt;
	int ret;

	*out = NULL;
	*n = 0;
	ret = eth_dump_all(eth, devs, &cnt, e);
	if (ret)
		return ret;
	v = calloc(cnt + 1, sizeof(*v));
	if (!v)
		abort();
	/* the reply's name is NUL-terminated in a buffer of the same size */
	_Static_assert(sizeof(v->name) == sizeof((*devs)->name), "name sizes");
	for (size_t i = 0; i < cnt; i++) {
		memcpy(v[i].name, (*devs)[i].name, sizeof(v[i].name));
		v[i].ifindex = (*devs)[i].ifindex;
	}
	if (drivers)
		links_fill_drivers(v, cnt);
	*out = v;
	*n = cnt;
	return 0;
}

/*
 * fnmatch(pattern, s, 0) without its cost where a string compare is the
 * same thing: a pattern with no special character, or with one '*' only
 * at its end ("eth*"). porttune never calls setlocale(), so fnmatch
 * compares bytes too.
 */
static bool glob_match(const char *pattern, const char *s)
{
	size_t n = strcspn(pattern, "*?[\\");

	if (!pattern[n])
		return !strcmp(pattern, s);
	if (pattern[n] == '*' && !pattern[n + 1])
		return !strncmp(pattern, s, n);
	return fnmatch(pattern, s, 0) == 0;
}

bool links_match(const struct link *l, const char *selector)
{
	if (!strncmp(selector, "driver=", 7))
		return l->driver[0] && glob_match(selector + 7, l->driver);
	/* exact, for snapshots: an interface name may hold glob characters */
	if (!strncmp(selector, "name=", 5))
		return !strcmp(selector + 5, l->name);
	return glob_match(selector, l->name);
}
