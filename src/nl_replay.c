// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The test side of nl.c's transport seam: a recorder wrapping the socket
 * transport, and a replay transport serving a recording back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "err.h"
#include "nl.h"
#include "nl_replay.h"

struct rec_head {
	uint32_t kind, len;
};

/* ---- recording ------------------------------------------------------- */

static FILE *rec_file;
static int rec_err;

static void rec_put(uint32_t kind, const void *buf, size_t len)
{
	static const char pad[4];
	struct rec_head h = { kind, (uint32_t)len };

	if (fwrite(&h, sizeof(h), 1, rec_file) != 1 ||
	    (len && fwrite(buf, len, 1, rec_file) != 1) ||
	    (len % 4 && fwrite(pad, 4 - len % 4, 1, rec_file) != 1))
		rec_err = -EIO;
}

struct rec_transport {
	struct nl_transport t;
	struct nl_transport *inner;
};

static int rec_send(struct nl_transport *t, const void *buf, size_t len)
{
	struct rec_transport *r = (struct rec_transport *)t;

	rec_put(NL_REC_REQUEST, buf, len);
	return r->inner->send(r->inner, buf, len);
}

static ssize_t rec_recv(struct nl_transport *t, void *buf, size_t len)
{
	struct rec_transport *r = (struct rec_transport *)t;
	ssize_t n = r->inner->recv(r->inner, buf, len);

	if (n >= 0)
		rec_put(NL_REC_ANSWER, buf, (size_t)n);
	return n;
}

static void rec_close(struct nl_transport *t)
{
	struct rec_transport *r = (struct rec_transport *)t;

	r->inner->close(r->inner);
	free(r);
}

static int rec_open(int protocol, struct nl_transport **out, struct err *e)
{
	struct rec_transport *r = calloc(1, sizeof(*r));
	uint32_t open[2];
	int ret;

	*out = NULL;
	if (!r)
		return err_set(e, -ENOMEM, "out of memory");
	ret = nl_socket_transport(protocol, &r->inner, e);
	if (ret < 0) {
		free(r);
		return ret;
	}
	r->t.send = rec_send;
	r->t.recv = rec_recv;
	r->t.close = rec_close;
	r->t.portid = r->inner->portid;
	open[0] = (uint32_t)protocol;
	open[1] = r->t.portid;
	rec_put(NL_REC_OPEN, open, sizeof(open));
	*out = &r->t;
	return 0;
}

int nl_record_start(const char *path, struct err *e)
{
	rec_file = fopen(path, "wbe");
	if (!rec_file)
		return err_set(e, -errno, "%s: %s", path, strerror(errno));
	rec_err = 0;
	nl_set_transport(rec_open);
	return 0;
}

int nl_record_stop(void)
{
	nl_set_transport(NULL);
	if (rec_file && fclose(rec_file))
		rec_err = -EIO;
	rec_file = NULL;
	return rec_err;
}

/* ---- replay ---------------------------------------------------------- */

static struct {
	const unsigned char *buf;
	size_t len, off;
} rp;

/* The next record if it is of this kind (and consume it), else NULL. */
static const unsigned char *next(uint32_t kind, uint32_t *len)
{
	const unsigned char *p;
	struct rec_head h;
	size_t room, padded;

	if (rp.len - rp.off < sizeof(h))
		return NULL;
	memcpy(&h, rp.buf + rp.off, sizeof(h));
	room = rp.len - rp.off - sizeof(h);
	if (h.len > room) {
		rp.off = rp.len;	/* damaged: nothing more to serve */
		return NULL;
	}
	if (h.kind != kind)
		return NULL;
	p = rp.buf + rp.off + sizeof(h);
	padded = ((size_t)h.len + 3) & ~(size_t)3;
	rp.off += sizeof(h) + (padded < room ? padded : room);
	*len = h.len;
	return p;
}

static int replay_send(struct nl_transport *t, const void *buf, size_t len)
{
	const struct nlmsghdr *want, *got = buf;
	const unsigned char *rec;
	uint32_t rlen;

	(void)t;
	rec = next(NL_REC_REQUEST, &rlen);
	if (!rec || rlen < sizeof(*want) + 4 || len < sizeof(*got) + 4)
		return -EPROTO;
	want = (const struct nlmsghdr *)rec;
	/* same request: type, flags and the first word (genl cmd, diag family) */
	if (want->nlmsg_type != got->nlmsg_type ||
	    want->nlmsg_flags != got->nlmsg_flags ||
	    memcmp(want + 1, got + 1, 4))
		return -EPROTO;
	return 0;
}

static ssize_t replay_recv(struct nl_transport *t, void *buf, size_t len)
{
	const unsigned char *rec;
	uint32_t rlen;

	(void)t;
	rec = next(NL_REC_ANSWER, &rlen);
	if (!rec)
		return -ENOMSG;
	if (rlen > len)
		rlen = (uint32_t)len;	/* as recvfrom() truncates */
	memcpy(buf, rec, rlen);
	return rlen;
}

static void replay_close(struct nl_transport *t)
{
	free(t);
}

static int replay_open(int protocol, struct nl_transport **out,
		       struct err *e)
{
	const unsigned char *rec = NULL;
	struct nl_transport *t;
	uint32_t open[2], len;

	*out = NULL;
	rec = next(NL_REC_OPEN, &len);
	if (!rec || len != sizeof(open))
		return err_set(e, -EPROTO, "replay: no recorded netlink "
			       "session here");
	memcpy(open, rec, sizeof(open));
	if (open[0] != (uint32_t)protocol)
		return err_set(e, -EPROTO, "replay: recorded protocol %u, "
			       "asked for %d", open[0], protocol);
	t = calloc(1, sizeof(*t));
	if (!t)
		return err_set(e, -ENOMEM, "out of memory");
	t->send = replay_send;
	t->recv = replay_recv;
	t->close = replay_close;
	t->portid = open[1];
	*out = t;
	return 0;
}

void nl_replay_start(const void *rec, size_t len)
{
	rp.buf = rec;
	rp.len = len;
	rp.off = 0;
	nl_set_transport(replay_open);
}

void nl_replay_stop(void)
{
	nl_set_transport(NULL);
	memset(&rp, 0, sizeof(rp));
}

size_t nl_replay_left(void)
{
	size_t n = 0, off = rp.off;
	struct rec_head h;

	while (rp.len - off >= sizeof(h)) {
		size_t room, padded;

		memcpy(&h, rp.buf + off, sizeof(h));
		room = rp.len - off - sizeof(h);
		if (h.len > room)
			break;
		padded = ((size_t)h.len + 3) & ~(size_t)3;
		off += sizeof(h) + (padded < room ? padded : room);
		n++;
	}
	return n;
}
