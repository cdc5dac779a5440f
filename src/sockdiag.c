// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>

#include <libmnl/libmnl.h>

#include "kernel_tcp.h"
#include "nl.h"
#include "procmap.h"
#include "sockdiag.h"

#define MAX_BITMAPS 512		/* per table: caps port-set memory at ~4 MiB */

static const char *const state_names[SD_NSTATES][2] = {
	[SD_ESTABLISHED] = { "ESTABLISHED", "established" },
	[SD_SYN_SENT] = { "SYN_SENT", "syn_sent" },
	[SD_SYN_RECV] = { "SYN_RECV", "syn_recv" },
	[SD_FIN_WAIT1] = { "FIN_WAIT1", "fin_wait1" },
	[SD_FIN_WAIT2] = { "FIN_WAIT2", "fin_wait2" },
	[SD_TIME_WAIT] = { "TIME_WAIT", "time_wait" },
	[SD_CLOSE] = { "CLOSE", "close" },
	[SD_CLOSE_WAIT] = { "CLOSE_WAIT", "close_wait" },
	[SD_LAST_ACK] = { "LAST_ACK", "last_ack" },
	[SD_LISTEN] = { "LISTEN", "listen" },
	[SD_CLOSING] = { "CLOSING", "closing" },
	[SD_NEW_SYN_RECV] = { "NEW_SYN_RECV", "new_syn_recv" },
	[SD_BOUND_INACTIVE] = { "BOUND_INACTIVE", "bound_inactive" },
};

const char *sd_state_name(unsigned state)
{
	return state && state < SD_NSTATES ? state_names[state][0] : "UNKNOWN";
}

const char *sd_state_key(unsigned state)
{
	return state && state < SD_NSTATES ? state_names[state][1] : "unknown";
}

/*
 * Open addressing over a dense array of entries (what res->dest... show);
 * slots hold index + 1. Keys are the leading ksz bytes of an entry.
 */
struct tab {
	void *v;
	size_t n, cap, esz, ksz;
	uint32_t *slot;
	size_t nslot, last;	/* last: index + 1 of the latest hit */
	uint64_t **bits;	/* optional per-entry port set over the range */
	size_t nbits;
};

#define TIMEWAIT_MS TCP_TIMEWAIT_MS

struct sd_priv {
	struct tab dest, local, proc, cgroup;
	const struct procmap *pm;
	struct procmap *own_pm;
	struct portset reserved;
	uint64_t *used;		/* ephemeral ports in use, over the range */
	size_t words;		/* of one range bitmap */
	unsigned flags;
};

static uint64_t hash_key(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = len * 0x9E3779B97F4A7C15ull, w;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	for (; len >= 4; len -= 4, p += 4) {	/* every key size is a multiple of 4 */
		uint32_t v;

		memcpy(&v, p, 4);
		h = (h ^ v) * 0x94d049bb133111ebull;
	}
	return h ^ h >> 29;
}

static int tab_rehash(struct tab *t, size_t nslot)
{
	uint32_t *s = calloc(nslot, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		size_t j = hash_key((char *)t->v + i * t->esz, t->ksz) & (nslot - 1);

		while (s[j])
			j = (j + 1) & (nslot - 1);
		s[j] = (uint32_t)(i + 1);
	}
	free(t->slot);
	t->slot = s;
	t->nslot = nslot;
	return 0;
}

