/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_NL_REPLAY_H
#define PORTTUNE_NL_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;

/*
 * Recorded netlink exchanges, so that code above nl.c (the NIC plan and
 * apply, the sock_diag census) runs in unit tests against what a real
 * kernel once answered. A recording is a sequence of records, each
 * { u32 kind, u32 len } and len bytes padded to 4, in host byte order:
 *
 *   'O'  nl_open(): u32 protocol, u32 portid of the recording socket
 *   'Q'  one request as sent
 *   'A'  one datagram as received
 *
 * Sessions are recorded and replayed in order, one after the other.
 */
enum {
	NL_REC_OPEN = 'O',
	NL_REC_REQUEST = 'Q',
	NL_REC_ANSWER = 'A',
};

/* Every later nl_open() uses a socket and writes its traffic to path. */
int nl_record_start(const char *path, struct err *e);
/* Back to plain sockets; -errno if writing the recording failed. */
int nl_record_stop(void);

/*
 * Every later nl_open() is served from rec[0..len) (not copied: keep it
 * alive until nl_replay_stop()). A request must match the recorded one in
 * type, flags and first payload word, else its send fails with -EPROTO; a
 * receive with no recorded answer next fails with -ENOMSG; a record that
 * overruns the buffer ends the recording (-EBADMSG). Nothing crashes on a
 * damaged recording: whatever it holds reaches nl.c's reply loop as is.
 */
void nl_replay_start(const void *rec, size_t len);
void nl_replay_stop(void);
/* Records not consumed yet (0: the code made exactly the recorded calls). */
size_t nl_replay_left(void);

#endif
