// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a [nic ...] section may say, the pure half of the NIC backend:
 * offload.NAME = on|off, coalesce.NAME = N|on|off, ring.NAME = N|max,
 * channels.NAME = N|max. The registry's NIC descriptor.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethtool.h"
#include "keyspec.h"
#include "nic_keys.h"
#include "words.h"

static const struct {
	const char *prefix;
	enum eth_area area;
} prefixes[] = {
	{ "offload", ETH_FEATURES },
	{ "coalesce", ETH_COALESCE },
	{ "ring", ETH_RINGS },
	{ "channels", ETH_CHANNELS },
};

#define NPREFIX (sizeof(prefixes) / sizeof(*prefixes))

int nic_area_of(const char *key, const char **name)
{
	const char *dot = strchr(key, '.');

	for (size_t i = 0; dot && i < NPREFIX; i++) {
		if (!strncmp(key, prefixes[i].prefix, dot - key) &&
		    !prefixes[i].prefix[dot - key]) {
			*name = dot + 1;
			return prefixes[i].area;
		}
	}
	return -1;
}

const char *nic_area_prefix(int area)
{
	for (size_t i = 0; i < NPREFIX; i++)
		if ((int)prefixes[i].area == area)
			return prefixes[i].prefix;
	return "?";
}

/* snprintf(dst, len, "%s", src) without the format machinery: a snapshot
 * has a line per feature per device, each copied twice. */
static void copy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

int nic_parse_u32(const char *v, unsigned long *out)
{
	char *end;

	if (!*v || *v == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoul(v, &end, 10);
	return errno || *end || *out > 0xffffffffUL ? -EINVAL : 0;
}

static int suggest_key(const char *key, char *msg, size_t len)
{
	const char *cands[NPREFIX * ETH_PARAM_MAX + 1];
	char *full[NPREFIX * ETH_PARAM_MAX + 1];
	const char *near;
	size_t n = 0;

	for (size_t a = 1; a < NPREFIX; a++) {
		for (unsigned i = 0; i < eth_param_count(prefixes[a].area); i++) {
			if (asprintf(&full[n], "%s.%s", prefixes[a].prefix,
				     eth_param_at(prefixes[a].area, i)->name) < 0)
				abort();
			cands[n] = full[n];
			n++;
		}
	}
	near = nearest_word(key, cands, n);
	if (near)
		snprintf(msg, len, "unknown NIC setting '%s'; did you mean "
			 "'%s'?", key, near);
	else
		snprintf(msg, len, "unknown NIC setting '%s' (use offload.*, "
			 "coalesce.*, ring.* or channels.*)", key);
	for (size_t i = 0; i < n; i++)
		free(full[i]);
	return -EINVAL;
}

static int nic_key_check(const char *key, const char *value, char *norm,
			 size_t normlen, char *msg, size_t msglen)
{
	const struct eth_param *p;
	const char *name;
	int area = nic_area_of(key, &name);
	unsigned long u;
	bool onoff = !strcmp(value, "on") || !strcmp(value, "off");

	if (area < 0 || !*name)
		return suggest_key(key, msg, msglen);
	if (area == ETH_FEATURES && !eth_feature_token_valid(name)) {
		snprintf(msg, msglen, "%s: '%s' is not an ethtool feature name",
			 key, name);
		return -EINVAL;
	}
	p = area == ETH_FEATURES ? NULL : eth_param_find(area, name);
	if (area != ETH_FEATURES && !p)
		return suggest_key(key, msg, msglen);
	/* offloads and the u8 coalesce flags are switches */
	if (!p || p->type == ETH_BOOL) {
		if (!onoff) {
			snprintf(msg, msglen, "%s: '%s' is not on or off", key,
				 value);
			return -EINVAL;
		}
		copy(norm, normlen, value);
		return 0;
	}
	if (!strcmp(value, "max") && p->max_attr) {
		copy(norm, normlen, "max");
		return 0;
	}
	if (nic_parse_u32(value, &u)) {
		snprintf(msg, msglen, "%s: '%s' is not a number%s", key, value,
			 p->max_attr ? " or max" : "");
		return -EINVAL;
	}
	snprintf(norm, normlen, "%lu", u);
	return 0;
}

static int check_arg(const char *arg, char *msg, size_t len)
{
	if (strcmp(arg, "driver=") && strcmp(arg, "name="))
		return 0;
	snprintf(msg, len, "[nic %s] needs a name", arg);
	return -EINVAL;
}

static int check(const char *key, const char *value, bool raw,
		 struct keycheck *c)
{
	(void)raw;	/* a snapshot's NIC values are ours: the same syntax */
	copy(c->key, sizeof(c->key), key);
	c->warn[0] = '\0';
	return nic_key_check(key, value, c->value, sizeof(c->value), c->msg,
			     sizeof(c->msg));
}

const struct keyspec nic_keyspec = {
	.target = T_NIC,
	.section = "nic",
	.type = "nic",
	.per_device = true,
	.arg_hint = "an interface glob or driver=NAME, e.g. [nic eth*]",
	.check_arg = check_arg,
	.check = check,
};
