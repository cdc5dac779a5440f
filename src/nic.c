// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NIC backend of the plan: [nic ...] sections -> per-interface changes
 * to offloads, coalescing, rings and channels, read from ethtool netlink
 * (what writes them is nic_apply.c).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "ethtool.h"
#include "links.h"
#include "nic.h"
#include "nic_apply.h"
#include "nic_keys.h"
#include "words.h"

/* ---- plan ------------------------------------------------------------ */

/* The effective value of one setting on one device; later sections win. */
struct want {
	const char *value;
	const char *file;
	int line;
	const struct eth_bits *group;	/* offload: all bits of its alias */
	bool on;			/* offload: value is "on" */
};

struct dev_wants {
	struct want feat[ETH_FEAT_MAX];
	struct want par[ETH_AREA_N][ETH_PARAM_MAX];
	struct eth_bits feat_set;	/* the feat[] written: planned, cleared */
	unsigned mask;		/* areas used */
};

/* Back to empty for the next device: only what collect() wrote. */
static void wants_clear(struct dev_wants *w)
{
	for (unsigned w32 = 0; w32 < ETH_FEAT_WORDS; w32++)
		for (uint32_t m = w->feat_set.w[w32]; m; m &= m - 1)
			w->feat[w32 * 32 + __builtin_ctz(m)] = (struct want){ 0 };
	for (int a = ETH_COALESCE; a < ETH_AREA_N; a++)
		if (w->mask & ETH_AREA_BIT(a))
			memset(w->par[a], 0, sizeof(w->par[a]));
	memset(&w->feat_set, 0, sizeof(w->feat_set));
	w->mask = 0;
}

/* An offload token that names no feature of this kernel is an error. */
static void unknown_feature(struct plan *plan, struct eth *eth,
			    const struct link *l, const struct pkv *kv,
			    const char *token)
{
	const char *names[ETH_FEAT_MAX];
	unsigned n = eth_feature_count(eth);
	struct change *c = plan_add(plan, T_NIC, l->name, kv->key, kv->value,
				    kv->file, kv->line);
	const char *near;

	for (unsigned i = 0; i < n; i++)
		names[i] = eth_feature_name(eth, i);
	near = nearest_word(token, names, n);
	c->status = CS_INVALID;
	c->ifindex = l->ifindex;
	plan_set_note(c, "%s: '%s' is not a feature of this kernel%s%s%s",
		      l->name, token, near ? " (did you mean " : "",
		      near ? near : "", near ? "?)" : "");
}

/*
 * What a section's key means is the same for every device: its area and
 * parameter, and an offload key's feature bits. Worked out once.
 */
struct expansion {
	int area;		/* < 0 not looked up yet */
	const char *name;	/* the part after the area prefix */
	const struct eth_param *param;	/* coalesce/rings/channels */
	struct eth_bits bits;
	int n;			/* bits matched; < 0 not expanded yet */
	bool reported;		/* unknown on this kernel, and said so */
	bool on;		/* offload: the value is "on" (else "off") */
	const char *value;	/* the plan's copy, made once for every device */
};

static void collect(struct plan *plan, struct eth *eth, const struct link *l,
		    const struct nic_section *s, struct expansion *x,
		    struct dev_wants *w)
{
	for (size_t k = 0; k < s->nkv; k++) {
		const struct pkv *kv = &s->kv[k];
		struct want one;
		const char *name;
		int area;

		if (x[k].area < 0) {
			x[k].area = nic_area_of(kv->key, &x[k].name);
			if (x[k].area != ETH_FEATURES)
				x[k].param = eth_param_find(x[k].area,
							    x[k].name);
			x[k].on = !strcmp(kv->value, "on");
			x[k].value = plan_str(plan, kv->value);
		}
		one = (struct want){ x[k].value, kv->file, kv->line, NULL,
				     x[k].on };
		area = x[k].area;
		name = x[k].name;
		w->mask |= ETH_AREA_BIT(area);
		if (area != ETH_FEATURES) {
			w->par[area][x[k].param->idx] = one;
			continue;
		}
		if (x[k].n < 0)
			x[k].n = eth_feature_expand(eth, name, &x[k].bits);
		if (x[k].n <= 0) {
			if (!x[k].reported)
				unknown_feature(plan, eth, l, kv, name);
			x[k].reported = true;
			continue;
		}
		one.group = &x[k].bits;
		for (unsigned w32 = 0; w32 < ETH_FEAT_WORDS; w32++) {
			for (uint32_t m = x[k].bits.w[w32]; m; m &= m - 1)
				w->feat[w32 * 32 + __builtin_ctz(m)] = one;
			w->feat_set.w[w32] |= x[k].bits.w[w32];
		}
	}
}

