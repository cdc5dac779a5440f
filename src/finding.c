// SPDX-License-Identifier: GPL-2.0-or-later
/* Findings: the report the audit checks fill, and the helpers that write it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "finding.h"
#include "xalloc.h"

#define PART(m) { offsetof(struct finding, m), sizeof(((struct finding *)0)->m) }

static const struct {
	size_t off, len;
} parts[] = {
	[F_SUMMARY] = PART(summary),
	[F_EVIDENCE] = PART(evidence),
	[F_REMEDY] = PART(remedy),
	[F_FIX] = PART(fix),
};

static const char *const sev_names[] = { "OK", "WARNING", "CRITICAL",
					  "UNKNOWN" };

const char *severity_name(enum severity s)
{
	return sev_names[s];
}

struct finding *audit_add(struct audit_report *r, const char *check,
			  enum severity sev)
{
	struct finding *f;

	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	f = &r->v[r->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->check, sizeof(f->check), "%s", check);
	f->sev = sev;
	return f;
}

static void vappend(struct finding *f, enum finding_part part,
		    const char *fmt, va_list ap)
{
	char *buf = (char *)f + parts[part].off;
	size_t len = parts[part].len, used = strnlen(buf, len);

	if (used + 1 < len)
		vsnprintf(buf + used, len - used, fmt, ap);
}

struct finding *finding_new(struct audit_report *r, enum severity sev,
			    const char *fmt, ...)
{
	struct finding *f = audit_add(r, r->checking ? r->checking : "", sev);
	va_list ap;

	va_start(ap, fmt);
	vappend(f, F_SUMMARY, fmt, ap);
	va_end(ap);
	return f;
}

void finding_printf(struct finding *f, enum finding_part part,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(f, part, fmt, ap);
	va_end(ap);
}

void finding_remedy(struct finding *f, const char *prose)
{
	f->remedy[0] = '\0';
	finding_printf(f, F_REMEDY, "%s", prose);
	for (const char *p = f->fix; *p;) {
		size_t n = strcspn(p, "\n");

		finding_printf(f, F_REMEDY, "%s%.*s", p == f->fix ? ": " : "; ",
			       (int)n, p);
		p += n + (p[n] == '\n');
	}
}

void audit_report_free(struct audit_report *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}
