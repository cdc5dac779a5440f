/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_AUDIT_SUGGEST_H
#define PORTTUNE_AUDIT_SUGGEST_H

#include <stddef.h>

#include "err.h"
#include "finding.h"

/* The profile text of the findings' fixes; *nset = settings in it. Pure. */
int audit_suggest_text(const struct audit_report *r, char **out, size_t *nset);
/* Write text to path atomically (temporary file, fsync, rename). */
int audit_suggest_write(const char *path, const char *text, struct err *e);

#endif
