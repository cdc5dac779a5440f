// SPDX-License-Identifier: GPL-2.0-or-later
/* Rendering shared by the commands: plans as text or JSON. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "xalloc.h"

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

/*
 * The lengths of the strings last seen, by address: a plan shares one copy
 * of each device name, key and value among its changes (1,536 lines of a
 * NIC apply name 256 devices, 6 keys and 2 values), so most are known.
 */
struct lens {
	const char *s[64];
	size_t n[64];
};

static size_t len_of(struct lens *m, const char *s)
{
	size_t h = ((uintptr_t)s ^ (uintptr_t)s >> 6) % 64;

	if (m->s[h] != s) {
		m->s[h] = s;
		m->n[h] = strlen(s);
	}
	return m->n[h];
}

/* What change_label() gives, truncated as its buffer of LABEL_BUF would. */
#define LABEL_BUF 512

static size_t label_len(struct lens *m, const struct change *c)
{
	size_t l = len_of(m, c->key) + (c->dev ? len_of(m, c->dev) + 1 : 0);

	return l < LABEL_BUF - 1 ? l : LABEL_BUF - 1;
}

/*
 * "STATUS  LABEL: before -> after  (note)", the columns aligned: its parts
 * and their lengths, known before it is copied anywhere.
 */
struct line {
	const char *st, *colour, *before;
	size_t stl, sw, w, ll, dl, bl, al, nl, cl;
	bool values;
};

static size_t line_size(struct lens *m, const struct change *c,
			struct line *x)
{
	x->before = c->before ? c->before : "?";
	x->dl = c->dev ? len_of(m, c->dev) : 0;
	x->dl = x->dl < x->ll ? x->dl : x->ll;
	x->bl = x->values ? len_of(m, x->before) : 0;
	x->al = x->values ? len_of(m, c->after) : 0;
	x->nl = c->note ? strlen(c->note) : 0;
	x->cl = x->colour ? strlen(x->colour) + 4 : 0;
	return x->cl + x->sw + 2 + x->ll + 1 + (x->w - x->ll + 1) +
	       (x->values ? x->bl + 4 + x->al : 0) +
	       (c->note ? x->nl + (x->values ? 4 : 0) : 0) + 1;
}

/* The line into d, which has room for line_size() bytes. */
static void line_fill(char *d, const struct change *c, const struct line *x)
{
	if (x->colour) {
		memcpy(d, x->colour, x->cl - 4);
		d += x->cl - 4;
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
	memcpy(d, c->dev ? c->dev : c->key, c->dev ? x->dl : x->ll);
	d += c->dev ? x->dl : x->ll;
	if (c->dev && x->dl < x->ll)
		*d++ = ' ';
	if (c->dev && x->dl + 1 < x->ll) {
		memcpy(d, c->key, x->ll - x->dl - 1);
		d += x->ll - x->dl - 1;
	}
	*d++ = ':';
	memset(d, ' ', x->w - x->ll + 1);
	d += x->w - x->ll + 1;
	if (x->values) {
		memcpy(d, x->before, x->bl);
		d += x->bl;
		memcpy(d, " -> ", 4);
		d += 4;
		memcpy(d, c->after, x->al);
		d += x->al;
	}
	if (c->note) {
		if (x->values) {
			memcpy(d, "  (", 3);
			d += 3;
		}
		memcpy(d, c->note, x->nl);
		d += x->nl;
		if (x->values)
			*d++ = ')';
	}
	*d = '\n';
}

void plan_print_text(FILE *f, const struct plan *p, enum view v)
{
	bool colour = use_colour(f);
	size_t w = 0, sw = 0, stl[CS_SKIPPED + 1];
	struct out o = { .f = f };
	struct lens lens = { 0 }, *m = &lens;

	for (int st = 0; st <= CS_SKIPPED; st++)
		stl[st] = strlen(status_label(st, v));
	for (size_t i = 0; i < p->n; i++) {
		size_t l;

		if (!shown(&p->v[i]))
			continue;
		l = label_len(m, &p->v[i]);
		w = l > w ? l : w;
		l = stl[p->v[i].status];
		sw = l > sw ? l : sw;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->v[i];
		struct line x = {
			.st = status_label(c->status, v),
			.colour = colour ? status_colour(c->status) : NULL,
			.stl = stl[c->status], .sw = sw, .w = w,
			.values = c->status != CS_UNSUPPORTED &&
				  c->status != CS_INVALID,
		};
		size_t n;
		char *big;

		if (!shown(c))
			continue;
		x.ll = label_len(m, c);
		n = line_size(m, c, &x);
		if (n > sizeof(o.b) - o.len)
			out_flush(&o);
		if (n <= sizeof(o.b)) {
			line_fill(o.b + o.len, c, &x);
			o.len += n;
			continue;
		}
		/* longer than the buffer (a long note): on its own */
		big = xrealloc(NULL, n);
		line_fill(big, c, &x);
		fwrite(big, 1, n, f);
		free(big);
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
