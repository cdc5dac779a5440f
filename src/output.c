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

/*
 * plan_print_text()'s lines gather here and reach the stream in large
 * writes: one fprintf per part of a line cost more than building the plan.
 */
struct out {
	FILE *f;
	size_t len;
	char b[4096];
};

static void out_flush(struct out *o)
{
	if (o->len)
		fwrite(o->b, 1, o->len, o->f);
	o->len = 0;
}

static void out_put(struct out *o, const char *s, size_t n)
{
	if (n > sizeof(o->b) - o->len) {
		out_flush(o);
		if (n > sizeof(o->b)) {
			fwrite(s, 1, n, o->f);
			return;
		}
	}
	memcpy(o->b + o->len, s, n);
	o->len += n;
}

static void out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static void out_spaces(struct out *o, size_t n)
{
	static const char sp[] = "                                ";

	for (size_t k; n; n -= k) {
		k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		out_put(o, sp, k);
	}
}

/* What change_label() gives, truncated as its buffer of LABEL_BUF would. */
#define LABEL_BUF 512

static size_t label_len(const struct change *c)
{
	size_t l = strlen(c->key) + (c->dev ? strlen(c->dev) + 1 : 0);

	return l < LABEL_BUF - 1 ? l : LABEL_BUF - 1;
}

static void out_label(struct out *o, const struct change *c, size_t len)
{
	size_t d;

	if (!c->dev) {
		out_put(o, c->key, len);
		return;
	}
	d = strlen(c->dev);
	d = d < len ? d : len;
	out_put(o, c->dev, d);
	if (d < len)
		out_put(o, " ", 1);
	if (d + 1 < len)
		out_put(o, c->key, len - d - 1);
}

void plan_print_text(FILE *f, const struct plan *p, enum view v)
{
	bool colour = use_colour(f);
	size_t w = 0, sw = 0;
	struct out o = { .f = f };

	for (size_t i = 0; i < p->n; i++) {
		size_t l;

		if (!shown(&p->v[i]))
			continue;
		l = label_len(&p->v[i]);
		w = l > w ? l : w;
		l = strlen(status_label(p->v[i].status, v));
		sw = l > sw ? l : sw;
	}
	/* "STATUS  LABEL: before -> after  (note)", the columns aligned */
	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->v[i];
		bool values = c->status != CS_UNSUPPORTED &&
			      c->status != CS_INVALID;
		const char *st;
		size_t l, ll;

		if (!shown(c))
			continue;
		st = status_label(c->status, v);
		l = strlen(st);
		ll = label_len(c);
		if (colour)
			out_str(&o, status_colour(c->status));
		out_put(&o, st, l);
		out_spaces(&o, sw > l ? sw - l : 0);
		if (colour)
			out_str(&o, "\033[0m");
		out_put(&o, "  ", 2);
		out_label(&o, c, ll);
		out_put(&o, ":", 1);
		out_spaces(&o, w - ll + 1);
		if (values) {
			out_str(&o, c->before ? c->before : "?");
			out_put(&o, " -> ", 4);
			out_str(&o, c->after);
		}
		if (c->note) {
			if (values)
				out_put(&o, "  (", 3);
			out_str(&o, c->note);
		}
		if (values && c->note)
			out_put(&o, ")", 1);
		out_put(&o, "\n", 1);
	}
	out_flush(&o);
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
