/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_BACKEND_H
#define PORTTUNE_BACKEND_H

#include "plan.h"

/* What plan.c needs from each kind of setting. */
struct backend {
	enum target target;
	/* append this backend's changes for profile p, statuses filled */
	int (*build)(const struct profile *p, struct plan *plan,
		     struct err *err);
	/*
	 * Write v[0..n): entries in CS_PENDING get their `after` value and
	 * read back; each written one is marked `touched`, and CS_FAILED when
	 * it did not take (the caller marks the rest CS_CHANGED, or CS_FAILED
	 * on error). Reverting, touched entries get change_restore_value().
	 */
	int (*set)(struct plan *plan, struct change *v, size_t n, bool revert,
		   struct err *err);
	/* how many changes from v[0] travel in one request (n available) */
	size_t (*group)(const struct change *v, size_t n);
	/* free what build left in plan->ctx[target]; may be NULL */
	void (*release)(struct plan *plan);
};

extern const struct backend sysctl_backend;
extern const struct backend nic_backend;

#endif