static const char *onoff(bool on)
{
	return on ? "on" : "off";
}

/* The driver name for a message: looked up only when one is needed. */
static const char *driver_of(struct link *l)
{
	if (!l->driver[0] && links_driver(l->name, l->driver, sizeof(l->driver)))
		snprintf(l->driver, sizeof(l->driver), "?");
	return l->driver;
}

/* Whether any bit of an alias's group can change on this device. */
static bool group_changeable(const struct eth_features *f,
			     const struct eth_bits *g)
{
	for (unsigned b = 0; b < ETH_FEAT_MAX; b++)
		if (eth_bit(g, b) && !eth_feature_fixed(f, b))
			return true;
	return false;
}

/* "offload.NAME" of each feature bit and the device's name, the plan's
 * strings made once (on first use) and shared by its changes: a key per
 * device and bit would be one snprintf and one copy per change. */
struct feat_keys {
	const char *s[ETH_FEAT_MAX];
	const struct link *of;	/* dev is its name */
	const char *dev;
};

static const char *feat_key(struct feat_keys *k, struct plan *plan,
			    struct eth *eth, unsigned b)
{
	char key[64];

	if (!k->s[b]) {
		snprintf(key, sizeof(key), "offload.%s",
			 eth_feature_name(eth, b));
		k->s[b] = plan_str(plan, key);
	}
	return k->s[b];
}

static const char *feat_dev(struct feat_keys *k, struct plan *plan,
			    const struct link *l)
{
	if (k->of != l) {
		k->of = l;
		k->dev = plan_str(plan, l->name);
	}
	return k->dev;
}

static void plan_feature(struct plan *plan, struct eth *eth, struct link *l,
			 const struct eth_features *f, const struct want *x,
			 unsigned b, struct feat_keys *keys)
{
	bool active = eth_bit(&f->active, b);
	bool wanted = eth_bit(&f->wanted, b);
	struct change *c;

	/*
	 * Like ethtool -K: an alias (tso, tx, sg) changes the bits the
	 * device can change; its fixed bits are unsupported only when
	 * the device can change none of them.
	 */
	if (active != x->on && eth_feature_fixed(f, b) &&
	    group_changeable(f, x->group))
		return;
	c = plan_add(plan, T_NIC, feat_dev(keys, plan, l),
		     feat_key(keys, plan, eth, b), x->value, x->file, x->line);
	c->ifindex = l->ifindex;
	c->before = onoff(active);
	/* snapshot what was requested; audit what is in effect */
	if (wanted != active)
		c->restore = onoff(wanted);
	if (active == x->on)
		/* in effect already; a request that disagrees would
		 * surface once a feature it depends on changes */
		c->status = wanted == active || eth_feature_fixed(f, b)
			    ? CS_SAME : CS_PENDING;
	else if (eth_feature_fixed(f, b))
		c->status = CS_UNSUPPORTED;
	else
		c->status = CS_PENDING;
	if (c->status == CS_PENDING && wanted != active)
		plan_set_note(c, "requested %s, in effect %s",
			      onoff(wanted), onoff(active));
	if (c->status == CS_UNSUPPORTED)
		plan_set_note(c, "fixed %s on this device (driver %s)",
			      c->before, driver_of(l));
}

