// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audit --all-netns skips the socket census where sockstat proves it
 * cannot change the verdict: with the kernel's default shared TCP hash
 * each namespace's dump walks every namespace's sockets, so a census in
 * each of N namespaces costs N full walks. See audit_triage.h.
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "audit_triage.h"

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
	 * address, in CLOSE_WAIT or TIME_WAIT, none of it reusable */
	w.sd.tcp_total = w.sd.tcp_ephemeral = w.sd.tcp_ports_used =
		(uint32_t)tcp;
	w.sd.tcp_state[SD_TIME_WAIT] = (uint32_t)in->tcp_tw;
	w.sd.tcp_state[SD_CLOSE_WAIT] = (uint32_t)full;
	w.sd.udp_total = w.sd.udp_ephemeral = (uint32_t)udp_inuse;
	d.used = (uint32_t)tcp;
	d.state[SD_TIME_WAIT] = (uint32_t)in->tcp_tw;
	d.state[SD_CLOSE_WAIT] = (uint32_t)full;
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
