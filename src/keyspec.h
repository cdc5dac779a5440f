/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_KEYSPEC_H
#define PORTTUNE_KEYSPEC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The key registry: one pure descriptor per kind of setting a profile can
 * name. The profile loader, the plan's output and the snapshot writer ask
 * these descriptors, so none of them depends on a backend; a new kind of
 * setting is one descriptor here and one backend in plan.c's table.
 */
enum target { T_SYSCTL, T_NIC, T_COUNT };

#define KEY_VALUE_MAX 4096

/* The verdict on one "key = value" line of a section. */
struct keycheck {
	char key[512];			/* canonical key */
	char value[KEY_VALUE_MAX];	/* normalised value */
	char warn[512];			/* a warning that keeps the line; "" */
	char msg[600];			/* why the line is refused */
};

struct keyspec {
	enum target target;
	const char *section;	/* the section's name: [sysctl], [nic ...] */
	const char *type;	/* one word for a change of this kind (JSON) */
	/*
	 * The section names the devices it applies to ([nic eth*]), and may
	 * appear many times; otherwise it takes no argument and its keys form
	 * one list.
	 */
	bool per_device;
	const char *arg_hint;	/* what a per-device section's argument is */
	/* A per-device section's argument; 0, or -EINVAL with msg. */
	int (*check_arg)(const char *arg, char *msg, size_t len);
	/*
	 * Canonicalise key and normalise value into c; 0, or -EINVAL with
	 * c->msg. A `raw` value is what the kernel had (a snapshot): it is
	 * kept even when porttune would refuse it in a profile.
	 */
	int (*check)(const char *key, const char *value, bool raw,
		     struct keycheck *c);
};

extern const struct keyspec sysctl_keyspec;
extern const struct keyspec nic_keyspec;

/* NULL when no kind of setting has this section name. */
const struct keyspec *keyspec_by_section(const char *name);
const struct keyspec *keyspec_of(enum target t);

#endif
