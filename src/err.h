/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_ERR_H
#define PORTTUNE_ERR_H

#include <stddef.h>

/*
 * Error carrier for everything below the command layer: a function returns
 * -errno and, where it has something to say, fills one of these. Only cmd_*
 * prints it, as "porttune: MESSAGE".
 */
struct err {
	int code;		/* negative errno, 0 when unset */
	char msg[512];		/* "CONTEXT: reason", no trailing newline */
};

/* Fill e (if not NULL) and return code, so callers can `return err_set(...)`. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an existing message with "CONTEXT: "; returns e->code (-EIO
 * when e is NULL). */
int err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
