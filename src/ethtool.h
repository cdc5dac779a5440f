/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_ETHTOOL_H
#define PORTTUNE_ETHTOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net/if.h>

#include "err.h"

/*
 * ethtool generic netlink client (family "ethtool", Linux 5.6+; features,
 * rings, channels and coalesce since 5.7). One session, one socket.
 *
 * Features are identified by kernel feature NAME; bit indexes are valid only
 * within one session (they differ between kernels), never store them.
 */

enum eth_area {
	ETH_FEATURES,
	ETH_COALESCE,
	ETH_RINGS,
	ETH_CHANNELS,
	ETH_AREA_N
};
#define ETH_AREA_BIT(a)	(1u << (a))
#define ETH_AREA_ALL	((1u << ETH_AREA_N) - 1)

/* Room for 256 feature bits; the kernel has 64 today (netdev_features_t). */
#define ETH_FEAT_WORDS	8
#define ETH_FEAT_MAX	(ETH_FEAT_WORDS * 32)

struct eth_bits {
	uint32_t w[ETH_FEAT_WORDS];
};

static inline bool eth_bit(const struct eth_bits *b, unsigned int i)
{
	return i < ETH_FEAT_MAX && (b->w[i / 32] >> (i % 32)) & 1;
}

static inline void eth_bit_set(struct eth_bits *b, unsigned int i, bool on)
{
	if (i >= ETH_FEAT_MAX)
		return;
	if (on)
		b->w[i / 32] |= 1u << (i % 32);
	else
		b->w[i / 32] &= ~(1u << (i % 32));
}

/* ---- parameter tables (pure) ---------------------------------------- */

enum eth_ptype { ETH_U32, ETH_BOOL };

struct eth_param {
	const char *name;	/* as ethtool -C/-G/-L names it: "rx-usecs" */
	enum eth_area area;
	unsigned int idx;	/* index in eth_area_state.v[] and the table */
	uint16_t attr;		/* ETHTOOL_A_{COALESCE,RINGS,CHANNELS}_* */
	uint16_t max_attr;	/* attribute holding the maximum; 0: none */
	enum eth_ptype type;	/* ETH_BOOL is a u8 0/1 on the wire */
};

#define ETH_PARAM_MAX	24	/* the largest table (coalesce) */

/* NULL when name is not a parameter of area. */
const struct eth_param *eth_param_find(enum eth_area area, const char *name);
unsigned int eth_param_count(enum eth_area area);
const struct eth_param *eth_param_at(enum eth_area area, unsigned int idx);
/* "features", "coalesce", "rings", "channels" */
const char *eth_area_name(enum eth_area area);

/* ---- feature names (pure) ------------------------------------------- */

/*
 * A profile's offload token: an ethtool short name (tso, gro, sg, ...), one
 * of ethtool's long names (tcp-segmentation-offload, ...), "lso" (= tso), or
 * a kernel feature string ([a-z0-9_-]+, e.g. rx-udp-gro-forwarding).
 */
bool eth_feature_token_valid(const char *token);

/*
 * Set in out the bits of names[0..n) that token covers (an alias expands to
 * its glob over the kernel's names; anything else must match exactly). Empty
 * names (retired bits) never match. Returns the number of matches: 0 means
 * "unknown feature on this kernel"; -EINVAL for an invalid token.
 */
int eth_feature_expand_names(const char *const *names, unsigned int n,
			     const char *token, struct eth_bits *out);

/* ---- session -------------------------------------------------------- */

struct eth;

/* -EOPNOTSUPP with a message when the kernel lacks ethtool netlink (< 5.6). */
int eth_open(struct eth **out, struct err *e);
void eth_close(struct eth *eth);

/* Whether this kernel implements the GET (set=false) or SET request. */
bool eth_kernel_has(const struct eth *eth, enum eth_area area, bool set);

/* The feature string set fetched at eth_open(). */
unsigned int eth_feature_count(const struct eth *eth);
const char *eth_feature_name(const struct eth *eth, unsigned int bit);
int eth_feature_index(struct eth *eth, const char *name);
int eth_feature_expand(const struct eth *eth, const char *token,
		       struct eth_bits *out);

/* ---- device state ---------------------------------------------------- */

struct eth_value {
	bool present;		/* supported by the device (see eth_dev_read) */
	uint32_t value;
	uint32_t max;		/* rings/channels only */
};

struct eth_area_state {
	bool read;		/* this area was asked for and answered */
	bool supported;		/* false: device (or kernel) has no such op */
	struct eth_value v[ETH_PARAM_MAX];
};

struct eth_features {
	unsigned int nbits;
	struct eth_bits hw;	/* changeable */
	struct eth_bits wanted;	/* requested */
	struct eth_bits active;	/* in effect */
	struct eth_bits nochange;
};

struct eth_dev {
	int ifindex;
	char name[IF_NAMESIZE];	/* from the kernel's reply */
	struct eth_area_state a[ETH_AREA_N];	/* a[ETH_FEATURES].v unused */
	struct eth_features feat;
};

/*
 * A device as a features dump names it: an eth_dev without the parameter
 * areas (152 bytes, not 1.3 KiB: a dump of 256 devices touched 80 pages).
 */
