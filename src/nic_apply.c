// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NIC backend's writes: per-interface changes of the plan sent through
 * ethtool netlink, one request per device and area, offload requests of
 * consecutive devices a datagram at a time; each read back from its reply.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethtool.h"
#include "nic_apply.h"
#include "nic_keys.h"
#include "strpool.h"

struct eth *nic_session(struct plan *plan, struct err *err)
{
	if (!plan->ctx[T_NIC] && eth_open((struct eth **)&plan->ctx[T_NIC], err))
		return NULL;
	return plan->ctx[T_NIC];
}

size_t nic_group(const struct change *v, size_t n)
{
	const char *name, *b;
	int area = nic_area_of(v[0].key, &name);
	/* the area is the key's prefix: the same prefix, the same area */
	size_t len = 1, plen = area < 0 ? 0 : (size_t)(name - v[0].key);

	while (len < n && v[len].target == T_NIC &&
	       str_same(v[len].dev, v[0].dev) &&
	       (plen ? !strncmp(v[len].key, v[0].key, plen)
		     : nic_area_of(v[len].key, &b) == area))
		len++;
	return len;
}

static bool selected(const struct change *c, bool revert)
{
	return revert ? c->touched : c->status == CS_PENDING;
}

static const char *target_value(const struct change *c, bool revert)
{
	return revert ? change_restore_value(c) : c->after;
}

/* Prefix a kernel message with the device and the setting it concerns. */
static int nic_error(struct err *err, const struct change *v, size_t n,
		     enum eth_area area, bool revert)
{
	const struct change *only = NULL;

	for (size_t i = 0; i < n; i++)
		if (selected(&v[i], revert))
			only = only ? NULL : &v[i];
	if (only && area != ETH_FEATURES) {
		const char *name;

		nic_area_of(only->key, &name);
		/* ethtool.c already names a blamed parameter: drop it here */
		if (!strncmp(err->msg, name, strlen(name)) &&
		    !strncmp(err->msg + strlen(name), ": ", 2))
			memmove(err->msg, err->msg + strlen(name) + 2,
				strlen(err->msg + strlen(name) + 2) + 1);
		return err_prefix(err, "%s: %s", v[0].dev, only->key);
	}
	return err_prefix(err, "%s: %s", v[0].dev, nic_area_prefix(area));
}

/* The kernel found no device with the planned index and name. */
static int vanished(struct err *err, const char *dev)
{
	return err_set(err, -ENODEV, "%s: interface vanished or was replaced "
		       "since the plan was made", dev);
}

/* The feature bit of v[i]: the previous group's at the same place when the
 * key is the same there (devices matched by one section list the same
 * keys in the same order), else looked up by name. */
static int feature_bit(struct eth *eth, const struct change *v, size_t i,
		       const struct change *pv, const int *pbit, size_t pn)
{
	if (i < pn && str_same(v[i].key, pv[i].key))
		return pbit[i];
	return eth_feature_index(eth, strchr(v[i].key, '.') + 1);
}

/* A group's request: the bits of its selected changes (bit[i] per change,
 * -1 for a name this kernel lacks), pv/pbit/pn the group before it. False
 * when nothing is selected. */
static bool feature_request(struct eth *eth, const struct change *v, size_t n,
			    bool revert, struct eth_feature_req *r, int *bit,
			    const struct change *pv, const int *pbit,
			    size_t pn)
{
	bool any = false;

	*r = (struct eth_feature_req){ .ifindex = v[0].ifindex,
				       .ifname = v[0].dev };
	for (size_t i = 0; i < n; i++) {
		int b = feature_bit(eth, v, i, pv, pbit, pn);

		bit[i] = b;
		if (!selected(&v[i], revert) || b < 0)
			continue;
		eth_bit_set(&r->mask, b, true);
		eth_bit_set(&r->value, b, !strcmp(target_value(&v[i], revert),
						  "on"));
		any = true;
	}
	return any;
}

