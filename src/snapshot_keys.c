// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The settings a snapshot lists, read from the text as porttune renders it
 * ("[section]" lines, "key = value" lines, tab-indented continuations),
 * without the profile parser: enough to see that the settings of one
 * snapshot are among those of another. Anything unexpected says no.
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot_keys.h"

/* The [snapshot] lines that say where it was taken. */
static const char *const where[] = {
	"netns-inode", "netns-dev", "netns-initial", "boot-id",
};
#define NWHERE (sizeof(where) / sizeof(where[0]))

struct span {
	const char *s;
	size_t len;
};

struct entry {			/* one setting: its section line and key */
	struct span sec, key;
};

struct listing {
	struct entry *v;
	size_t n, cap;
	struct span where[NWHERE];
};

static bool span_eq(struct span a, struct span b)
{
	return a.len == b.len && !memcmp(a.s, b.s, a.len);
}

static void add(struct listing *l, struct span sec, struct span key)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			abort();
	}
	l->v[l->n++] = (struct entry){ sec, key };
}

/* false: not as porttune writes snapshots */
static bool list(const char *text, struct listing *l)
{
	struct span sec = { NULL, 0 };
	bool meta = false;

	memset(l, 0, sizeof(*l));
	for (const char *p = text, *end = text + strlen(text); *p;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *eq = NULL;

		/* a key line: keys hold no '=', the first one is in " = " */
		if (len && !strchr(";\t[", *p)) {
			eq = memchr(p, '=', len);
			if (!eq || eq == p || eq[-1] != ' ' ||
			    eq + 1 == p + len || eq[1] != ' ')
				return false;
			eq--;
		}
		if (!len || *p == ';' || *p == '\t') {
			/* blank, comment, or more of the value above */
		} else if (*p == '[') {
			if (p[len - 1] != ']')
				return false;
			sec = (struct span){ p, len };
			meta = len == 10 && !memcmp(p, "[snapshot]", 10);
		} else if (!eq || eq == p || !sec.s) {
			return false;
		} else if (meta) {
			for (size_t i = 0; i < NWHERE; i++)
				if ((size_t)(eq - p) == strlen(where[i]) &&
				    !memcmp(p, where[i], eq - p))
					l->where[i] = (struct span){ p, len };
		} else {
			add(l, sec, (struct span){ p, (size_t)(eq - p) });
		}
		p += len + (nl != NULL);
	}
	for (size_t i = 0; i < NWHERE; i++)
		if (!l->where[i].s)
			return false;
	return true;
}

bool snapshot_keys_within(const char *fresh, const char *prev)
{
	struct listing f = { 0 }, p = { 0 };
	bool ok = list(fresh, &f) && list(prev, &p);
	size_t j = 0;

	for (size_t i = 0; ok && i < NWHERE; i++)
		ok = span_eq(f.where[i], p.where[i]);
	/* in order: plans list devices by index and settings by key */
	for (size_t i = 0; ok && i < f.n; i++) {
		while (j < p.n && !(span_eq(f.v[i].sec, p.v[j].sec) &&
				    span_eq(f.v[i].key, p.v[j].key)))
			j++;
		ok = j++ < p.n;
	}
	free(f.v);
	free(p.v);
	return ok;
}
