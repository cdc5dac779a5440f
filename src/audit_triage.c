// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audit --all-netns skips the socket census where sockstat proves it
 * cannot change the verdict: with the kernel's default shared TCP hash
 * each namespace's dump walks every namespace's sockets, so a census in
 * each of N namespaces costs N full walks. See audit_triage.h.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit_triage.h"
#include "counters.h"

bool audit_triage_ok(const struct audit_input *in, long udp_inuse)
{
	struct audit_input w = *in;
	struct sd_dest d = { .family = AF_INET };
	struct sd_local loc[2] = {
		{ .family = AF_INET, .proto = IPPROTO_TCP },
		{ .family = AF_INET, .proto = IPPROTO_UDP },
	};
	struct audit_report r;
	long full, tcp, range, room, held;
	bool ok;

	if (in->port_lo == UNSET || in->tcp_inuse < 0 || in->tcp6_inuse < 0 ||
	    in->tcp_tw < 0 || udp_inuse < 0)
		return false;
	/* full sockets (listening, connected, CLOSE_WAIT...) and timewait
	 * minisockets (TIME_WAIT, orphaned FIN_WAIT2); request sockets sit
	 * on a listener's port and never hold an ephemeral one */
	full = in->tcp_inuse + in->tcp6_inuse;
	tcp = full + in->tcp_tw;
	range = in->port_hi - in->port_lo + 1;
	room = range - (in->reserved_in_range > 0 ? in->reserved_in_range : 0);
	held = full < room ? full : room;
	if (room < 0 || tcp > UINT32_MAX || udp_inuse > UINT32_MAX)
		return false;
	memset(&w.sd, 0, sizeof(w.sd));
	w.have_sd = true;
	w.bound_skipped = true;
	w.sd.port_lo = (uint16_t)in->port_lo;
	w.sd.port_hi = (uint16_t)in->port_hi;
	w.sd.range_size = (uint32_t)range;
	w.sd.reserved_in_range = (uint32_t)(range - room);
	/* every full socket a listener inside the range */
	w.sd.bound_in_range = w.sd.held_by_listeners = (uint32_t)held;
	w.sd.listen_in_range = (uint32_t)held;
	w.sd.p_eff = (uint32_t)(room - held);
	/* ... and every socket also towards one destination, from one
	 * address, in each state it could be in, none of it reusable. Every
	 * figure at its bound, so that a check added later on any of them is
	 * covered as long as it only gets worse as the figure grows. */
	w.sd.tcp_total = w.sd.tcp_ephemeral = w.sd.tcp_ports_used =
		w.sd.tcp_outside_range = w.sd.tcp_on_bound_port = (uint32_t)tcp;
	w.sd.tcp4 = w.sd.tcp6 = (uint32_t)tcp;
	w.sd.tw_recent = (uint32_t)in->tcp_tw;
	for (unsigned st = SD_ESTABLISHED; st < SD_NEW_SYN_RECV; st++) {
		/* timewait minisockets are TIME_WAIT or orphaned FIN_WAIT2 */
		uint32_t n = st == SD_TIME_WAIT ? (uint32_t)in->tcp_tw
			   : st == SD_FIN_WAIT2 ? (uint32_t)tcp : (uint32_t)full;

		w.sd.tcp_state[st] = d.state[st] = n;
	}
	w.sd.udp_total = w.sd.udp_ephemeral = (uint32_t)udp_inuse;
	w.sd.udp4 = w.sd.udp6 = (uint32_t)udp_inuse;
	d.used = (uint32_t)tcp;
	d.tw_recent = (uint32_t)in->tcp_tw;
	loc[0].sockets = loc[0].ports = (uint32_t)tcp;
	loc[1].sockets = loc[1].ports = (uint32_t)udp_inuse;
	w.sd.dest = &d;
	w.sd.ndest = 1;
	w.sd.local = loc;
	w.sd.nlocal = 2;
	audit_evaluate(&w, &r);
	ok = r.worst == SEV_OK;
	audit_report_free(&r);
	return ok;
}

/* sockstat's UDP + UDP6 inuse of this namespace; -1 when unreadable. */
static long udp_inuse(void)
{
	static const char *const src[][3] = {
		{ "/proc/net/sockstat", "sockstat", "sockstat.UDP.inuse" },
		{ "/proc/net/sockstat6", "sockstat6", "sockstat6.UDP6.inuse" },
	};
	long sum = 0;

	for (size_t i = 0; i < sizeof(src) / sizeof(*src); i++) {
		struct counters c = { 0 };
		char buf[4096];
		int64_t v = -1;
		ssize_t n = -1;
		int fd = open(src[i][0], O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
		}
		if (n >= 0) {
			buf[n] = '\0';
			if (counters_parse_sockstat(&c, src[i][1], buf, NULL) ||
			    !counters_get(&c, src[i][2], &v))
				v = -1;
		}
		counters_free(&c);
		if (v < 0)
			return -1;
		sum += (long)v;
	}
	return sum;
}

int audit_gather_triaged(struct audit_input *in, const struct audit_opts *o,
			 struct err *err)
{
	struct audit_opts settings = *o;
	struct audit_input keep = *in;	/* cfg, drift */
	int rc;

	settings.sockets = false;
	rc = audit_gather(in, &settings, err);
	/* without a port range there is no census either */
	if (rc || !o->sockets || audit_triage_ok(in, udp_inuse()))
		return rc;
	audit_input_free(in);
	*in = keep;
	return audit_gather(in, o, err);
}
