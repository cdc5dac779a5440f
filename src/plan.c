// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * desired (profile) vs current (system) -> list of changes, and the one
 * transaction that writes them. diff, apply, rollback and audit share it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "plan.h"

static const struct backend *backend_of(const struct change *c)
{
	return backends[c->target];
}

int plan_build(const struct profile *p, struct plan *plan, struct err *err)
{
	int rc;

	memset(plan, 0, sizeof(*plan));
	for (size_t i = 0; i < T_COUNT; i++) {
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
	for (size_t i = 0; i < T_COUNT; i++)
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
