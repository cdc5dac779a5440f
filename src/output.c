// SPDX-License-Identifier: GPL-2.0-or-later
/* Rendering shared by the commands: plans as text or JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

int format_parse(const char *s, bool allow_prometheus, enum format *f)
{
	if (!strcmp(s, "text"))
		*f = FMT_TEXT;
	else if (!strcmp(s, "json"))
		*f = FMT_JSON;
	else if (allow_prometheus && !strcmp(s, "prometheus"))
		*f = FMT_PROMETHEUS;
	else if (allow_prometheus && !strcmp(s, "nagios"))
		*f = FMT_NAGIOS;
	else
		return -EINVAL;
	return 0;
}

bool use_colour(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fileno(f)) && !(nc && *nc);
}

const char *change_label(const struct change *c, char *buf, size_t len)
{
	if (c->dev)
		snprintf(buf, len, "%s %s", c->dev, c->key);
	else
		snprintf(buf, len, "%s", c->key);
	return buf;
}

const char *status_label(enum chg_status st, enum view v)
{
	if (st == CS_PENDING)
		return v == VIEW_DIFF ? "drift" : "would change";
	if (st == CS_SAME)
		return "ok";
	return chg_status_name(st);
}

static const char *status_colour(enum chg_status st)
{
	switch (st) {
	case CS_CHANGED:
		return "\033[32m";
	case CS_PENDING:
		return "\033[33m";
	case CS_FAILED:
	case CS_INVALID:
		return "\033[31m";
	case CS_REVERTED:
	case CS_SKIPPED:
	case CS_UNSUPPORTED:
		return "\033[35m";
	case CS_SAME:
		break;
	}
	return "";
}

/* What already matches is counted in the summary, not listed. */
static bool shown(const struct change *c)
{
	return c->status != CS_SAME;
}

void plan_print_text(FILE *f, const struct plan *p, enum view v)
{
	bool colour = use_colour(f);
	size_t w = 0, sw = 0;
	char label[512];

	for (size_t i = 0; i < p->n; i++) {
		size_t l;

		if (!shown(&p->v[i]))
			continue;
		l = strlen(change_label(&p->v[i], label, sizeof(label)));
		w = l > w ? l : w;
		l = strlen(status_label(p->v[i].status, v));
		sw = l > sw ? l : sw;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->v[i];
		bool values = c->status != CS_UNSUPPORTED &&
			      c->status != CS_INVALID;

		if (!shown(c))
			continue;
		change_label(c, label, sizeof(label));
		fprintf(f, "%s%-*s%s  %s:%*s", colour ? status_colour(c->status)
			: "", (int)sw, status_label(c->status, v),
			colour ? "\033[0m" : "", label,
			(int)(w - strlen(label) + 1), "");
		if (values)
			fprintf(f, "%s -> %s", c->before ? c->before : "?",
				c->after);
		if (c->note)
			fprintf(f, "%s%s", values ? "  (" : "", c->note);
		fprintf(f, "%s\n", values && c->note ? ")" : "");
	}
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *plan_json(const struct plan *p, enum view v)
{
	json_object *o = json_object_new_object();
	json_object *arr = json_object_new_array();
	json_object *warn = json_object_new_array();
	json_object *counts = json_object_new_object();
	char src[600];

	(void)v;	/* JSON says the same of a change whichever command shows it */

	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->v[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "type", json_object_new_string(
			keyspec_of(c->target)->type));
		json_object_object_add(e, "device", jstr(c->dev));
		json_object_object_add(e, "setting", jstr(c->key));
		json_object_object_add(e, "before", jstr(c->before));
		json_object_object_add(e, "after", jstr(c->after));
		/* one word per status in every command, as in "counts" */
		json_object_object_add(e, "status", json_object_new_string(
			chg_status_name(c->status)));
		json_object_object_add(e, "message", jstr(c->note));
		snprintf(src, sizeof(src), "%s:%d", c->file ? c->file : "?",
			 c->line);
		json_object_object_add(e, "source", jstr(src));
		json_object_array_add(arr, e);
	}
	for (size_t i = 0; i < p->nwarnings; i++)
		json_object_array_add(warn, jstr(p->warnings[i]));
	for (int st = CS_SAME; st <= CS_SKIPPED; st++)
		json_object_object_add(counts, chg_status_name(st),
				       json_object_new_int64(
					       plan_count(p, st)));
	json_object_object_add(o, "changes", arr);
	json_object_object_add(o, "counts", counts);
	json_object_object_add(o, "warnings", warn);
	return o;
}

void profile_print_diags(const struct profile *p)
{
	for (size_t i = 0; i < p->nwarnings; i++)
		fprintf(stderr, "porttune: warning: %s\n", p->warnings[i]);
	for (size_t i = 0; i < p->nerrors; i++)
		fprintf(stderr, "porttune: %s\n", p->errors[i]);
}

void plan_print_diags(const struct plan *p)
{
	for (size_t i = 0; i < p->nwarnings; i++)
		fprintf(stderr, "porttune: warning: %s\n", p->warnings[i]);
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].status == CS_INVALID)
			fprintf(stderr, "porttune: %s:%d: %s\n", p->v[i].file,
				p->v[i].line, p->v[i].note);
}

int json_emit(FILE *f, json_object *o)
{
	const char *s = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		   JSON_C_TO_STRING_NOSLASHESCAPE);
	int rc = fprintf(f, "%s\n", s) < 0 ? -EIO : 0;

	json_object_put(o);
	return rc;
}
