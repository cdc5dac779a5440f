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
#include "strpool.h"

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

/* Restore every group a write reached, newest first. */
void plan_revert(struct plan *plan)
{
	struct group *g = calloc(plan->n + 1, sizeof(*g));
	size_t ng = 0;

	if (!g)
		abort();
	for (size_t i = 0, len; i < plan->n; i += len) {
		bool touched = false;

		len = backend_of(&plan->v[i])->group(&plan->v[i], plan->n - i);
		for (size_t j = 0; j < len; j++)
			touched |= plan->v[i + j].touched;
		if (touched)
			g[ng++] = (struct group){ i, len };
	}
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
	free(g);
}

/* The changes from v[0] that one backend writes in one call. */
static size_t run_of(const struct change *v, size_t n)
{
	size_t len = 1;

	while (len < n && v[len].target == v[0].target)
		len++;
	return len;
}

int plan_apply(struct plan *plan, struct err *err)
{
	size_t i = 0;
	int rc = 0;

	while (i < plan->n && !rc) {
		struct change *c = &plan->v[i];
		size_t len = run_of(c, plan->n - i), pending = 0;

		for (size_t j = 0; j < len; j++)
			pending += c[j].status == CS_PENDING;
		if (pending)
			rc = backend_of(c)->set(plan, c, len, false, err);
		for (size_t j = 0; j < len; j++) {
			if (c[j].status == CS_FAILED && !c[j].note)
				c[j].note = xstrdup0(err->msg);
			if (c[j].status != CS_PENDING)
				continue;
			/* the backend failed what it tried; the rest waited */
			c[j].status = c[j].touched || !rc ? CS_CHANGED
				    : CS_SKIPPED;
		}
		i += len;
	}
	for (; i < plan->n; i++)
		if (plan->v[i].status == CS_PENDING)
			plan->v[i].status = CS_SKIPPED;
	if (rc)
		plan_revert(plan);
	return rc;
}

void plan_free(struct plan *plan)
{
	for (size_t i = 0; i < T_COUNT; i++)
		if (backends[i]->release)
			backends[i]->release(plan);
	for (size_t i = 0; i < plan->n; i++)
		free(plan->v[i].note);
	strpool_free(plan->strs);
	for (size_t i = 0; i < plan->nwarnings; i++)
		free(plan->warnings[i]);
	free(plan->v);
	free(plan->warnings);
	memset(plan, 0, sizeof(*plan));
}