struct eth_dev_feat {
	int ifindex;
	char name[IF_NAMESIZE];
	struct eth_features feat;
};

/*
 * Read the areas in mask (ETH_AREA_BIT()s), one request per area. An area the
 * device or kernel does not implement (EOPNOTSUPP) is read && !supported, not
 * an error. Coalesce: a parameter is present iff its attribute is in the
 * reply. Rings/channels: present iff the maximum is non-zero. Reading only
 * the area just set is the cheap read-back after a SET; areas not in mask
 * are left as they were. Devices are found by index in the socket's netns
 * (if_nametoindex() for a name).
 */
int eth_dev_read(struct eth *eth, int ifindex, unsigned int mask,
		 struct eth_dev *out, struct err *e);

/*
 * The same for many devices in one dump request: devs[0..n) sorted by
 * ifindex (set by the caller). Only area is read; a device the dump skips
 * (no such operation) is read && !supported, like EOPNOTSUPP above.
 */
int eth_dump(struct eth *eth, enum eth_area area, struct eth_dev *devs,
	     size_t n, struct err *e);

/*
 * Every device of the socket's netns with its features, from one
 * FEATURES_GET dump (every device answers it): index and name come from the
 * reply headers, so no rtnetlink link dump is needed. *out (sorted by
 * ifindex) is free()d by the caller. -EOPNOTSUPP on kernels without
 * FEATURES_GET (5.6).
 */
int eth_dump_all(struct eth *eth, struct eth_dev_feat **out, size_t *n,
		 struct err *e);

/* Not in HW, or in NOCHANGE: cannot be changed on this device. */
bool eth_feature_fixed(const struct eth_features *f, unsigned int bit);

/* ---- changes --------------------------------------------------------- */

struct eth_feature_result {
	struct eth_bits wanted_diff;	/* requested bits that did not take */
	struct eth_bits active_diff;	/* bits whose active state changed */
	struct eth_bits active;		/* new active value of those bits */
};

/*
 * FEATURES_SET for up to ETH_BATCH_MAX devices, in one datagram: for each,
 * WANTED bits in mask get their value from value, nothing else is touched,
 * and res gets the kernel's diff (dependent bits that changed without being
 * asked included). The request names ifindex and ifname (may be NULL): the
 * kernel refuses with -ENODEV unless ifindex still has that name. The
 * kernel works through every request whatever became of the one before.
 * Returns 0 with each request's outcome in it, or -errno (e filled) when a
 * bad bit, the kernel or the transport stopped them; *sent counts the
 * requests sent, which may have taken effect.
 */
#define ETH_BATCH_MAX	32
struct eth_feature_req {
	int ifindex;
	const char *ifname;
	struct eth_bits mask, value;
	struct eth_feature_result res;	/* out */
	int code;			/* out: 0 or -errno */
	struct err e;			/* out: what went wrong */
};
int eth_features_set(struct eth *eth, struct eth_feature_req *v, size_t n,
		     size_t *sent, struct err *e);

struct eth_change {
	const struct eth_param *param;
	uint32_t value;
};

/*
 * COALESCE/RINGS/CHANNELS_SET with exactly these attributes (all of one
 * area). Errors: -EOPNOTSUPP means unsupported; e->msg is "[PARAM: ]kernel
 * text (errno text)", PARAM when the kernel blamed one attribute.
 */
int eth_params_set(struct eth *eth, int ifindex, const char *ifname,
		   const struct eth_change *ch, size_t n, struct err *e);

/* ---- for tests: reply parsers and encoders on raw messages ---------- */

struct nlmsghdr;
struct nlattr;

/* Decode a bitset attribute (compact or verbose); names may be NULL. */
int eth_bitset_decode(const struct nlattr *nest, const char *const *names,
		      unsigned int nnames, struct eth_bits *value,
		      struct eth_bits *mask, unsigned int *size);
/* Put a compact value+mask bitset of size bits as attribute type. */
void eth_bitset_put(struct nlmsghdr *nlh, uint16_t type, unsigned int size,
		    const struct eth_bits *value, const struct eth_bits *mask);

/* Parse callbacks (nl_parse_fn); data is struct eth_parse. */
struct eth_parse {
	const char *const *names;	/* feature strings, may be NULL */
	unsigned int nnames;
	struct eth_dev *dev;		/* GET replies */
	struct eth_feature_result *res;	/* FEATURES_SET reply */
	char (*strings)[32];		/* STRSET reply: ETH_FEAT_MAX entries */
	unsigned int nstrings;
};
int eth_parse_strset(const struct nlmsghdr *nlh, void *data, struct err *e);
int eth_parse_features(const struct nlmsghdr *nlh, void *data, struct err *e);
int eth_parse_params(const struct nlmsghdr *nlh, void *data, struct err *e);
int eth_parse_features_set(const struct nlmsghdr *nlh, void *data,
			   struct err *e);

struct nl *eth_nl(struct eth *eth);

/* Shared by ethtool.c and ethtool_parse.c. */
struct eth_cmds {
	uint8_t get, set, reply;	/* GET/SET request, GET reply */
};
extern const struct eth_cmds eth_cmds[ETH_AREA_N];
const struct eth_param *eth_param_by_attr(enum eth_area area,
					 unsigned int type, bool *is_max);

#endif
