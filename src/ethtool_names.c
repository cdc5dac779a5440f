// SPDX-License-Identifier: GPL-2.0-or-later
/* Pure name tables for ethtool.c: no I/O, so the profile parser can use them. */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>

#include "ethtool.h"

/*
 * ethtool's off_flag_def: short and long names (both accepted by ethtool -K
 * and shown by ethtool -k) and the glob over kernel feature strings.
 */
static const struct {
	const char *short_name;
	const char *long_name;
	const char *pattern;
} aliases[] = {
	{ "rx",     "rx-checksumming",              "rx-checksum" },
	{ "tx",     "tx-checksumming",              "tx-checksum-*" },
	{ "sg",     "scatter-gather",               "tx-scatter-gather*" },
	{ "tso",    "tcp-segmentation-offload",     "tx-tcp*-segmentation" },
	/* Windows' name for TSO. */
	{ "lso",    NULL,                           "tx-tcp*-segmentation" },
	/* The kernel dropped UFO in 4.14: expands to nothing there. */
	{ "ufo",    "udp-fragmentation-offload",    "tx-udp-fragmentation" },
	{ "gso",    "generic-segmentation-offload", "tx-generic-segmentation" },
	{ "gro",    "generic-receive-offload",      "rx-gro" },
	{ "lro",    "large-receive-offload",        "rx-lro" },
	{ "rxvlan", "rx-vlan-offload",              "rx-vlan-hw-parse" },
	{ "txvlan", "tx-vlan-offload",              "tx-vlan-hw-insert" },
	{ "ntuple", "ntuple-filters",               "rx-ntuple-filter" },
	{ "rxhash", "receive-hashing",              "rx-hashing" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* First characters first: most names looked up (a snapshot's, a plan's)
 * are kernel names, no alias. */
static bool same(const char *a, const char *b)
{
	return b && a[0] == b[0] && !strcmp(a, b);
}

static const char *alias_pattern(const char *token)
{
	size_t i;

	for (i = 0; i < N(aliases); i++)
		if (same(token, aliases[i].short_name) ||
		    same(token, aliases[i].long_name))
			return aliases[i].pattern;
	return NULL;
}

/* Kernel names are < ETH_GSTRING_LEN; some have '_' (tx-udp_tnl-...). */
static bool kernel_style(const char *token)
{
	size_t i;

	if (token[0] == '-')
		return false;
	for (i = 0; token[i]; i++) {
		char c = token[i];

		if (i + 1 >= ETH_GSTRING_LEN ||
		    !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return i > 0;
}

/* Every alias is kernel-style too (the unit tests check each): the table
 * is asked only about the rest. */
bool eth_feature_token_valid(const char *token)
{
	return kernel_style(token) || alias_pattern(token);
}

int eth_feature_expand_names(const char *const *names, unsigned int n,
			     const char *token, struct eth_bits *out)
{
	const char *pattern;
	unsigned int i;
	int count = 0;

	memset(out, 0, sizeof(*out));
	if (!eth_feature_token_valid(token))
		return -EINVAL;
	pattern = alias_pattern(token);
	for (i = 0; i < n && i < ETH_FEAT_MAX; i++) {
		bool hit;

		if (!names[i] || !names[i][0])
			continue;
		if (pattern)
			hit = fnmatch(pattern, names[i], 0) == 0;
		else
			hit = strcmp(token, names[i]) == 0;
		if (hit) {
			eth_bit_set(out, i, true);
			count++;
		}
	}
	return count;
}

#define C(i, n, a, t) { n, ETH_COALESCE, i, ETHTOOL_A_COALESCE_##a, 0, t }

/* idx is the position in the table (checked by the unit tests). */
static const struct eth_param coalesce[] = {
	C( 0, "rx-usecs",          RX_USECS,              ETH_U32),
	C( 1, "rx-frames",         RX_MAX_FRAMES,         ETH_U32),
	C( 2, "rx-usecs-irq",      RX_USECS_IRQ,          ETH_U32),
	C( 3, "rx-frames-irq",     RX_MAX_FRAMES_IRQ,     ETH_U32),
	C( 4, "tx-usecs",          TX_USECS,              ETH_U32),
	C( 5, "tx-frames",         TX_MAX_FRAMES,         ETH_U32),
	C( 6, "tx-usecs-irq",      TX_USECS_IRQ,          ETH_U32),
	C( 7, "tx-frames-irq",     TX_MAX_FRAMES_IRQ,     ETH_U32),
	C( 8, "stats-block-usecs", STATS_BLOCK_USECS,     ETH_U32),
	C( 9, "adaptive-rx",       USE_ADAPTIVE_RX,       ETH_BOOL),
	C(10, "adaptive-tx",       USE_ADAPTIVE_TX,       ETH_BOOL),
	C(11, "pkt-rate-low",      PKT_RATE_LOW,          ETH_U32),
	C(12, "rx-usecs-low",      RX_USECS_LOW,          ETH_U32),
	C(13, "rx-frames-low",     RX_MAX_FRAMES_LOW,     ETH_U32),
	C(14, "tx-usecs-low",      TX_USECS_LOW,          ETH_U32),
	C(15, "tx-frames-low",     TX_MAX_FRAMES_LOW,     ETH_U32),
	C(16, "pkt-rate-high",     PKT_RATE_HIGH,         ETH_U32),
	C(17, "rx-usecs-high",     RX_USECS_HIGH,         ETH_U32),
	C(18, "rx-frames-high",    RX_MAX_FRAMES_HIGH,    ETH_U32),
	C(19, "tx-usecs-high",     TX_USECS_HIGH,         ETH_U32),
	C(20, "tx-frames-high",    TX_MAX_FRAMES_HIGH,    ETH_U32),
	C(21, "sample-interval",   RATE_SAMPLE_INTERVAL,  ETH_U32),
	C(22, "cqe-mode-rx",       USE_CQE_MODE_RX,       ETH_BOOL),
	C(23, "cqe-mode-tx",       USE_CQE_MODE_TX,       ETH_BOOL),
};

#define R(i, n, a) { n, ETH_RINGS, i, ETHTOOL_A_RINGS_##a, \
			   ETHTOOL_A_RINGS_##a##_MAX, ETH_U32 }

static const struct eth_param rings[] = {
	R(0, "rx", RX), R(1, "rx-mini", RX_MINI), R(2, "rx-jumbo", RX_JUMBO),
	R(3, "tx", TX),
};

#define H(i, n, a) { n, ETH_CHANNELS, i, ETHTOOL_A_CHANNELS_##a##_COUNT, \
			   ETHTOOL_A_CHANNELS_##a##_MAX, ETH_U32 }

static const struct eth_param channels[] = {
	H(0, "rx", RX), H(1, "tx", TX), H(2, "other", OTHER),
	H(3, "combined", COMBINED),
};

_Static_assert(N(coalesce) <= ETH_PARAM_MAX, "ETH_PARAM_MAX too small");

static const struct eth_param *table(enum eth_area area, unsigned int *n)
{
	switch (area) {
	case ETH_COALESCE:
		*n = N(coalesce);
		return coalesce;
	case ETH_RINGS:
		*n = N(rings);
		return rings;
	case ETH_CHANNELS:
		*n = N(channels);
		return channels;
	default:
		*n = 0;
		return NULL;
	}
}

unsigned int eth_param_count(enum eth_area area)
{
	unsigned int n;

	table(area, &n);
	return n;
}

const struct eth_param *eth_param_at(enum eth_area area, unsigned int idx)
{
	const struct eth_param *t;
	unsigned int n;

	t = table(area, &n);
	return t && idx < n ? &t[idx] : NULL;
}

const struct eth_param *eth_param_find(enum eth_area area, const char *name)
{
	const struct eth_param *t;
	unsigned int i, n;

	t = table(area, &n);
	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

const char *eth_area_name(enum eth_area area)
{
	static const char *const names[ETH_AREA_N] = {
		"features", "coalesce", "rings", "channels",
	};

	return area < ETH_AREA_N ? names[area] : "?";
}
