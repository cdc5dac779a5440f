// SPDX-License-Identifier: GPL-2.0-or-later
/* Keep services' ports out of the ephemeral range (see portguard.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portguard.h"
#include "sockdiag.h"

/* Ports that services bind() after boot, often after outgoing traffic has
 * started: the ones an ephemeral range most often swallows. */
static const struct {
	unsigned short lo, hi;
	const char *name;
} services[] = {
	{ 10248, 10259, "Kubernetes kubelet/kube-proxy/control plane" },
	{ 11211, 11211, "memcached" },
	{ 15000, 15001, "Envoy admin / Istio outbound" },
	{ 15006, 15006, "Istio inbound" },
	{ 15020, 15021, "Istio agent" },
	{ 15090, 15090, "Envoy/Istio metrics" },
	{ 27017, 27019, "MongoDB" },
	{ 30000, 32767, "Kubernetes NodePort range" },
};

const char *portguard_service(unsigned port)
{
	for (size_t i = 0; i < sizeof(services) / sizeof(*services); i++)
		if (port >= services[i].lo && port <= services[i].hi)
			return services[i].name;
	return NULL;
}

unsigned portguard_exposed(long lo, long hi, const struct portset *reserved,
			   const struct portset *listening,
			   struct portset *out)
{
	unsigned n = 0;

	memset(out, 0, sizeof(*out));
	for (long p = lo < 1 ? 1 : lo; p <= hi && p <= 65535; p++) {
		if (reserved && portset_has(reserved, p))
			continue;
		if (!portguard_service(p) &&
		    !(listening && portset_has(listening, p)))
			continue;
		portset_add(out, p);
		n++;
	}
	return n;
}

int portset_format(const struct portset *s, unsigned lo, unsigned hi,
		   char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned p = lo; p <= hi && p <= 65535; p++) {
		unsigned q = p;
		int n;

		if (!portset_has(s, p))
			continue;
		while (q < hi && q < 65535 && portset_has(s, q + 1))
			q++;
		n = q > p ? snprintf(buf + o, len - o, "%s%u-%u", o ? "," : "", p, q)
			  : snprintf(buf + o, len - o, "%s%u", o ? "," : "", p);
		if (n < 0 || (size_t)n >= len - o)
			return -E2BIG;
		o += n;
		p = q;
	}
	return 0;
}

/* The plan's pending change of sysctl key, if any. */
static const struct change *pending(const struct plan *plan, const char *key)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].target == T_SYSCTL &&
		    !strcmp(plan->v[i].key, key))
			return plan->v[i].status == CS_PENDING ? &plan->v[i]
							       : NULL;
	return NULL;
}

/* The value key will have after the plan: its target, else the current one. */
static int value_after(const struct plan *plan, const char *key, char *buf,
		       size_t len)
{
	const struct change *c = pending(plan, key);

	if (c) {
		snprintf(buf, len, "%s", c->after);
		return 0;
	}
	return sysctl_read(key, buf, len, NULL);
}

static const char *label(unsigned port, const struct portset *listening)
{
	if (listening && portset_has(listening, port))
		return "listened on here";
	return portguard_service(port);
}

int portguard_describe(const struct portset *exposed, unsigned lo, unsigned hi,
		       const struct portset *listening, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned p = lo; p <= hi && p <= 65535; p++) {
		const char *l;
		unsigned q = p;
		int n;

		if (!portset_has(exposed, p))
			continue;
		l = label(p, listening);
		while (q < hi && q < 65535 && portset_has(exposed, q + 1) &&
		       label(q + 1, listening) == l)
			q++;
		n = q > p ? snprintf(buf + o, len - o, "%s%u-%u (%s)",
				     o ? ", " : "", p, q, l)
			  : snprintf(buf + o, len - o, "%s%u (%s)",
				     o ? ", " : "", p, l);
		if (n < 0 || (size_t)n >= len - o) {
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			return -E2BIG;
		}
		o += n;
		p = q;
	}
	return 0;
}

void portguard_plan(struct plan *plan)
{
	char range[SYSCTL_VALUE_MAX], rsv[SYSCTL_VALUE_MAX], what[384];
	struct portset reserved, exposed;
	struct sd_result sd;
	bool have_sd;
	struct sd_request req = {
		.flags = SD_TCP | SD_BOUND_ONLY, .port_lo = 1, .port_hi = 65535,
		.tcp_states = 1u << SD_LISTEN | 1u << SD_BOUND_INACTIVE,
	};
	unsigned n;
	long lo, hi;

	/* only a plan that moves either can expose a port: a NIC-only apply
	 * reads neither */
	if (!pending(plan, "net.ipv4.ip_local_port_range") &&
	    !pending(plan, "net.ipv4.ip_local_reserved_ports"))
		return;
	if (value_after(plan, "net.ipv4.ip_local_port_range", range,
			sizeof(range)) ||
	    sysctl_parse_range(range, &lo, &hi) ||
	    value_after(plan, "net.ipv4.ip_local_reserved_ports", rsv,
			sizeof(rsv)) ||
	    sysctl_portlist_parse(rsv, &reserved, NULL))
		return;
	have_sd = !sockdiag_collect(&req, &sd, NULL);
	n = portguard_exposed(lo, hi, &reserved, have_sd ? &sd.bound : NULL,
			      &exposed);
	if (n) {
		portguard_describe(&exposed, lo, hi, have_sd ? &sd.bound : NULL,
				   what, sizeof(what));
		plan_add_warning(plan, "net.ipv4.ip_local_port_range %ld-%ld "
				 "takes %u service port%s that "
				 "net.ipv4.ip_local_reserved_ports leaves open: "
				 "%s; an outgoing connection may hold one, and "
				 "the service's bind() then fails with "
				 "EADDRINUSE: reserve them or move the range",
				 lo, hi, n, n == 1 ? "" : "s", what);
	}
	if (have_sd)
		sd_result_free(&sd);
}