/* Only the bits some section wants, in ascending order as before. */
static void plan_features(struct plan *plan, struct eth *eth,
			  struct link *l, const struct eth_features *f,
			  const struct dev_wants *w, struct feat_keys *keys)
{
	for (unsigned w32 = 0; w32 < ETH_FEAT_WORDS; w32++)
		for (uint32_t m = w->feat_set.w[w32]; m; m &= m - 1) {
			unsigned b = w32 * 32 + __builtin_ctz(m);

			if (w->feat[b].value)
				plan_feature(plan, eth, l, f, &w->feat[b], b,
					     keys);
		}
}

static void plan_params(struct plan *plan, struct link *l,
			const struct eth_dev *d, const struct dev_wants *w,
			enum eth_area area)
{
	const struct eth_area_state *st = &d->a[area];

	for (unsigned i = 0; i < eth_param_count(area); i++) {
		const struct eth_param *p = eth_param_at(area, i);
		const struct want *x = &w->par[area][i];
		const struct eth_value *v = &st->v[i];
		char key[64], val[16];
		struct change *c;

		if (!x->value)
			continue;
		snprintf(key, sizeof(key), "%s.%s", nic_area_prefix(area), p->name);
		if (!strcmp(x->value, "max") && st->supported && v->present)
			snprintf(val, sizeof(val), "%u", v->max);
		else
			snprintf(val, sizeof(val), "%s", x->value);
		c = plan_add(plan, T_NIC, l->name, key, val, x->file, x->line);
		c->ifindex = l->ifindex;
		if (!st->supported || !v->present) {
			c->status = CS_UNSUPPORTED;
			if (st->supported)
				plan_set_note(c, "not supported by driver %s",
					      driver_of(l));
			else
				plan_set_note(c, "driver %s has no %s settings",
					      driver_of(l),
					      nic_area_prefix(area));
			continue;
		}
		if (p->type == ETH_BOOL) {
			c->before = onoff(v->value);
		} else {
			snprintf(val, sizeof(val), "%u", v->value);
			c->before = plan_str(plan, val);
		}
		c->status = strcmp(c->before, c->after) ? CS_PENDING : CS_SAME;
	}
}

/* From this many devices on, one dump per area beats a GET per device. */
#define DUMP_MIN 8

static unsigned section_areas(const struct nic_section *s)
{
	unsigned mask = 0;
	const char *name;

	for (size_t k = 0; k < s->nkv; k++) {
		int area = nic_area_of(s->kv[k].key, &name);

		if (area >= 0)
			mask |= ETH_AREA_BIT(area);
	}
	return mask;
}

static bool matches_drivers(const struct profile *p)
{
	for (size_t s = 0; s < p->nnic; s++)
		if (!strncmp(p->nic[s].match, "driver=", 7))
			return true;
	return false;
}

/*
 * Read what the matched devices need: dumps for popular areas, else GETs.
 * dev[i] is where link i's state goes (NULL when nothing is read for it),
 * in own[0..nown), which a dump fills (by ifindex). Areas in have were
 * read already (the features of the link list's dump).
 */
static int read_devs(struct eth *eth, const struct link *links, size_t nl,
		     const unsigned *masks, struct eth_dev *const *dev,
		     struct eth_dev *own, size_t nown, unsigned have,
		     struct err *err)
{
	unsigned dumped = have;
	int rc;

	for (int a = 0; a < ETH_AREA_N; a++) {
		size_t users = 0;

		for (size_t i = 0; i < nl; i++)
			users += !!(masks[i] & ETH_AREA_BIT(a));
		if (users < DUMP_MIN || (have & ETH_AREA_BIT(a)))
			continue;
		rc = nown ? eth_dump(eth, a, own, nown, err) : 0;
		if (rc)
			return rc;
		dumped |= ETH_AREA_BIT(a);
	}
	for (size_t i = 0; i < nl; i++) {
		if (!dev[i])
			continue;
		rc = eth_dev_read(eth, links[i].ifindex, masks[i] & ~dumped,
				  dev[i], err);
		if (rc)
			return err_prefix(err, "%s", links[i].name);
		/* every device answers FEATURES_GET: missing means gone */
		if ((dumped & ~have & masks[i] & ETH_AREA_BIT(ETH_FEATURES)) &&
		    !dev[i]->a[ETH_FEATURES].supported)
			return err_set(err, -ENODEV, "%s: interface vanished "
				       "while its settings were read",
				       links[i].name);
	}
	return 0;
}

