// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Audit findings about what happens next rather than what is: a boot that
 * undoes the profile, and a change that is rolled back unless confirmed.
 * Kept apart from audit.c's checks, which judge the running kernel.
 */
#include <stdio.h>

#include "audit_boot.h"
#include "confirm.h"
#include "sysctld.h"

/* The next boot undoing the profile is a WARNING, like drift. */
static void boot_conflict(const char *root, const struct profile *prof,
			  struct audit_report *r)
{
	struct boot_conflicts bc;
	struct finding *f;
	struct err e = { 0 };
	size_t used = 0;

	if (boot_conflicts_find(root, prof, &bc, &e) || !bc.n) {
		boot_conflicts_free(&bc);
		return;
	}
	f = audit_add(r, "boot-conflict", SEV_WARNING);
	snprintf(f->summary, sizeof(f->summary), "the next boot undoes %zu "
		 "setting%s of the profile", bc.n, bc.n == 1 ? "" : "s");
	for (size_t i = 0; i < bc.n && used < sizeof(f->evidence); i++)
		used += (size_t)snprintf(f->evidence + used,
					 sizeof(f->evidence) - used,
					 "%s%s:%d sets %s = %s (profile: %s)",
					 i ? "; " : "", bc.v[i].file,
					 bc.v[i].line, bc.v[i].setting,
					 bc.v[i].value, bc.v[i].profile_value);
	snprintf(f->remedy, sizeof(f->remedy), "remove those lines, or "
		 "porttune persist --profile to write a file that sorts after "
		 "them");
	if (f->sev > r->worst)
		r->worst = f->sev;
	boot_conflicts_free(&bc);
}

void audit_boot_findings(const char *root, const char *state_dir,
			 const struct profile *prof, struct audit_report *r)
{
	if (prof)
		boot_conflict(root, prof, r);
	confirm_audit(state_dir, r);
}