/* Find or insert (zeroed) the entry with this key; *idx gets its index. */
static void *tab_get(struct tab *t, const void *key, size_t *idx)
{
	size_t j;
	char *e;

	/* Runs of sockets share a local address or owner: try the last hit first. */
	if (t->last && !memcmp((e = (char *)t->v + (t->last - 1) * t->esz), key, t->ksz)) {
		*idx = t->last - 1;
		return e;
	}
	if ((t->n + 1) * 4 > t->nslot * 3 && tab_rehash(t, t->nslot ? t->nslot * 2 : 64) < 0)
		return NULL;
	for (j = hash_key(key, t->ksz) & (t->nslot - 1); t->slot[j]; j = (j + 1) & (t->nslot - 1)) {
		e = (char *)t->v + (t->slot[j] - 1) * t->esz;
		if (!memcmp(e, key, t->ksz)) {
			*idx = t->slot[j] - 1;
			t->last = t->slot[j];
			return e;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		void *v = realloc(t->v, cap * t->esz);
		uint64_t **b = realloc(t->bits, cap * sizeof(*b));

		if (b)
			t->bits = b;
		if (!v || !b) {
			if (v)
				t->v = v;
			return NULL;
		}
		t->v = v;
		memset(b + t->cap, 0, (cap - t->cap) * sizeof(*b));
		t->cap = cap;
	}
	e = (char *)t->v + t->n * t->esz;
	memset(e, 0, t->esz);
	memcpy(e, key, t->ksz);
	t->slot[j] = (uint32_t)(t->n + 1);
	t->last = t->slot[j];
	*idx = t->n++;
	return e;
}

/* 1: port newly added to entry idx's set, 0: already there, -1: untracked. */
static int tab_port(struct tab *t, size_t idx, unsigned off, size_t words)
{
	uint64_t *b = t->bits[idx];

	if (!b) {
		if (t->nbits >= MAX_BITMAPS || !(b = calloc(words, sizeof(*b))))
			return -1;
		t->bits[idx] = b;
		t->nbits++;
	}
	if (b[off / 64] >> (off % 64) & 1)
		return 0;
	b[off / 64] |= 1ull << (off % 64);
	return 1;
}

static void tab_free(struct tab *t)
{
	for (size_t i = 0; t->bits && i < t->n; i++)
		free(t->bits[i]);
	free(t->bits);
	free(t->slot);
	free(t->v);
}

/* Publish the tables in res (their arrays move when they grow). */
static void sync_tabs(struct sd_result *res)
{
	struct sd_priv *p = res->priv;

	res->dest = p->dest.v;
	res->ndest = p->dest.n;
	res->local = p->local.v;
	res->nlocal = p->local.n;
	res->proc = p->proc.v;
	res->nproc = p->proc.n;
	res->cgroup = p->cgroup.v;
	res->ncgroup = p->cgroup.n;
}

int sd_result_init(struct sd_result *res, const struct sd_request *req)
{
	struct sd_priv *p;

	memset(res, 0, sizeof(*res));
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	res->priv = p;
	res->port_lo = req->port_lo;
	res->port_hi = req->port_hi;
	res->recent_ms = req->recent_ms;
	res->tw_aged_ms = req->tw_aged_ms;
	res->range_size = req->port_hi >= req->port_lo ? req->port_hi - req->port_lo + 1u : 0;
	p->words = (res->range_size + 63) / 64 + 1;
	p->flags = req->flags;
	p->pm = req->procs;
	p->used = calloc(p->words, sizeof(uint64_t));
	if (!p->used)
		return -ENOMEM;
	if (req->reserved) {
		p->reserved = *req->reserved;
		res->reserved_in_range = portset_count(req->reserved, req->port_lo, req->port_hi);
	}
	p->dest = (struct tab){ .esz = sizeof(struct sd_dest),
				.ksz = offsetof(struct sd_dest, used) };
	p->local = (struct tab){ .esz = sizeof(struct sd_local),
				 .ksz = offsetof(struct sd_local, sockets) };
	p->proc = (struct tab){ .esz = sizeof(struct sd_proc), .ksz = sizeof(int) };
	p->cgroup = (struct tab){ .esz = sizeof(struct sd_cgroup), .ksz = sizeof(uint64_t) };
	return 0;
}

void sd_result_free(struct sd_result *res)
{
	struct sd_priv *p = res->priv;

	if (!p)
		return;
	for (size_t i = 0; i < res->ncgroup; i++)
		free(res->cgroup[i].path);
	tab_free(&p->dest);
	tab_free(&p->local);
	tab_free(&p->proc);
	tab_free(&p->cgroup);
	procmap_free(p->own_pm);
	free(p->used);
	free(p);
	memset(res, 0, sizeof(*res));
}

static bool is_v4mapped(const uint8_t *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, pfx, 12);
}

