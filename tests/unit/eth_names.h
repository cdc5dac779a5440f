/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For the ethtool unit tests: the recorded kernel's feature string set, as
 * eth_open() would load it, in names[0..nnames) (a cmocka group setup).
 */
#ifndef PORTTUNE_TEST_ETH_NAMES_H
#define PORTTUNE_TEST_ETH_NAMES_H

#include "data/ethtool/strset_features.h"

static char strings[ETH_FEAT_MAX][32];
static const char *names[ETH_FEAT_MAX];
static unsigned int nnames;

static int load_names(void **state)
{
	struct eth_parse p = { .strings = strings };
	struct err e = { 0 };

	(void)state;
	if (nl_parse_buf(rec_strset_features, rec_strset_features_len,
			 eth_parse_strset, &p, &e))
		return -1;
	nnames = p.nstrings;
	for (unsigned int i = 0; i < nnames; i++)
		names[i] = strings[i];
	return 0;
}

#endif