static int by_ifindex(const void *key, const void *elem)
{
	int k = *(const int *)key;
	int i = ((const struct eth_dev_feat *)elem)->ifindex;

	return (k > i) - (k < i);
}

/* Kernels without FEATURES_GET list links over rtnetlink; *all is NULL. */
static int list_links(struct eth *eth, bool drivers, struct link **links,
		      size_t *nl, struct eth_dev_feat **all, size_t *nall,
		      struct err *err)
{
	int rc;

	*all = NULL;
	*nall = 0;
	if (!eth_kernel_has(eth, ETH_FEATURES, false))
		return links_list(links, nl, drivers, err);
	rc = links_list_eth(eth, drivers, links, nl, all, err);
	if (!rc)
		*nall = *nl;
	return rc;
}

/* apply --interface: drop every other link; a named one must exist. */
static int keep_only(const struct profile *p, struct link *links, size_t *n,
		     struct err *err)
{
	size_t k = 0;

	for (size_t f = 0; f < p->nonly_ifs; f++) {
		bool found = false;

		for (size_t i = 0; i < *n && !found; i++)
			found = !strcmp(links[i].name, p->only_ifs[f]);
		if (!found)
			return err_set(err, -ENODEV, "%s: no such interface",
				       p->only_ifs[f]);
	}
	for (size_t i = 0; i < *n; i++)
		for (size_t f = 0; f < p->nonly_ifs; f++)
			if (!strcmp(links[i].name, p->only_ifs[f])) {
				links[k++] = links[i];
				break;
			}
	*n = k;
	return 0;
}

/* What link i needs read beyond the features its dump entry f holds. */
static unsigned to_read(unsigned mask, const struct eth_features *f)
{
	return f ? mask & ~ETH_AREA_BIT(ETH_FEATURES) : mask;
}

/*
 * Where each matched link's state lives. feat[i]: its features, in the
 * features dump's entry when there is one (no copy). dev[i]: what else is
 * read for it (parameter areas; the features too without the dump), in
 * *own (links are by ifindex, so own is too), NULL when nothing is.
 */
static struct eth_dev **place_devs(const struct link *links, size_t nl,
				   const unsigned *masks,
				   const struct eth_dev_feat *all, size_t nall,
				   const struct eth_features **feat,
				   struct eth_dev **own, size_t *nown)
{
	struct eth_dev **dev = calloc(nl + 1, sizeof(*dev));
	size_t k = 0;

	if (!dev)
		abort();
	for (size_t i = 0; i < nl; i++) {
		const struct eth_dev_feat *f = NULL;

		if (masks[i] && all)
			f = bsearch(&links[i].ifindex, all, nall,
				    sizeof(*all), by_ifindex);
		feat[i] = f ? &f->feat : NULL;
		k += to_read(masks[i], feat[i]) != 0;
	}
	*own = calloc(k + 1, sizeof(**own));
	if (!*own)
		abort();
	*nown = k;
	for (size_t i = 0, j = 0; i < nl; i++) {
		if (!to_read(masks[i], feat[i]))
			continue;
		dev[i] = &(*own)[j++];
		dev[i]->ifindex = links[i].ifindex;
		if (!feat[i])
			feat[i] = &dev[i]->feat;
	}
	return dev;
}

static size_t count_set(const unsigned *masks, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += masks[i] != 0;
	return k;
}

