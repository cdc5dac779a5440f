/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_AUDIT_BOOT_H
#define PORTTUNE_AUDIT_BOOT_H

#include "audit.h"
#include "profile.h"

/*
 * WARNING findings appended to r (worst updated): "boot-conflict" when
 * sysctl.d files under root would undo prof at the next boot (prof may be
 * NULL), "confirm-pending" while an apply --confirm awaits confirmation.
 */
void audit_boot_findings(const char *root, const char *state_dir,
			 const struct profile *prof, struct audit_report *r);

#endif