/* Each selected change of a group the kernel refused failed. */
static int refused(struct change *v, size_t n, enum eth_area area,
		   bool revert, int code, struct err *err)
{
	if (code == -ENODEV)
		vanished(err, v[0].dev);
	else
		nic_error(err, v, n, area, revert);
	for (size_t i = 0; i < n && !revert; i++)
		if (selected(&v[i], revert)) {
			v[i].status = CS_FAILED;
			plan_set_note(&v[i], "%s", err->msg);
		}
	return err->code;
}

/* What the kernel made of a group's request it took. */
static int feature_outcome(struct eth *eth, struct change *v, size_t n,
			   bool revert, const struct eth_feature_req *r,
			   const int *bit, struct err *err)
{
	const struct eth_feature_result *res = &r->res;
	char also[256] = "";
	size_t o = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		if (!selected(&v[i], revert))
			continue;
		if (!revert)
			v[i].touched = true;
		if (bit[i] < 0 || !eth_bit(&res->wanted_diff, bit[i]))
			continue;
		rc = err_set(err, -EIO, "%s: %s: requested %s but the kernel "
			     "keeps it %s (it depends on another feature)",
			     v[i].dev, v[i].key, target_value(&v[i], revert),
			     strcmp(target_value(&v[i], revert), "on") ? "on"
								       : "off");
		if (!revert) {
			v[i].status = CS_FAILED;
			plan_set_note(&v[i], "%s", err->msg);
		}
	}
	/* dependents the kernel switched without being asked */
	for (unsigned w = 0; w < ETH_FEAT_WORDS && !revert; w++)
		for (uint32_t m = res->active_diff.w[w] & ~r->mask.w[w]; m;
		     m &= m - 1) {
			unsigned b = w * 32 + __builtin_ctz(m);

			o += snprintf(also + o,
				      o < sizeof(also) ? sizeof(also) - o : 0,
				      "%s%s %s", o ? ", " : "",
				      eth_feature_name(eth, b),
				      eth_bit(&res->active, b) ? "on" : "off");
		}
	for (size_t i = 0; i < n && o; i++)
		if (v[i].touched && !v[i].note)
			plan_set_note(&v[i], "also switched: %s", also);
	return rc;
}

/*
 * Between datagrams the CPU goes to another thread of porttune that is
 * ready to run: the snapshot's seal (state_seal) needs a few microseconds
 * each time the disk answers it, and would otherwise wait for this
 * thread's time slice to end. Nothing else is ready: a no-op.
 */
static void offer_cpu(void)
{
	sched_yield();
}

/*
 * The offload groups v[0..n) (one per device), their requests sent a
 * datagram at a time. The kernel goes through a whole datagram, so every
 * request in it is looked at: all that took are touched, all that did not
 * are failed, and the first failure is the one returned. After a datagram
 * with a failure nothing more is sent: the rest stays pending (skipped).
 */
static int set_features(struct eth *eth, struct change *v, size_t n,
			bool revert, struct err *err)
{
	struct eth_feature_req req[ETH_BATCH_MAX];
	size_t start[ETH_BATCH_MAX], glen[ETH_BATCH_MAX], i = 0, prev = 0;
	size_t plen = 0;
	int *bit = calloc(n + 1, sizeof(*bit)), rc = 0;

	if (!bit)
		abort();
	while (i < n && !rc) {
		size_t nreq = 0, sent = 0, len;

		for (; i < n && nreq < ETH_BATCH_MAX; i += len) {
			len = nic_group(&v[i], n - i);
			if (len > ETH_FEAT_MAX) {
				rc = err_set(err, -E2BIG, "%s: too many "
					     "features", v[i].dev);
				break;
			}
			start[nreq] = i;
			glen[nreq] = len;
			nreq += feature_request(eth, &v[i], len, revert,
						&req[nreq], &bit[i], &v[prev],
						&bit[prev], plen);
			prev = i;
			plen = len;
		}
		if (!rc)
			rc = eth_features_set(eth, req, nreq, &sent, err);
		if (rc) {	/* answers lost: what was sent may have taken */
			for (size_t k = 0; !revert && k < sent; k++)
				for (size_t j = 0; j < glen[k]; j++)
					v[start[k] + j].touched |=
						selected(&v[start[k] + j], revert);
			break;
		}
		for (size_t k = 0; k < sent; k++) {
			struct change *g = &v[start[k]];
			struct err e = { 0 };
			int one = req[k].code;

			if (one) {
				e = req[k].e;
				one = refused(g, glen[k], ETH_FEATURES, revert,
					      one, &e);
			} else {
				one = feature_outcome(eth, g, glen[k], revert,
						      &req[k], &bit[start[k]],
						      &e);
			}
			if (one && !rc)
				rc = err_set(err, one, "%s", e.msg);
		}
		offer_cpu();
	}
	free(bit);
	return rc;
}

