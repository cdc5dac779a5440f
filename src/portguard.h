/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_PORTGUARD_H
#define PORTTUNE_PORTGUARD_H

/*
 * A port inside ip_local_port_range and outside ip_local_reserved_ports can
 * be taken by any outgoing connection; the service that later bind()s it
 * then fails with EADDRINUSE (even with SO_REUSEADDR). These helpers find
 * such ports: the ones local sockets listen on, and well-known service ports.
 */
#include <stddef.h>

#include "plan.h"
#include "sysctl.h"

/* The service a well-known port belongs to, or NULL. */
const char *portguard_service(unsigned port);

/* Ports of [lo, hi] not in reserved that are well known or in listening
 * (may be NULL) go into out; returns how many. */
unsigned portguard_exposed(long lo, long hi, const struct portset *reserved,
			   const struct portset *listening,
			   struct portset *out);

/* "80,443,8000-8080" for the ports of s within [lo, hi]; -E2BIG if longer
 * than len. */
int portset_format(const struct portset *s, unsigned lo, unsigned hi,
		   char *buf, size_t len);

/* "27017-27019 (MongoDB), 40010 (listened on here)"; -E2BIG if cut. */
int portguard_describe(const struct portset *exposed, unsigned lo, unsigned hi,
		       const struct portset *listening, char *buf, size_t len);

/* Plan hook: warn when the planned range/reservations expose a port. */
void portguard_plan(struct plan *plan);

#endif
