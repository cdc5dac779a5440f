/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_SNAPSHOT_KEYS_H
#define PORTTUNE_SNAPSHOT_KEYS_H

#include <stdbool.h>

/*
 * Does snapshot text `prev` list every setting `fresh` lists (the same
 * section and key, in the same order, values aside), for the same network
 * namespace and boot? Both must be as porttune renders snapshots; anything
 * else is "no", and the caller takes the long way. Pure.
 */
bool snapshot_keys_within(const char *fresh, const char *prev);

#endif