static int set_params(struct eth *eth, struct change *v, size_t n,
		      enum eth_area area, bool revert, struct err *err)
{
	struct eth_change ch[ETH_PARAM_MAX] = { 0 };
	struct eth_dev d;
	size_t nch = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		const char *name, *val = target_value(&v[i], revert);
		unsigned long u = 0;

		if (!selected(&v[i], revert))
			continue;
		nic_area_of(v[i].key, &name);
		if (strcmp(val, "on") && strcmp(val, "off"))
			nic_parse_u32(val, &u);
		ch[nch++] = (struct eth_change){ eth_param_find(area, name),
			!strcmp(val, "on") ? 1 : u };
	}
	rc = eth_params_set(eth, v[0].ifindex, v[0].dev, ch, nch, err);
	if (rc)
		return refused(v, n, area, revert, rc, err);
	/* the SET took: everything in it must be reverted on failure */
	for (size_t i = 0; i < n && !revert; i++)
		if (selected(&v[i], revert))
			v[i].touched = true;
	memset(&d, 0, sizeof(d));
	rc = eth_dev_read(eth, v[0].ifindex, ETH_AREA_BIT(area), &d, err);
	if (rc)
		return rc;
	for (size_t i = 0, j = 0; i < n; i++) {
		const struct eth_param *p;
		uint32_t now;

		if (revert ? !v[i].touched : !v[i].touched ||
		    v[i].status != CS_PENDING)
			continue;
		p = ch[j++].param;
		now = d.a[area].v[p->idx].value;
		if (now == ch[j - 1].value)
			continue;
		/* drivers may clamp or round: say what the device took; go on
		 * so every mismatch is reported */
		rc = err_set(err, -EIO, "%s: %s: asked for %s, the driver set "
			     "%u", v[i].dev, v[i].key,
			     target_value(&v[i], revert), now);
		if (!revert)
			v[i].status = CS_FAILED;
	}
	return rc;
}

/* Offload groups in a row travel together; the others one by one. */
int nic_set(struct plan *plan, struct change *v, size_t n, bool revert,
	    struct err *err)
{
	struct eth *eth = nic_session(plan, err);
	size_t i = 0, len, end;
	const char *name;
	int rc = 0;

	if (!eth)
		return err->code;
	/* requests carry index and name: only the planned device is touched */
	while (i < n && !rc) {
		int area = nic_area_of(v[i].key, &name);

		len = nic_group(&v[i], n - i);
		if (area == ETH_FEATURES) {
			for (end = i + len; end < n && nic_area_of(v[end].key,
				&name) == ETH_FEATURES; )
				end += nic_group(&v[end], n - end);
			rc = set_features(eth, &v[i], end - i, revert, err);
			i = end;
			continue;
		}
		rc = set_params(eth, &v[i], len, area, revert, err);
		i += len;
		offer_cpu();
	}
	return rc;
}

void nic_release(struct plan *plan)
{
	if (plan->ctx[T_NIC])
		eth_close(plan->ctx[T_NIC]);
	plan->ctx[T_NIC] = NULL;
}
