// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sysctl backend of the plan: [sysctl] keys -> changes, read from and
 * written to /proc/sys one key at a time, each read back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "portguard.h"
#include "sysctl.h"
#include "xalloc.h"

static const char *desired(const struct profile *p, const char *key)
{
	for (size_t i = 0; i < p->nsysctl; i++)
		if (!strcmp(p->sysctl[i].key, key))
			return p->sysctl[i].value;
	return NULL;
}

/* The kernel refuses a range whose low end is below this; say so first. */
static void check_port_floor(const struct profile *p, struct change *c)
{
	char cur[64];
	const char *floor = desired(p, "net.ipv4.ip_unprivileged_port_start");
	long lo, hi, start;

	if (strcmp(c->key, "net.ipv4.ip_local_port_range") ||
	    c->status != CS_PENDING)
		return;
	if (!floor && !sysctl_read("net.ipv4.ip_unprivileged_port_start", cur,
				   sizeof(cur), NULL))
		floor = cur;
	if (!floor || sysctl_parse_range(c->after, &lo, &hi))
		return;
	start = strtol(floor, NULL, 10);
	if (lo < start) {
		c->status = CS_INVALID;
		plan_set_note(c, "low end %ld is below "
			      "net.ipv4.ip_unprivileged_port_start (%ld); "
			      "the kernel would refuse it", lo, start);
	}
}

static struct change *find_pending(struct plan *plan, const char *key)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].status == CS_PENDING &&
		    !strcmp(plan->v[i].key, key))
			return &plan->v[i];
	return NULL;
}

/*
 * The kernel keeps ip_unprivileged_port_start below the range's low end at
 * every step: lower the floor before the range, raise it after.
 */
static void order_port_floor(struct plan *plan)
{
	struct change *f = find_pending(plan, "net.ipv4.ip_unprivileged_port_start");
	struct change *r = find_pending(plan, "net.ipv4.ip_local_port_range");
	bool lowering;

	if (!f || !r || !f->before)
		return;
	lowering = strtol(f->after, NULL, 10) < strtol(f->before, NULL, 10);
	if (lowering != (f < r)) {
		struct change tmp = *f;

		*f = *r;
		*r = tmp;
	}
}

static int sysctl_build(const struct profile *p, struct plan *plan,
			struct err *err)
{
	(void)err;
	if (p->nonly_ifs)	/* apply --interface: the hotplug path */
		return 0;
	for (size_t i = 0; i < p->nsysctl; i++) {
		const struct pkv *kv = &p->sysctl[i];
		struct change *c = plan_add(plan, T_SYSCTL, NULL, kv->key,
					    kv->value, kv->file, kv->line);
		char cur[SYSCTL_VALUE_MAX];
		struct err e = { 0 };
		int rc = sysctl_probe(kv->key, &e);

		if (!rc)
			rc = sysctl_read(kv->key, cur, sizeof(cur), &e);
		if (rc) {
			c->status = rc == -EOPNOTSUPP ? CS_UNSUPPORTED
						      : CS_INVALID;
			c->note = xstrdup0(e.msg);
			continue;
		}
		c->before = plan_str(plan, cur);
		c->status = sysctl_same_value(kv->key, cur, kv->value) ? CS_SAME
								 : CS_PENDING;
	}
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].target == T_SYSCTL)
			check_port_floor(p, &plan->v[i]);
	order_port_floor(plan);
	portguard_plan(plan);
	return 0;
}

static int sysctl_set(struct plan *plan, struct change *v, size_t n,
		      bool revert, struct err *err)
{
	char now[SYSCTL_VALUE_MAX];
	const char *want;
	int rc;

	(void)plan;
	for (size_t i = 0; i < n; i++) {
		if (revert ? !v[i].touched : v[i].status != CS_PENDING)
			continue;
		want = revert ? change_restore_value(&v[i]) : v[i].after;
		rc = sysctl_write(v[i].key, want, err);
		if (rc) {
			v[i].status = revert ? v[i].status : CS_FAILED;
			return rc;
		}
		v[i].touched = true;
		rc = sysctl_read(v[i].key, now, sizeof(now), err);
		if (!rc && !sysctl_same_value(v[i].key, now, want))
			rc = err_set(err, -EIO, "%s: wrote '%s' but the kernel "
				     "reads back '%s'", v[i].key, want, now);
		if (rc) {
			v[i].status = revert ? v[i].status : CS_FAILED;
			return rc;
		}
	}
	return 0;
}

static size_t one(const struct change *v, size_t n)
{
	(void)v;
	(void)n;
	return 1;
}

const struct backend sysctl_backend = {
	.target = T_SYSCTL,
	.build = sysctl_build,
	.set = sysctl_set,
	.group = one,
};