/* A v6 socket talking to a v4-mapped peer uses the IPv4 tuple space. */
static void fold_v4mapped(struct sd_sock *s)
{
	static const uint8_t any[16];

	if (s->family != AF_INET6 || !is_v4mapped(s->dst) ||
	    !(is_v4mapped(s->src) || !memcmp(s->src, any, 16)))
		return;
	s->family = AF_INET;
	memmove(s->src, s->src + 12, 4);
	memmove(s->dst, s->dst + 12, 4);
	memset(s->src + 4, 0, 12);
	memset(s->dst + 4, 0, 12);
}

static int count_local(struct sd_result *res, const struct sd_sock *s, unsigned off)
{
	struct sd_priv *p = res->priv;
	struct sd_local key = { .family = s->family, .proto = s->proto }, *l;
	size_t idx;
	int r;

	memcpy(key.addr, s->src, s->family == AF_INET ? 4 : 16);
	l = tab_get(&p->local, &key, &idx);
	if (!l)
		return -ENOMEM;
	l->sockets++;
	r = tab_port(&p->local, idx, off, p->words);
	l->ports += r == 1;
	return 0;
}

static int attribute(struct sd_result *res, const struct sd_sock *s, bool eph, unsigned off)
{
	struct sd_priv *p = res->priv;
	const char *comm;
	size_t idx;
	int pid;

	if (p->flags & SD_PROCS) {
		if (s->inode && procmap_lookup(p->pm, s->inode, &pid, &comm)) {
			struct sd_proc *pr = tab_get(&p->proc, &pid, &idx);
			int r;

			if (!pr)
				return -ENOMEM;
			if (!pr->comm[0])
				snprintf(pr->comm, sizeof(pr->comm), "%s", comm);
			pr->sockets++;
			if (eph) {
				pr->ephemeral++;
				r = tab_port(&p->proc, idx, off, p->words);
				pr->ports += r == 1;
				res->proc_ports_partial |= r < 0;
			}
		} else if (s->inode) {
			res->proc_unreadable++;
		} else {
			res->proc_unattributed++;
		}
	}
	if (p->flags & SD_CGROUPS) {
		struct sd_cgroup *cg;

		if (!s->cgroup) {
			res->cgroup_unattributed++;
			return 0;
		}
		cg = tab_get(&p->cgroup, &s->cgroup, &idx);
		if (!cg)
			return -ENOMEM;
		cg->sockets++;
		cg->ephemeral += eph;
	}
	return 0;
}

static int feed(struct sd_result *res, const struct sd_sock *in)
{
	struct sd_priv *p = res->priv;
	struct sd_sock s = *in;
	bool in_range = s.sport >= res->port_lo && s.sport <= res->port_hi && s.sport;
	unsigned off = in_range ? s.sport - res->port_lo : 0;
	unsigned st = s.state < SD_NSTATES ? s.state : 0;
	bool eph = false;

	fold_v4mapped(&s);
	if (s.proto == IPPROTO_UDP) {
		res->udp_total++;
		*(s.family == AF_INET ? &res->udp4 : &res->udp6) += 1;
		if (in_range) {
			eph = true;
			res->udp_ephemeral++;
			if (count_local(res, &s, off) < 0)
				return -ENOMEM;
		}
		return attribute(res, &s, eph, off);
	}
	res->tcp_total++;
	res->tcp_state[st]++;
	*(s.family == AF_INET ? &res->tcp4 : &res->tcp6) += 1;
	if (st == SD_LISTEN || st == SD_CLOSE || st == SD_BOUND_INACTIVE) {
		/* connect() skips a port any socket listens on or bind()-ed, on any address */
		if (s.sport) {
			portset_add(&res->bound, s.sport);
			if (st == SD_LISTEN)
				portset_add(&res->listening, s.sport);
		}
		if (in_range)
			*(st == SD_LISTEN ? &res->listen_in_range : &res->bound_only_in_range) += 1;
	} else if (!in_range) {
		res->tcp_outside_range++;
	} else if (portset_has(&res->bound, s.sport)) {
		res->tcp_on_bound_port++;
	} else {
		struct sd_dest key = { .family = s.family, .dport = s.dport }, *d;
		size_t idx;

		eph = true;
		res->tcp_ephemeral++;
		if (!(p->used[off / 64] >> (off % 64) & 1)) {
			p->used[off / 64] |= 1ull << (off % 64);
			res->tcp_ports_used++;
		}
		memcpy(key.src, s.src, 16);
		memcpy(key.dst, s.dst, 16);
		d = tab_get(&p->dest, &key, &idx);
		if (!d)
			return -ENOMEM;
		d->used++;
		d->state[st]++;
		if (st == SD_TIME_WAIT && res->recent_ms &&
		    (uint64_t)s.expires + res->recent_ms > TIMEWAIT_MS) {
			d->tw_recent++;
			res->tw_recent++;
		}
		/* age = TCP_TIMEWAIT_LEN - time left on the timer */
		if (st == SD_TIME_WAIT && res->tw_aged_ms &&
		    (uint64_t)s.expires + res->tw_aged_ms < TIMEWAIT_MS)
			d->tw_aged++;
		if (count_local(res, &s, off) < 0)
			return -ENOMEM;
	}
	return attribute(res, &s, eph, off);
}

