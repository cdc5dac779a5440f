// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * desired (profile) vs current (system) -> list of changes, and the one
 * transaction that writes them. diff, apply, rollback and audit share it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "xalloc.h"
#include "plan.h"
#include "portguard.h"
#include "sysctl.h"

static char *vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	return s;
}

void plan_add_warning(struct plan *plan, const char *fmt, ...)
{
	char **w = realloc(plan->warnings,
			   (plan->nwarnings + 1) * sizeof(*w));
	va_list ap;

	if (!w)
		abort();
	plan->warnings = w;
	va_start(ap, fmt);
	w[plan->nwarnings++] = vfmt(fmt, ap);
	va_end(ap);
}

void plan_set_note(struct change *c, const char *fmt, ...)
{
	va_list ap;

	free(c->note);
	va_start(ap, fmt);
	c->note = vfmt(fmt, ap);
	va_end(ap);
}

struct change *plan_add(struct plan *plan, enum target t, const char *dev,
			const char *key, const char *after, const char *file,
			int line)
{
	struct change *v = realloc(plan->v, (plan->n + 1) * sizeof(*v));

	if (!v)
		abort();
	plan->v = v;
	v[plan->n] = (struct change){
		.target = t, .dev = xstrdup0(dev), .key = xstrdup0(key),
		.after = xstrdup0(after), .file = file, .line = line,
	};
	return &v[plan->n++];
}

size_t plan_count(const struct plan *plan, enum chg_status st)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->n; i++)
		n += plan->v[i].status == st;
	return n;
}

static const char *const status_names[] = {
	[CS_SAME] = "same", [CS_PENDING] = "pending",
	[CS_UNSUPPORTED] = "unsupported", [CS_INVALID] = "invalid",
	[CS_CHANGED] = "changed", [CS_FAILED] = "failed",
	[CS_REVERTED] = "reverted", [CS_SKIPPED] = "skipped",
};

const char *chg_status_name(enum chg_status st)
{
	return status_names[st];
}

const char *change_restore_value(const struct change *c)
{
	return c->restore ? c->restore : c->before;
}

/* ---- sysctl backend ------------------------------------------------ */


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
		c->before = xstrdup0(cur);
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
		if (rc)
			return rc;
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

/* ---- the shared part ----------------------------------------------- */

static const struct backend *const backends[] = {
	&sysctl_backend,
	&nic_backend,
};

static const struct backend *backend_of(const struct change *c)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(*backends); i++)
		if (backends[i]->target == c->target)
			return backends[i];
	return NULL;
}

int plan_build(const struct profile *p, struct plan *plan, struct err *err)
{
	int rc;

	memset(plan, 0, sizeof(*plan));
	for (size_t i = 0; i < sizeof(backends) / sizeof(*backends); i++) {
		rc = backends[i]->build(p, plan, err);
		if (rc)
			return rc;
	}
	return 0;
}

struct group {
	size_t start, len;
};

/* Restore the groups that were written, newest first. */
static void revert(struct plan *plan, const struct group *g, size_t ng)
{
	while (ng-- > 0) {
		struct change *c = &plan->v[g[ng].start];
		struct err e = { 0 };
		bool failed = backend_of(c)->set(plan, c, g[ng].len, true,
						 &e) != 0;

		for (size_t i = 0; i < g[ng].len; i++) {
			if (!c[i].touched)
				continue;
			if (failed) {
				plan_set_note(&c[i], "REVERT FAILED: %s", e.msg);
				continue;
			}
			c[i].touched = false;
			if (c[i].status == CS_CHANGED)
				c[i].status = CS_REVERTED;
		}
	}
}

int plan_apply(struct plan *plan, struct err *err)
{
	struct group *g = calloc(plan->n + 1, sizeof(*g));
	size_t i = 0, ng = 0;
	int rc = 0;

	if (!g)
		abort();
	while (i < plan->n && !rc) {
		struct change *c = &plan->v[i];
		size_t len = backend_of(c)->group(c, plan->n - i);
		size_t pending = 0, touched = 0;

		for (size_t j = 0; j < len; j++)
			pending += c[j].status == CS_PENDING;
		if (pending)
			rc = backend_of(c)->set(plan, c, len, false, err);
		for (size_t j = 0; j < len; j++) {
			touched += c[j].touched;
			if (c[j].status == CS_FAILED && !c[j].note)
				c[j].note = xstrdup0(err->msg);
			if (c[j].status != CS_PENDING)
				continue;
			c[j].status = c[j].touched ? CS_CHANGED
				    : rc ? CS_FAILED : CS_CHANGED;
			if (c[j].status == CS_FAILED && !c[j].note)
				c[j].note = xstrdup0(err->msg);
		}
		if (touched)
			g[ng++] = (struct group){ i, len };
		i += len;
	}
	for (; i < plan->n; i++)
		if (plan->v[i].status == CS_PENDING)
			plan->v[i].status = CS_SKIPPED;
	if (rc)
		revert(plan, g, ng);
	free(g);
	return rc;
}

void plan_free(struct plan *plan)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(*backends); i++)
		if (backends[i]->release)
			backends[i]->release(plan);
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->v[i].dev);
		free(plan->v[i].key);
		free(plan->v[i].before);
		free(plan->v[i].after);
		free(plan->v[i].restore);
		free(plan->v[i].note);
	}
	for (size_t i = 0; i < plan->nwarnings; i++)
		free(plan->warnings[i]);
	free(plan->v);
	free(plan->warnings);
	memset(plan, 0, sizeof(*plan));
}
