// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The plan's list of changes and warnings, as the backends fill it. The
 * transaction over them (plan.c) calls the backends; this half is what
 * the backends call, so the two never depend on each other both ways.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "strpool.h"
#include "xalloc.h"

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

const char *plan_str(struct plan *plan, const char *s)
{
	/* already the plan's: shared, not copied again */
	if (!s || strpool_owns(plan->strs, s))
		return s;
	return strpool_dup(&plan->strs, s);
}

void plan_reserve(struct plan *plan, size_t n)
{
	if (n <= plan->cap)
		return;
	plan->cap = n;
	plan->v = xrealloc(plan->v, plan->cap * sizeof(*plan->v));
}

/* A NIC apply adds a change per feature bit per interface: thousands. */
struct change *plan_add(struct plan *plan, enum target t, const char *dev,
			const char *key, const char *after, const char *file,
			int line)
{
	if (plan->n >= plan->cap) {
		plan->cap = plan->n >= 32 ? 2 * plan->n : 64;
		plan->v = xrealloc(plan->v, plan->cap * sizeof(*plan->v));
	}
	plan->v[plan->n] = (struct change){
		.target = t, .dev = plan_str(plan, dev),
		.key = plan_str(plan, key), .after = plan_str(plan, after),
		.file = file, .line = line,
	};
	return &plan->v[plan->n++];
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