static int nic_build(const struct profile *p, struct plan *plan,
		     struct err *err)
{
	struct expansion **exp;
	struct feat_keys *keys;
	struct dev_wants *w;
	struct eth_dev **dev, *own;
	const struct eth_features **feat;
	unsigned *masks, *areas;
	bool *matched, *hit;
	struct link *links = NULL;
	struct eth_dev_feat *all;
	struct eth *eth;
	size_t nl, nall, nown;
	int rc;

	if (!p->nnic)
		return 0;
	eth = nic_session(plan, err);
	if (!eth)
		return err->code;
	rc = list_links(eth, matches_drivers(p), &links, &nl, &all, &nall,
			err);
	if (!rc && p->nonly_ifs)
		rc = keep_only(p, links, &nl, err);
	if (rc) {
		free(links);
		free(all);
		return rc;
	}
	matched = calloc(p->nnic, sizeof(*matched));
	masks = calloc(nl + 1, sizeof(*masks));
	areas = calloc(p->nnic, sizeof(*areas));
	/* hit[i * nnic + s]: section s matches link i (globs run once) */
	hit = calloc(nl * p->nnic + 1, sizeof(*hit));
	exp = calloc(p->nnic, sizeof(*exp));
	w = calloc(1, sizeof(*w));
	keys = calloc(1, sizeof(*keys));
	feat = calloc(nl + 1, sizeof(*feat));
	if (!matched || !masks || !areas || !hit || !exp || !w || !keys ||
	    !feat)
		abort();
	for (size_t s = 0; s < p->nnic; s++) {
		exp[s] = calloc(p->nic[s].nkv + 1, sizeof(**exp));
		if (!exp[s])
			abort();
		for (size_t k = 0; k < p->nic[s].nkv; k++)
			exp[s][k].n = exp[s][k].area = -1;
		areas[s] = section_areas(&p->nic[s]);
	}
	for (size_t i = 0; i < nl; i++) {
		for (size_t s = 0; s < p->nnic; s++) {
			if (!links_match(&links[i], p->nic[s].match))
				continue;
			hit[i * p->nnic + s] = true;
			matched[s] = true;
			masks[i] |= areas[s];
		}
	}
	dev = place_devs(links, nl, masks, all, nall, feat, &own, &nown);
	rc = read_devs(eth, links, nl, masks, dev, own, nown,
		       all ? ETH_AREA_BIT(ETH_FEATURES) : 0, err);
	for (size_t i = 0, first = plan->n, todo = 0; i < nl && !rc; i++) {
		if (!masks[i])
			continue;
		/* devices matched alike plan alike: after the first one,
		 * room for the others at once */
		if (todo++ == 1)
			plan_reserve(plan, plan->n + (plan->n - first) *
				     (count_set(masks + i, nl - i)));
		wants_clear(w);
		for (size_t s = 0; s < p->nnic; s++)
			if (hit[i * p->nnic + s])
				collect(plan, eth, &links[i], &p->nic[s],
					exp[s], w);
		plan_features(plan, eth, &links[i], feat[i], w, keys);
		for (int a = ETH_COALESCE; a < ETH_AREA_N; a++)
			if (w->mask & ETH_AREA_BIT(a))
				plan_params(plan, &links[i], dev[i], w, a);
	}
	for (size_t s = 0; s < p->nnic && !p->nonly_ifs; s++)
		if (!matched[s])
			plan_add_warning(plan, "%s:%d: [nic %s] matches no "
					 "interface here", p->nic[s].file,
					 p->nic[s].line, p->nic[s].match);
	for (size_t s = 0; s < p->nnic; s++)
		free(exp[s]);
	free(exp);
	free(dev);
	free(feat);
	free(own);
	free(all);
	free(keys);
	free(w);
	free(hit);
	free(masks);
	free(areas);
	free(matched);
	free(links);
	return rc;
}

const struct backend nic_backend = {
	.target = T_NIC,
	.build = nic_build,
	.set = nic_set,
	.group = nic_group,
	.release = nic_release,
};