int sd_feed(struct sd_result *res, const struct sd_sock *s)
{
	int ret = feed(res, s);

	sync_tabs(res);
	return ret;
}

void sd_finish(struct sd_result *res)
{
	const struct portset *rsv = &res->priv->reserved;

	/* A reserved port that is also bound is subtracted once, as reserved. */
	res->bound_in_range = res->held_by_listeners = res->held_by_bound = 0;
	for (unsigned port = res->port_lo; res->range_size && port <= res->port_hi; port++) {
		if (!portset_has(&res->bound, port) || portset_has(rsv, port))
			continue;
		res->bound_in_range++;
		if (portset_has(&res->listening, port))
			res->held_by_listeners++;
		else
			res->held_by_bound++;
	}
	res->p_eff = res->range_size > res->reserved_in_range + res->bound_in_range
			     ? res->range_size - res->reserved_in_range - res->bound_in_range : 0;
}

/* Descending; callers chain ties with GNU ?: */
static int desc(uint64_t a, uint64_t b)
{
	return (a < b) - (a > b);
}

static int cmp_dest(const void *a, const void *b)
{
	const struct sd_dest *x = *(const struct sd_dest *const *)a, *y = *(const struct sd_dest *const *)b;

	return desc(x->used, y->used) ?: memcmp(x, y, offsetof(struct sd_dest, used));
}

static int cmp_proc(const void *a, const void *b)
{
	const struct sd_proc *x = *(const struct sd_proc *const *)a, *y = *(const struct sd_proc *const *)b;

	return desc(x->ephemeral, y->ephemeral) ?: desc(x->sockets, y->sockets) ?:
	       -desc((unsigned)x->pid, (unsigned)y->pid);
}

static int cmp_cgroup(const void *a, const void *b)
{
	const struct sd_cgroup *x = *(const struct sd_cgroup *const *)a;
	const struct sd_cgroup *y = *(const struct sd_cgroup *const *)b;

	return desc(x->ephemeral, y->ephemeral) ?: desc(x->sockets, y->sockets) ?: -desc(x->id, y->id);
}

/* Sort pointers to all entries (memory per entry, not per socket); keep n. */
static size_t top(const void *v, size_t cnt, size_t esz, const void **out, size_t n,
		  int (*cmp)(const void *, const void *))
{
	const void **all = cnt ? malloc(cnt * sizeof(*all)) : NULL;

	if (!all)
		return 0;
	for (size_t i = 0; i < cnt; i++)
		all[i] = (const char *)v + i * esz;
	qsort(all, cnt, sizeof(*all), cmp);
	if (n > cnt)
		n = cnt;
	memcpy(out, all, n * sizeof(*all));
	free(all);
	return n;
}

size_t sd_top_dests(const struct sd_result *res, const struct sd_dest **out, size_t n)
{
	return top(res->dest, res->ndest, sizeof(*res->dest), (const void **)out, n, cmp_dest);
}

size_t sd_top_procs(const struct sd_result *res, const struct sd_proc **out, size_t n)
{
	return top(res->proc, res->nproc, sizeof(*res->proc), (const void **)out, n, cmp_proc);
}

