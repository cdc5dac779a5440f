// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "err.h"
#include "nl.h"

/* Feature strings alone are ~10 KiB in one message; dumps batch more. */
#define NL_RXBUF	(64 * 1024)
#define NL_TXBUF	(NL_BATCH_MAX * NL_BATCH_MSG_MAX)	/* a full batch */
#define MAX_ERRNO	4095	/* the kernel's bound (include/linux/err.h) */

struct nl {
	struct nl_transport *t;
	uint32_t portid;
	uint32_t seq;
	char *rx;
	char *tx;
	uint32_t tx_len;	/* length of the last request sent */
	uint32_t err_off;	/* NLMSGERR_ATTR_OFFS of the last error */
	struct nlmsghdr *open;	/* the batch's newest message, being built */
	uint32_t batch_len;	/* bytes of the batch before it */
	unsigned int batch_n;	/* requests in the batch */
	uint32_t batch_seq;	/* sequence number of its first */
};

/* State of one request while its replies come in. */
struct run {
	nl_parse_fn cb;
	void *data;
	struct err *e;
	bool one;		/* the first reply ends it: no ACK was asked for */
	int err;
	bool done;
	uint32_t err_off;
};

struct extack {
	const char *msg;
	uint32_t off;
};

/* ---- the socket transport -------------------------------------------- */

struct sock_transport {
	struct nl_transport t;
	struct mnl_socket *sock;
};

static int sock_send(struct nl_transport *t, const void *buf, size_t len)
{
	struct sock_transport *s = (struct sock_transport *)t;

	return mnl_socket_sendto(s->sock, buf, len) < 0 ? -errno : 0;
}

static ssize_t sock_recv(struct nl_transport *t, void *buf, size_t len)
{
	struct sock_transport *s = (struct sock_transport *)t;
	ssize_t n = mnl_socket_recvfrom(s->sock, buf, len);

	return n < 0 ? -errno : n;
}

static void sock_close(struct nl_transport *t)
{
	struct sock_transport *s = (struct sock_transport *)t;

	if (s->sock)
		mnl_socket_close(s->sock);
	free(s);
}

int nl_socket_transport(int protocol, struct nl_transport **out,
			struct err *e)
{
	struct sock_transport *s;
	int one = 1, code;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, -ENOMEM, "out of memory");
	s->t.send = sock_send;
	s->t.recv = sock_recv;
	s->t.close = sock_close;
	s->sock = mnl_socket_open(protocol);
	if (!s->sock) {
		code = -errno;
		sock_close(&s->t);
		return err_set(e, code, "netlink socket: %s", strerror(-code));
	}
	if (mnl_socket_bind(s->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		code = -errno;
		sock_close(&s->t);
		return err_set(e, code, "netlink bind: %s", strerror(-code));
	}
	/* Both exist since 4.12; without them errors just lose their text. */
	mnl_socket_setsockopt(s->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	s->t.portid = mnl_socket_get_portid(s->sock);
	*out = &s->t;
	return 0;
}

static nl_transport_open_fn transport_open = nl_socket_transport;

void nl_set_transport(nl_transport_open_fn fn)
{
	transport_open = fn ? fn : nl_socket_transport;
}

/* ---- sessions -------------------------------------------------------- */

int nl_open(struct nl **out, int protocol, struct err *e)
{
	struct nl *nl;
	int ret;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return err_set(e, -ENOMEM, "out of memory");
	nl->rx = malloc(NL_RXBUF);
	nl->tx = malloc(NL_TXBUF);
	if (!nl->rx || !nl->tx) {
		nl_close(nl);
		return err_set(e, -ENOMEM, "out of memory");
	}
	ret = transport_open(protocol, &nl->t, e);
	if (ret < 0) {
		nl_close(nl);
		return ret;
	}
	nl->portid = nl->t->portid;
	nl->seq = 1;
	*out = nl;
	return 0;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	if (nl->t)
		nl->t->close(nl->t);
	free(nl->rx);
	free(nl->tx);
	free(nl);
}

static struct nlmsghdr *genl_header(struct nlmsghdr *nlh, uint8_t cmd,
				    uint8_t version)
{
	struct genlmsghdr *g;

	if (!nlh)
		return NULL;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *nl_msg(struct nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	/* libmnl zeroes the header and the padding it adds */
	nlh = mnl_nlmsg_put_header(nl->tx);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	nl->tx_len = 0;
	nl->err_off = 0;
	nl->open = NULL;	/* a batch being built is dropped */
	nl->batch_n = nl->batch_len = 0;
	return nlh;
}

struct nlmsghdr *nl_batch_msg(struct nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	if (nl->open)
		nl->batch_len += NLMSG_ALIGN(nl->open->nlmsg_len);
	nl->open = NULL;
	if (nl->batch_n == NL_BATCH_MAX)
		return NULL;
	nlh = mnl_nlmsg_put_header(nl->tx + nl->batch_len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	if (!nl->batch_n++)
		nl->batch_seq = nlh->nlmsg_seq;
	nl->err_off = 0;
	return nl->open = nlh;
}

struct nlmsghdr *nl_batch_genl_msg(struct nl *nl, uint16_t family, uint8_t cmd,
				   uint8_t version, uint16_t flags)
{
	return genl_header(nl_batch_msg(nl, family, flags), cmd, version);
}

struct nlmsghdr *nl_genl_msg(struct nl *nl, uint16_t family, uint8_t cmd,
			     uint8_t version, uint16_t flags)
{
	return genl_header(nl_msg(nl, family, flags), cmd, version);
}

const struct nlattr *nl_err_attr(const struct nl *nl)
{
	if (!nl->err_off || nl->err_off + sizeof(struct nlattr) > nl->tx_len)
		return NULL;
	return (const struct nlattr *)(nl->tx + nl->err_off);
}

/* Our own words for errors the kernel reports without extended ACK text. */
static const char *errno_text(int code)
{
	switch (code) {
	case -EPERM:
		return "operation not permitted (need CAP_NET_ADMIN)";
	case -EOPNOTSUPP:
		return "not supported by the device/driver";
	case -ENODEV:
		return "no such device";
	default:
		return strerror(-code);
	}
}

static int extack_cb(const struct nlattr *a, void *data)
{
	struct extack *x = data;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			x->msg = mnl_attr_get_str(a);
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			x->off = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

/* code < 0 ends the request with an error; TLVs start at payload + off. */
static void finish(struct run *r, const struct nlmsghdr *nlh, int code,
		   size_t off)
{
	struct extack x = { 0 };

	r->done = true;
	if (code >= 0)
		return;
	/* errnos are small; anything else is garbage, and -INT_MIN overflows */
	if (code < -MAX_ERRNO)
		code = -EBADMSG;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    off <= mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, off, extack_cb, &x);
	r->err = code;
	r->err_off = x.off;
	if (x.msg && *x.msg)
		err_set(r->e, code, "%s (%s)", x.msg, strerror(-code));
	else
		err_set(r->e, code, "%s", errno_text(code));
}

static void on_error(struct run *r, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *me = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*me);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*me)) {
		r->done = true;
		r->err = err_set(r->e, -EBADMSG, "truncated netlink error");
		return;
	}
	/* Without NETLINK_CAP_ACK the request's payload is echoed first. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    me->msg.nlmsg_len > sizeof(struct nlmsghdr))
		off += me->msg.nlmsg_len - sizeof(struct nlmsghdr);
	finish(r, nlh, me->error, off);
}

static void on_done(struct run *r, const struct nlmsghdr *nlh)
{
	int code = 0;

	/* A dump that fails part-way reports the error in NLMSG_DONE. */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(code));
	finish(r, nlh, code, sizeof(int));
}

