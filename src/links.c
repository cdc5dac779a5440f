// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "dlib.h"
#include "err.h"
#include "ethtool.h"
#include "links.h"
#include "xalloc.h"

/*
 * libnl-route-3 (with libnl-3) is opened when the rtnetlink list is first
 * needed, not loaded with every start: its loading and constructors cost
 * each start about 0.18 ms, and most commands list links from the ethtool
 * dump (links_list_eth) or not at all.
 */
#define LIBNL_SONAME "libnl-route-3.so.200"

#define LIBNL_FUNCS(X) \
	X(nl_socket_alloc) X(nl_socket_free) X(nl_connect) X(nl_geterror) \
	X(rtnl_link_alloc_cache) X(nl_cache_nitems) X(nl_cache_get_first) \
	X(nl_cache_get_next) X(nl_cache_free) X(rtnl_link_get_type) \
	X(rtnl_link_get_name) X(rtnl_link_get_ifindex)

#define POINTER(name) __typeof__(name) *name;
static struct {
	LIBNL_FUNCS(POINTER)
} lib;

#define ROW(name) { #name, (void **)&lib.name },
static const struct dlib_sym funcs[] = { LIBNL_FUNCS(ROW) };

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

static int nl_err(struct err *e, int nlerr, const char *what)
{
	return err_set(e, -EIO, "rtnetlink: %s: %s", what,
		       lib.nl_geterror(nlerr));
}

int links_list(struct link **out, size_t *n, bool drivers, struct err *e)
{
	static void *handle;
	struct nl_sock *sk;
	struct nl_cache *cache = NULL;
	struct nl_object *obj;
	struct link *v = NULL;
	size_t cnt = 0;
	int ret;

	*out = NULL;
	*n = 0;
	ret = dlib_open(&handle, LIBNL_SONAME, funcs,
			sizeof(funcs) / sizeof(*funcs), "listing links", e);
	if (ret)
		return ret;
	sk = lib.nl_socket_alloc();
	if (!sk)
		return err_set(e, -ENOMEM, "out of memory");
	ret = lib.nl_connect(sk, NETLINK_ROUTE);
	if (ret < 0) {
		ret = nl_err(e, ret, "connect");
		goto out;
	}
	ret = lib.rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
	if (ret < 0) {
		ret = nl_err(e, ret, "listing links");
		goto out;
	}
	v = xrealloc(NULL, ((size_t)lib.nl_cache_nitems(cache) + 1) *
		     sizeof(*v));
	for (obj = lib.nl_cache_get_first(cache); obj;
	     obj = lib.nl_cache_get_next(obj)) {
		struct rtnl_link *l = (struct rtnl_link *)obj;
		const char *kind = lib.rtnl_link_get_type(l);
		struct link *d = &v[cnt++];

		*d = (struct link){ .ifindex = lib.rtnl_link_get_ifindex(l) };
		snprintf(d->name, sizeof(d->name), "%s",
			 lib.rtnl_link_get_name(l));
		snprintf(d->kind, sizeof(d->kind), "%s", kind ? kind : "");
	}
	if (drivers)
		links_fill_drivers(v, cnt);
	qsort(v, cnt, sizeof(*v), by_ifindex);
	*out = v;
	*n = cnt;
	v = NULL;
	ret = 0;
out:
	free(v);
	lib.nl_cache_free(cache);
	lib.nl_socket_free(sk);
	return ret;
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
