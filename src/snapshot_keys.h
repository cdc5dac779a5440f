/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_SNAPSHOT_KEYS_H
#define PORTTUNE_SNAPSHOT_KEYS_H

#include <stdbool.h>
#include <stdint.h>

#include "netns.h"
#include "plan.h"

/*
 * Does snapshot text `prev` list every setting `fresh` lists (the same
 * section and key, in the same order, values aside), for the same network
 * namespace and boot? Both must be as porttune renders snapshots; anything
 * else is "no", and the caller takes the long way. Pure.
 */
bool snapshot_keys_within(const char *fresh, const char *prev);

/*
 * The settings a snapshot of plan lists (section, device and key of each
 * line, in order) and the namespace and boot it is taken in, as one
 * number, written in its head as SNAPSHOT_DIGEST_LINE and 16 hex digits.
 * Two snapshots with the same number list the same settings there, so an
 * apply need not read the previous snapshot whole to know it. Values are
 * left out: they change every time.
 */
#define SNAPSHOT_DIGEST_LINE "\n; settings "
uint64_t snapshot_digest(const struct plan *plan, const struct netns_id *ns);
/* The digest in a snapshot's head; false when there is none. */
bool snapshot_head_digest(const char *head, uint64_t *d);

#endif