size_t sd_top_cgroups(const struct sd_result *res, const struct sd_cgroup **out, size_t n)
{
	return top(res->cgroup, res->ncgroup, sizeof(*res->cgroup), (const void **)out, n,
		   cmp_cgroup);
}

int sd_parse_msg(const struct nlmsghdr *h, uint8_t proto, bool want_cg, struct sd_sock *s)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return -EBADMSG;
	s->family = m->idiag_family;
	s->proto = proto;
	s->state = m->idiag_state;
	s->sport = ntohs(m->id.idiag_sport);
	s->dport = ntohs(m->id.idiag_dport);
	memcpy(s->src, m->id.idiag_src, 16);
	memcpy(s->dst, m->id.idiag_dst, 16);
	if (s->family == AF_INET) {
		memset(s->src + 4, 0, 12);
		memset(s->dst + 4, 0, 12);
	}
	s->inode = m->idiag_inode;
	s->expires = m->idiag_expires;
	s->cgroup = 0;
	if (want_cg) {
		/* Sent unasked with every full socket (5.8+); absent on TIME_WAIT. */
		const char *p = (const char *)m + NLMSG_ALIGN(sizeof(*m));
		size_t left = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));

		/* Not RTA_NEXT(): over an unaligned last attribute its unsigned
		 * length wraps and the walk reads past the message. */
		while (left >= sizeof(struct rtattr)) {
			const struct rtattr *a = (const void *)p;
			size_t step = RTA_ALIGN((size_t)a->rta_len);

			if (a->rta_len < sizeof(*a) || a->rta_len > left)
				break;
			if (a->rta_type == INET_DIAG_CGROUP_ID && RTA_PAYLOAD(a) >= 8)
				memcpy(&s->cgroup, RTA_DATA(a), 8);
			if (step >= left)
				break;
			p += step;
			left -= step;
		}
	}
	return 0;
}

struct dump_ctx {
	struct sd_result *res;
	uint8_t proto;
};

/* nl_parse_fn: one socket of the dump into the aggregation. */
static int on_sock(const struct nlmsghdr *h, void *data, struct err *e)
{
	struct dump_ctx *c = data;
	struct sd_sock s;
	int ret;

	/* a reply carries the request's type (see dump_tcp) */
	if ((h->nlmsg_type != SOCK_DIAG_BY_FAMILY &&
	     h->nlmsg_type != TCPDIAG_GETSOCK) ||
	    sd_parse_msg(h, c->proto, c->res->priv->flags & SD_CGROUPS, &s) < 0)
		return 0;
	ret = sd_feed(c->res, &s);
	return ret < 0 ? err_set(e, ret, "sock_diag: out of memory") : 0;
}

/* One NLM_F_DUMP through the netlink module; feeds every socket. */
static int dump(struct nl *nl, struct sd_result *res, int family, uint8_t proto,
		uint32_t states, struct err *e)
{
	struct nlmsghdr *nlh = nl_msg(nl, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP);
	struct inet_diag_req_v2 *r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));
	struct dump_ctx c = { res, proto };

	r->sdiag_family = (uint8_t)family;
	r->sdiag_protocol = proto;
	r->idiag_states = states;
	return nl_request(nl, nlh, on_sock, &c, e);
}

/*
 * TCP of both families in one dump: the older inet_diag request
 * (TCPDIAG_GETSOCK, struct inet_diag_req) asks for AF_UNSPEC, so the kernel
 * walks its TCP hash tables once, not once per family. Every namespace
 * shares one established hash by default and each dump walks all of it,
 * every other namespace's sockets included: the walk is the cost.
 */
static int dump_tcp(struct nl *nl, struct sd_result *res, uint32_t states,
		    struct err *e)
{
	struct nlmsghdr *nlh = nl_msg(nl, TCPDIAG_GETSOCK, NLM_F_DUMP);
	struct inet_diag_req *r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));
	struct dump_ctx c = { res, IPPROTO_TCP };

	r->idiag_family = AF_INET;	/* not looked at: the kernel dumps both */
	r->idiag_states = states;
	return nl_request(nl, nlh, on_sock, &c, e);
}

/* Bound-only sockets are dumped for TCPF_BOUND_INACTIVE since Linux 6.8. */
static bool kernel_dumps_bound(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 8);
}

