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

/*
 * One line whole, when it fits the buffer: its parts' lengths are known,
 * so it is copied in without a check per part. False when it is longer
 * than the buffer (the caller writes it part by part).
 */
struct line {
	const char *st, *colour;
	size_t stl, sw, w, ll;
	bool values;
};

static bool out_line(struct out *o, const struct change *c,
		     const struct line *x)
{
	size_t dl = c->dev ? strlen(c->dev) : 0;
	const char *before = c->before ? c->before : "?";
	size_t bl = x->values ? strlen(before) : 0;
	size_t al = x->values ? strlen(c->after) : 0;
	size_t nl = c->note ? strlen(c->note) : 0;
	size_t cl = x->colour ? strlen(x->colour) + 4 : 0;
	size_t need = cl + x->sw + 2 + x->ll + 1 + (x->w - x->ll + 1) +
		      (x->values ? bl + 4 + al : 0) +
		      (c->note ? nl + (x->values ? 4 : 0) : 0) + 1;
	char *d;

	if (need > sizeof(o->b) - o->len)
		out_flush(o);
	if (need > sizeof(o->b))
		return false;
	d = o->b + o->len;
	if (x->colour) {
		memcpy(d, x->colour, cl - 4);
		d += cl - 4;
	}
	memcpy(d, x->st, x->stl);
	d += x->stl;
	memset(d, ' ', x->sw - x->stl);
	d += x->sw - x->stl;
	if (x->colour) {
		memcpy(d, "\033[0m", 4);
		d += 4;
	}
	*d++ = ' ';
	*d++ = ' ';
	/* the label, cut as change_label()'s buffer would cut it */
	dl = dl < x->ll ? dl : x->ll;
	memcpy(d, c->dev ? c->dev : c->key, c->dev ? dl : x->ll);
	d += c->dev ? dl : x->ll;
	if (c->dev && dl < x->ll)
		*d++ = ' ';
	if (c->dev && dl + 1 < x->ll) {
		memcpy(d, c->key, x->ll - dl - 1);
		d += x->ll - dl - 1;
	}
	*d++ = ':';
	memset(d, ' ', x->w - x->ll + 1);
	d += x->w - x->ll + 1;
	if (x->values) {
		memcpy(d, before, bl);
		d += bl;
		memcpy(d, " -> ", 4);
		d += 4;
		memcpy(d, c->after, al);
		d += al;
	}
	if (c->note) {
		if (x->values) {
			memcpy(d, "  (", 3);
			d += 3;
		}
		memcpy(d, c->note, nl);
		d += nl;
		if (x->values)
			*d++ = ')';
	}
	*d++ = '\n';
	o->len = (size_t)(d - o->b);
	return true;
}

void plan_print_text(FILE *f, const struct plan *p, enum view v)
{
	bool colour = use_colour(f);
	size_t w = 0, sw = 0, stl[CS_SKIPPED + 1];
	struct out o = { .f = f };

	for (int st = 0; st <= CS_SKIPPED; st++)
		stl[st] = strlen(status_label(st, v));
	for (size_t i = 0; i < p->n; i++) {
		size_t l;

		if (!shown(&p->v[i]))
			continue;
		l = label_len(&p->v[i]);
		w = l > w ? l : w;
		l = stl[p->v[i].status];
		sw = l > sw ? l : sw;
	}
	/* "STATUS  LABEL: before -> after  (note)", the columns aligned */
	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->v[i];
		struct line x = {
			.st = status_label(c->status, v),
			.colour = colour ? status_colour(c->status) : NULL,
			.stl = stl[c->status], .sw = sw, .w = w,
			.values = c->status != CS_UNSUPPORTED &&
				  c->status != CS_INVALID,
		};

		if (!shown(c))
			continue;
		x.ll = label_len(c);
		if (out_line(&o, c, &x))
			continue;
		/* longer than the buffer: part by part */
		if (colour)
			out_str(&o, x.colour);
		out_put(&o, x.st, x.stl);
		out_spaces(&o, sw - x.stl);
		if (colour)
			out_str(&o, "\033[0m");
		out_put(&o, "  ", 2);
		out_label(&o, c, x.ll);
		out_put(&o, ":", 1);
		out_spaces(&o, w - x.ll + 1);
		if (x.values) {
			out_str(&o, c->before ? c->before : "?");
			out_put(&o, " -> ", 4);
			out_str(&o, c->after);
		}
		if (c->note) {
			if (x.values)
				out_put(&o, "  (", 3);
			out_str(&o, c->note);
		}
		if (x.values && c->note)
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