/*
 * Each message is checked against the bytes left here, not with
 * mnl_nlmsg_ok(): libmnl 1.0.4 compares nlmsg_len as an int (0xfffffff0
 * passes as negative) and mnl_nlmsg_next() aligns 0xfffffffd to 0, which
 * never advances. The kernel puts the alignment pad in the datagram too
 * (__nlmsg_put), so the aligned length must fit: attribute walks end there.
 */
static size_t msg_step(const void *p, size_t left)
{
	const struct nlmsghdr *nlh = p;
	size_t len, step;

	if (left < sizeof(*nlh))
		return 0;
	len = nlh->nlmsg_len;
	step = (len + NLMSG_ALIGNTO - 1) & ~(size_t)(NLMSG_ALIGNTO - 1);
	return len >= sizeof(*nlh) && step <= left ? step : 0;
}

/* One message of request r's answer. */
static void run_msg(struct run *r, const struct nlmsghdr *nlh)
{
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
		break;
	case NLMSG_ERROR:
		on_error(r, nlh);
		break;
	case NLMSG_DONE:
		on_done(r, nlh);
		break;
	case NLMSG_OVERRUN:
		r->done = true;
		r->err = err_set(r->e, -ENOBUFS, "netlink overrun");
		break;
	default:
		/* After a parse error keep reading to the ACK. */
		if (r->cb && !r->err) {
			int ret = r->cb(nlh, r->data, r->e);

			if (ret < 0)
				r->err = ret;
		}
		r->done |= r->one;
	}
}

static void run_buf(struct run *r, const void *buf, size_t len)
{
	const char *p = buf;
	size_t left = len, step;

	for (; !r->done && (step = msg_step(p, left)); p += step, left -= step)
		run_msg(r, (const void *)p);
}

int nl_parse_buf(const void *buf, size_t len, nl_parse_fn cb, void *data,
		 struct err *e)
{
	struct run r = { .cb = cb, .data = data, .e = e };

	run_buf(&r, buf, len);
	return r.err;
}

/*
 * Send len bytes of n requests, numbered from seq0, and run r[i] on the
 * answers to the i-th until each is done. Answers to earlier, abandoned
 * requests (and to no request of ours) are skipped.
 */
static int exchange(struct nl *nl, const void *buf, size_t len, uint32_t seq0,
		    struct run *r, unsigned int n, struct err *e)
{
	unsigned int left = n;
	int ret;