int sockdiag_collect(const struct sd_request *req, struct sd_result *res, struct err *e)
{
	static const uint8_t protos[2] = { IPPROTO_TCP, IPPROTO_UDP };
	static const int fams[2] = { AF_INET, AF_INET6 };
	unsigned fl = req->flags;
	uint32_t tcp_states = req->tcp_states;
	struct err le = { 0 };
	struct nl *nl = NULL;
	int ret;

	ret = sd_result_init(res, req);
	if (ret < 0) {
		ret = err_set(e, -ENOMEM, "sock_diag: out of memory");
		goto out;
	}
	if (!(fl & (SD_TCP | SD_UDP)))
		fl |= SD_TCP | SD_UDP;
	if (!(fl & (SD_IPV4 | SD_IPV6)))
		fl |= SD_IPV4 | SD_IPV6;
	if (!req->tcp_states)
		tcp_states = ((1u << SD_BOUND_INACTIVE) - 2) |
			     (fl & SD_BOUND_ONLY ? 1u << SD_BOUND_INACTIVE : 0);
	res->bound_visible = (tcp_states >> SD_BOUND_INACTIVE & 1) && kernel_dumps_bound();
	if ((fl & SD_PROCS) && !req->procs) {
		ret = procmap_build(&res->priv->own_pm, NULL, e);
		if (ret < 0)
			goto out;
		res->priv->pm = res->priv->own_pm;
	}
	ret = nl_open(&nl, NETLINK_SOCK_DIAG, e);
	if (ret < 0) {
		err_prefix(e, "sock_diag");
		goto out;
	}
	for (int pi = 0; pi < 2; pi++) {
		if (!(fl & (pi ? SD_UDP : SD_TCP)))
			continue;
		if (!pi && (fl & SD_IPV4) && (fl & SD_IPV6)) {
			ret = dump_tcp(nl, res, tcp_states, &le);
			if (!ret)
				continue;
			/* failed midway: dumping again would count twice */
			if (res->tcp_total) {
				err_prefix(&le, "sock_diag tcp dump");
				if (e)
					*e = le;
				goto out;
			}
			/* refused: a kernel without it gets a dump per family */
		}
		for (int fi = 0; fi < 2; fi++) {
			uint32_t states = pi ? ~0u : tcp_states;

			if (!(fl & (fi ? SD_IPV6 : SD_IPV4)))
				continue;
			ret = dump(nl, res, fams[fi], protos[pi], states, &le);
			if ((ret == -ENOENT || ret == -EAFNOSUPPORT) && (pi || fi)) {
				/* no udp_diag / no IPv6 in this kernel: report, do not fail */
				*(pi ? &res->udp_unavailable : &res->ipv6_unavailable) = true;
				continue;
			}
			if (ret < 0) {
				err_prefix(&le, "sock_diag %s/%s dump",
					   fi ? "ipv6" : "ipv4", pi ? "udp" : "tcp");
				if (e)
					*e = le;
				goto out;
			}
		}
	}
	sd_finish(res);
	ret = 0;
out:
	nl_close(nl);
	if (ret < 0)
		sd_result_free(res);
	return ret;
}

int sd_resolve_cgroups(struct sd_result *res, size_t n, const char *root, struct err *e)
{
	/* one block: n entry pointers, n ids, n paths */
	void *blk = calloc(n ? n : 1, sizeof(void *) + sizeof(uint64_t) + sizeof(char *));
	const struct sd_cgroup **top_cg = blk;
	uint64_t *ids = (uint64_t *)(top_cg + n);
	char **paths = (char **)(ids + n);
	size_t k;
	int ret;

	if (!blk)
		return err_set(e, -ENOMEM, "cgroups: out of memory");
	k = sd_top_cgroups(res, top_cg, n);
	for (size_t i = 0; i < k; i++)
		ids[i] = top_cg[i]->id;
	ret = cgroup_paths(ids, paths, k, root, e);
	for (size_t i = 0; i < k; i++) {
		struct sd_cgroup *cg = (struct sd_cgroup *)top_cg[i];

		if (!cg->path)
			cg->path = paths[i];
		else
			free(paths[i]);
	}
	free(blk);
	return ret;
}
