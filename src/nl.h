/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_NL_H
#define PORTTUNE_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/netlink.h>

struct err;

/*
 * The one netlink module: sockets, sequence numbers, ACKs and extended-ACK
 * messages. Any protocol (NETLINK_GENERIC, NETLINK_SOCK_DIAG, ...); generic
 * netlink family resolution on top.
 */
struct nl;

/*
 * Called once per reply message (every part of a dump). Collects into data;
 * returns 0, or -errno after filling e. Never prints.
 */
typedef int (*nl_parse_fn)(const struct nlmsghdr *nlh, void *data,
			   struct err *e);

int nl_open(struct nl **out, int protocol, struct err *e);
void nl_close(struct nl *nl);

/*
 * How a session reaches the kernel: a netlink socket, or in tests recorded
 * replies (nl_replay.h). An implementation embeds this first.
 */
struct nl_transport {
	/* one request as a datagram: 0 or -errno */
	int (*send)(struct nl_transport *t, const void *buf, size_t len);
	/* the next datagram into buf: its length, or -errno */
	ssize_t (*recv)(struct nl_transport *t, void *buf, size_t len);
	void (*close)(struct nl_transport *t);
	uint32_t portid;	/* replies to us carry it */
};

typedef int (*nl_transport_open_fn)(int protocol, struct nl_transport **out,
				    struct err *e);

/* nl_open()'s default: a bound socket with extended ACKs. */
int nl_socket_transport(int protocol, struct nl_transport **out,
			struct err *e);
/*
 * For tests and recording: every later nl_open() gets its transport from
 * fn (NULL: sockets again). Process-wide, like link-time wrapping would be.
 */
void nl_set_transport(nl_transport_open_fn fn);

/*
 * Start a request in the socket's send buffer (one request at a time); add
 * attributes with libmnl, then nl_request(). NLM_F_REQUEST and NLM_F_ACK are
 * always set.
 */
struct nlmsghdr *nl_msg(struct nl *nl, uint16_t type, uint16_t flags);
struct nlmsghdr *nl_genl_msg(struct nl *nl, uint16_t family, uint8_t cmd,
			     uint8_t version, uint16_t flags);

/*
 * Send nlh, run cb (may be NULL) on every reply message until the ACK or
 * NLMSG_DONE. On a kernel error returns -errno with e->msg "TEXT (strerror)"
 * from the extended ACK, or a message of our own when the kernel gave none.
 */
int nl_request(struct nl *nl, struct nlmsghdr *nlh, nl_parse_fn cb,
	       void *data, struct err *e);

/*
 * The same for a request that always answers with exactly one message
 * (a doit GET, ethtool's FEATURES_SET): no ACK is asked for, saving a
 * receive per request. Errors still come as NLMSG_ERROR.
 */
int nl_request_one(struct nl *nl, struct nlmsghdr *nlh, nl_parse_fn cb,
		   void *data, struct err *e);

/*
 * Batches: requests that are each answered by exactly one message (as for
 * nl_request_one()) travel together in one datagram. nl_batch_msg() starts
 * the next request behind the last (NLM_F_REQUEST set, no ACK), or returns
 * NULL once the batch holds NL_BATCH_MAX: run it and start again. A message
 * must stay under NL_BATCH_MSG_MAX bytes. nl_batch_run() sends the batch and runs cb
 * on each answer with data[i] for the i-th request; codes[i] gets its 0 or
 * -errno, errs[i] its message. Returns 0, or -errno when the transport
 * failed (after the send, any request may have taken effect).
 */
#define NL_BATCH_MAX		32
#define NL_BATCH_MSG_MAX	512
struct nlmsghdr *nl_batch_msg(struct nl *nl, uint16_t type, uint16_t flags);
struct nlmsghdr *nl_batch_genl_msg(struct nl *nl, uint16_t family, uint8_t cmd,
				   uint8_t version, uint16_t flags);
int nl_batch_run(struct nl *nl, nl_parse_fn cb, void *const *data,
		 struct err *errs, int *codes, struct err *e);

/*
 * The attribute of the last request that the kernel blamed in its extended
 * ACK (NLMSGERR_ATTR_OFFS), or NULL; valid until the next nl_msg().
 */
const struct nlattr *nl_err_attr(const struct nl *nl);

/* Generic netlink family as resolved by CTRL_CMD_GETFAMILY. */
struct nl_family {
	uint16_t id;
	uint32_t version;
	uint32_t mcgrp_id;	/* 0 when not asked for or absent */
	uint32_t ops[256 / 32];	/* bitmap of supported commands */
};

/* -ENOENT (with a message) when the kernel has no such family. */
int nl_genl_resolve(struct nl *nl, const char *name, const char *mcgrp,
		    struct nl_family *fam, struct err *e);
bool nl_family_has_op(const struct nl_family *fam, unsigned int cmd);

/*
 * For tests and debugging: run cb over a buffer of netlink messages (as
 * received), with the same NLMSG_ERROR/DONE handling as nl_request().
 * Recording replies is the transport's business (nl_replay.h).
 */
int nl_parse_buf(const void *buf, size_t len, nl_parse_fn cb, void *data,
		 struct err *e);

#endif
