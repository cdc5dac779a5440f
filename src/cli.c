// SPDX-License-Identifier: GPL-2.0-or-later
/* What every command prints the same way: errors, warnings, stdout's end. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

void pt_error(const char *fmt, ...)
{
	va_list ap;

	fputs("porttune: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void warn_interrupted(unsigned id)
{
	pt_error("warning: snapshot %u: an apply or rollback was interrupted "
		 "and the host may be half changed; undo it with 'porttune "
		 "rollback', or keep the host as it is with 'porttune "
		 "snapshots ack %u'", id, id);
}

int finish_stdout(int code)
{
	if (fflush(stdout) || ferror(stdout)) {
		pt_error("write error on standard output: %s", strerror(errno));
		return code ? code : 1;
	}
	return code;
}

/* Alternatives at the top level (" | " outside brackets) get a line each. */
void cmd_usage(FILE *f, const struct gopts *g)
{
	const char *a = g->args ? g->args : "";
	int depth = 0;

	fprintf(f, "usage: porttune %s ", g->cmd ? g->cmd : "COMMAND");
	for (; *a; a++) {
		depth += *a == '[' ? 1 : *a == ']' ? -1 : 0;
		if (!depth && !strncmp(a, " | ", 3)) {
			fprintf(f, "\n       porttune %s ", g->cmd);
			a += 2;
			continue;
		}
		fputc(*a, f);
	}
	fputc('\n', f);
}
