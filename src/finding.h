/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_FINDING_H
#define PORTTUNE_FINDING_H

/*
 * What an audit check says: findings with a severity, and the one way to
 * write their text. Knows nothing of what the checks look at.
 */
#include <stddef.h>

/* Ordered so that the worst finding is the maximum; values = exit codes. */
enum severity { SEV_OK = 0, SEV_WARNING = 1, SEV_CRITICAL = 2, SEV_UNKNOWN = 3 };

struct finding {
	char check[24];		/* stable id, e.g. "tw-reuse" */
	enum severity sev;
	char summary[256];
	char evidence[768];
	char remedy[512];	/* empty when nothing needs doing */
	/* The profile lines of the remedy ("net.ipv4.tcp_tw_reuse = 1", one per
	 * line, all [sysctl]); what --suggest-profile writes. Empty: none. */
	char fix[384];
};

/* The text parts of a finding. */
enum finding_part { F_SUMMARY, F_EVIDENCE, F_REMEDY, F_FIX };

struct audit_report {
	struct finding *v;
	size_t n;
	enum severity worst;
	/* The table name of the check running (audit_evaluate sets it), the
	 * id finding_new gives its findings. */
	const char *checking;
};

/* A new, empty finding of r named check. */
struct finding *audit_add(struct audit_report *r, const char *check,
			  enum severity sev);
/* A new finding of the running check (r->checking), its summary from fmt. */
struct finding *finding_new(struct audit_report *r, enum severity sev,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append to one part of f, printf-style: cut at the part's size, always
 * terminated, so a long address or path can never overrun a finding. */
void finding_printf(struct finding *f, enum finding_part part,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* f->remedy = "prose: LINE1; LINE2" with the lines of f->fix. */
void finding_remedy(struct finding *f, const char *prose);

const char *severity_name(enum severity s);
void audit_report_free(struct audit_report *r);

#endif
