// SPDX-License-Identifier: GPL-2.0-or-later
/* The registry's one table. Order: the order of a plan and a snapshot. */
#include <string.h>

#include "keyspec.h"

static const struct keyspec *const specs[T_COUNT] = {
	[T_SYSCTL] = &sysctl_keyspec,
	[T_NIC] = &nic_keyspec,
};

const struct keyspec *keyspec_by_section(const char *name)
{
	for (size_t i = 0; i < T_COUNT; i++)
		if (!strcmp(specs[i]->section, name))
			return specs[i];
	return NULL;
}

const struct keyspec *keyspec_of(enum target t)
{
	return (unsigned)t < T_COUNT ? specs[t] : NULL;
}
