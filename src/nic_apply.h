/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_NIC_APPLY_H
#define PORTTUNE_NIC_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

struct eth;

/* The ethtool session of a plan (plan->ctx[T_NIC]), opened on first use. */
struct eth *nic_session(struct plan *plan, struct err *err);

/* The NIC backend's group, set and release (struct backend, plan.h). */
size_t nic_group(const struct change *v, size_t n);
int nic_set(struct plan *plan, struct change *v, size_t n, bool revert,
	    struct err *err);
void nic_release(struct plan *plan);

#endif
