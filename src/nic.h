/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_NIC_H
#define PORTTUNE_NIC_H

#include <stddef.h>

#include "profile.h"

/* What audit shows for one interface; filled by nic_survey(). */
struct nic_state {
	char name[16];
	char driver[32];
	char kind[32];
	/* active offloads that matter for many short connections */
	int tso, gso, gro, lro;		/* 1 on, 0 off, -1 unknown */
	int rx_usecs, adaptive_rx;	/* -1 unsupported */
	int channels, channels_max;	/* combined, else rx; -1 unsupported */
};

/*
 * Survey the interfaces a profile's [nic] sections match (all but lo when
 * p is NULL or has none).
 */
int nic_survey(const struct profile *p, struct nic_state **out, size_t *n,
	       struct err *err);

#endif
