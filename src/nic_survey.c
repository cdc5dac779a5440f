// SPDX-License-Identifier: GPL-2.0-or-later
/* What audit shows of each interface: the offloads and moderation that
 * matter for many short connections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethtool.h"
#include "links.h"
#include "nic.h"

static int feature_on(struct eth *eth, const struct eth_dev *d,
		      const char *name)
{
	int b = eth_feature_index(eth, name);

	return b < 0 ? -1 : eth_bit(&d->feat.active, b);
}

static void survey_one(struct eth *eth, const struct link *l,
		       struct nic_state *s)
{
	const struct eth_param *rx_usecs = eth_param_find(ETH_COALESCE,
							  "rx-usecs");
	const struct eth_param *adaptive = eth_param_find(ETH_COALESCE,
							  "adaptive-rx");
	const struct eth_param *comb = eth_param_find(ETH_CHANNELS, "combined");
	const struct eth_param *rx = eth_param_find(ETH_CHANNELS, "rx");
	const struct eth_area_state *co, *chs;
	struct eth_dev d;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", l->name);
	snprintf(s->driver, sizeof(s->driver), "%s", l->driver);
	snprintf(s->kind, sizeof(s->kind), "%s", l->kind);
	s->tso = s->gso = s->gro = s->lro = -1;
	s->rx_usecs = s->adaptive_rx = s->channels = s->channels_max = -1;
	memset(&d, 0, sizeof(d));
	if (eth_dev_read(eth, l->ifindex, ETH_AREA_BIT(ETH_FEATURES) |
			 ETH_AREA_BIT(ETH_COALESCE) |
			 ETH_AREA_BIT(ETH_CHANNELS), &d, NULL))
		return;
	s->tso = feature_on(eth, &d, "tx-tcp-segmentation");
	s->gso = feature_on(eth, &d, "tx-generic-segmentation");
	s->gro = feature_on(eth, &d, "rx-gro");
	s->lro = feature_on(eth, &d, "rx-lro");
	co = &d.a[ETH_COALESCE];
	if (co->supported && co->v[rx_usecs->idx].present)
		s->rx_usecs = co->v[rx_usecs->idx].value;
	if (co->supported && co->v[adaptive->idx].present)
		s->adaptive_rx = co->v[adaptive->idx].value;
	chs = &d.a[ETH_CHANNELS];
	if (chs->supported) {
		const struct eth_value *c = chs->v[comb->idx].present
			? &chs->v[comb->idx] : &chs->v[rx->idx];

		if (c->present) {
			s->channels = c->value;
			s->channels_max = c->max;
		}
	}
}

int nic_survey(const struct profile *p, struct nic_state **out, size_t *n,
	       struct err *err)
{
	struct link *links;
	struct eth *eth;
	size_t nl;
	int rc;

	*out = NULL;
	*n = 0;
	rc = eth_open(&eth, err);
	if (rc)
		return rc;
	rc = links_list(&links, &nl, true, err);
	if (rc) {
		eth_close(eth);
		return rc;
	}
	*out = calloc(nl + 1, sizeof(**out));
	if (!*out)
		abort();
	for (size_t i = 0; i < nl; i++) {
		bool want = p && p->nnic ? false : strcmp(links[i].name, "lo");

		for (size_t s = 0; p && s < p->nnic; s++)
			want |= links_match(&links[i], p->nic[s].match);
		if (want)
			survey_one(eth, &links[i], &(*out)[(*n)++]);
	}
	free(links);
	eth_close(eth);
	return 0;
}