	nl->tx_len = len;
	ret = nl->t->send(nl->t, buf, len);
	if (ret < 0)
		return err_set(e, ret, "netlink send: %s", strerror(-ret));
	while (left) {
		ssize_t got = nl->t->recv(nl->t, nl->rx, NL_RXBUF);
		const char *p = nl->rx;
		size_t step, bytes = got > 0 ? (size_t)got : 0;

		if (got == -EINTR)
			continue;
		if (got < 0)
			return err_set(e, (int)got, "netlink receive: %s",
				       strerror((int)-got));
		for (; (step = msg_step(p, bytes)); p += step, bytes -= step) {
			const struct nlmsghdr *nlh = (const void *)p;
			/* wraps below seq0: skipped */
			uint32_t i = nlh->nlmsg_seq - seq0;

			if (nlh->nlmsg_pid != nl->portid || i >= n || r[i].done)
				continue;
			run_msg(&r[i], nlh);
			left -= r[i].done;
		}
	}
	return 0;
}

static int request(struct nl *nl, struct nlmsghdr *nlh, nl_parse_fn cb,
		   void *data, bool one, struct err *e)
{
	struct run r = { .cb = cb, .data = data, .e = e, .one = one };
	int ret;

	if (one)
		nlh->nlmsg_flags &= ~NLM_F_ACK;
	ret = exchange(nl, nlh, nlh->nlmsg_len, nlh->nlmsg_seq, &r, 1, e);
	if (ret)
		return ret;
	nl->err_off = r.err_off;
	return r.err;
}

int nl_request(struct nl *nl, struct nlmsghdr *nlh, nl_parse_fn cb,
	       void *data, struct err *e)
{
	return request(nl, nlh, cb, data, false, e);
}

int nl_request_one(struct nl *nl, struct nlmsghdr *nlh, nl_parse_fn cb,
		   void *data, struct err *e)
{
	return request(nl, nlh, cb, data, true, e);
}

int nl_batch_run(struct nl *nl, nl_parse_fn cb, void *const *data,
		 struct err *errs, int *codes, struct err *e)
{
	struct run r[NL_BATCH_MAX];
	unsigned int n = nl->batch_n;
	size_t len;
	int ret;

	if (nl->open)
		nl->batch_len += NLMSG_ALIGN(nl->open->nlmsg_len);
	len = nl->batch_len;
	nl->open = NULL;
	nl->batch_n = nl->batch_len = 0;
	for (unsigned int i = 0; i < n; i++)
		r[i] = (struct run){ .cb = cb, .data = data[i], .e = &errs[i],
				     .one = true };
	ret = n ? exchange(nl, nl->tx, len, nl->batch_seq, r, n, e) : 0;
	for (unsigned int i = 0; !ret && i < n; i++)
		codes[i] = r[i].err;
	return ret;
}

bool nl_family_has_op(const struct nl_family *fam, unsigned int cmd)
{
	return cmd < 256 && (fam->ops[cmd / 32] & (1u << (cmd % 32)));
}

struct family_req {
	const char *mcgrp;
	struct nl_family *fam;
};

static void family_ops(const struct nlattr *nest, struct nl_family *fam)
{
	const struct nlattr *op, *a;

	mnl_attr_for_each_nested(op, nest) {
		mnl_attr_for_each_nested(a, op) {
			uint32_t id;

			if (mnl_attr_get_type(a) != CTRL_ATTR_OP_ID ||
			    mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				continue;
			id = mnl_attr_get_u32(a);
			if (id < 256)
				fam->ops[id / 32] |= 1u << (id % 32);
		}
	}
}

static void family_groups(const struct nlattr *nest, struct family_req *req)
{
	const struct nlattr *grp, *a;

	mnl_attr_for_each_nested(grp, nest) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, grp) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
				 !mnl_attr_validate(a, MNL_TYPE_U32))
				id = mnl_attr_get_u32(a);
		}
		if (name && req->mcgrp && !strcmp(name, req->mcgrp))
			req->fam->mcgrp_id = id;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data, struct err *e)
{
	struct family_req *req = data;
	const struct nlattr *a;

	(void)e;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (!mnl_attr_validate(a, MNL_TYPE_U16))
				req->fam->id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_VERSION:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				req->fam->version = mnl_attr_get_u32(a);
			break;
		case CTRL_ATTR_OPS:
			family_ops(a, req->fam);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			family_groups(a, req);
			break;
		}
	}
	return 0;
}

int nl_genl_resolve(struct nl *nl, const char *name, const char *mcgrp,
		    struct nl_family *fam, struct err *e)
{
	struct family_req req = { .mcgrp = mcgrp, .fam = fam };
	struct nlmsghdr *nlh;
	int ret;

	memset(fam, 0, sizeof(*fam));
	nlh = nl_genl_msg(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	ret = nl_request(nl, nlh, family_cb, &req, e);
	if (ret == -ENOENT)
		return err_set(e, ret, "generic netlink family \"%s\" not found",
			       name);
	if (ret < 0)
		return err_prefix(e, "resolving generic netlink family \"%s\"",
				  name);
	if (!fam->id)
		return err_set(e, -EBADMSG, "no id for generic netlink family \"%s\"",
			       name);
	return 0;
}
