// SPDX-License-Identifier: GPL-2.0-or-later
/* The backends' table: one row per target, in the registry's order. */
#include "plan.h"

const struct backend *const backends[T_COUNT] = {
	[T_SYSCTL] = &sysctl_backend,
	[T_NIC] = &nic_backend,
};
