/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_NIC_KEYS_H
#define PORTTUNE_NIC_KEYS_H

#include <stddef.h>

/* Keys and values are checked through the registry: nic_keyspec. */

/* The ethtool area (enum eth_area) a key's prefix names, -1 for none;
 * *name is the part after the dot. */
int nic_area_of(const char *key, const char **name);
/* The profile prefix of an area ("offload", "ring", ...). */
const char *nic_area_prefix(int area);
/* A decimal u32: no sign, no blanks. */
int nic_parse_u32(const char *v, unsigned long *out);

#endif
