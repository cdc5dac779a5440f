// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Audit checks about what happens next rather than what is: a boot that
 * undoes the profile, and a change that is rolled back unless confirmed.
 * Kept apart from the checks that judge the running kernel.
 */
#include <stdio.h>

#include "audit_checks.h"
#include "confirm.h"
#include "sysctld.h"

/* The next boot undoing the profile is a WARNING, like drift. */
void check_boot_conflict(const struct audit_input *in, struct audit_report *r)
{
	struct boot_conflicts bc;
	struct finding *f;
	struct err e = { 0 };

	if (boot_conflicts_find(in->root, in->prof, &bc, &e) || !bc.n) {
		boot_conflicts_free(&bc);
		return;
	}
	f = finding_new(r, SEV_WARNING, "the next boot undoes %zu setting%s of "
			"the profile", bc.n, bc.n == 1 ? "" : "s");
	for (size_t i = 0; i < bc.n; i++)
		finding_printf(f, F_EVIDENCE, "%s%s:%d sets %s = %s (profile: %s)",
			       i ? "; " : "", bc.v[i].file, bc.v[i].line,
			       bc.v[i].setting, bc.v[i].value,
			       bc.v[i].profile_value);
	finding_printf(f, F_REMEDY, "remove those lines, or porttune persist "
		       "--profile to write a file that sorts after them");
	boot_conflicts_free(&bc);
}

/* apply --confirm pending: the change goes away at the deadline. */
void check_confirm_pending(const struct audit_input *in,
			   struct audit_report *r)
{
	struct confirm_rec c;
	struct finding *f;
	char when[32];

	if (confirm_read(in->state_dir, &c, NULL))
		return;
	confirm_time(c.deadline, when, sizeof(when));
	f = finding_new(r, SEV_WARNING, "an apply awaits confirmation: "
			"snapshot %u is rolled back at %s", c.snapshot, when);
	finding_printf(f, F_EVIDENCE, "%s/" CONFIRM_PENDING ": %s of %.200s, "
		       "network namespace %s", in->state_dir, c.state,
		       c.profile, c.netns);
	finding_printf(f, F_REMEDY, "porttune confirm keeps the changes; "
		       "porttune rollback %u undoes them now", c.snapshot);
}
