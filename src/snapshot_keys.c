// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The settings a snapshot lists, read from the text as porttune renders it
 * ("[section]" lines, "key = value" lines, tab-indented continuations),
 * without the profile parser: enough to see that the settings of one
 * snapshot are among those of another. Anything unexpected says no.
 */
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

/* A walk over one text: its settings one by one, the [snapshot] lines
 * that say where it was taken kept on the way. */
struct walk {
	const char *p, *end;
	struct span sec;
	bool meta;
	struct span where[NWHERE];
};

static bool span_eq(struct span a, struct span b)
{
	return a.len == b.len && !memcmp(a.s, b.s, a.len);
}

static void walk_init(struct walk *w, const char *text)
{
	memset(w, 0, sizeof(*w));
	w->p = text;
	w->end = text + strlen(text);
}

/* 1: the next setting's section and key; 0: the end; -1: a line not as
 * porttune writes snapshots. */
static int next_key(struct walk *w, struct span *sec, struct span *key)
{
	while (w->p < w->end) {
		const char *p = w->p, *nl = memchr(p, '\n', (size_t)(w->end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(w->end - p);
		const char *eq = NULL;

		w->p += len + (nl != NULL);
		/* a key line: keys hold no '=', the first one is in " = " */
		if (len && !strchr(";\t[", *p)) {
			eq = memchr(p, '=', len);
			if (!eq || eq == p || eq[-1] != ' ' ||
			    eq + 1 == p + len || eq[1] != ' ')
				return -1;
			eq--;
		}
		if (!len || *p == ';' || *p == '\t') {
			/* blank, comment, or more of the value above */
		} else if (*p == '[') {
			if (p[len - 1] != ']')
				return -1;
			w->sec = (struct span){ p, len };
			w->meta = len == 10 && !memcmp(p, "[snapshot]", 10);
		} else if (!eq || eq == p || !w->sec.s) {
			return -1;
		} else if (w->meta) {
			for (size_t i = 0; i < NWHERE; i++)
				if ((size_t)(eq - p) == strlen(where[i]) &&
				    !memcmp(p, where[i], eq - p))
					w->where[i] = (struct span){ p, len };
		} else {
			*sec = w->sec;
			*key = (struct span){ p, (size_t)(eq - p) };
			return 1;
		}
	}
	return 0;
}

/* Both texts walked side by side, neither copied: plans list devices by
 * index and settings by key, so each setting of `fresh` is found further
 * on in `prev`. */
bool snapshot_keys_within(const char *fresh, const char *prev)
{
	struct walk f, p;
	struct span fs, fk, ps, pk;
	int rf, rp = 1;

	walk_init(&f, fresh);
	walk_init(&p, prev);
	while ((rf = next_key(&f, &fs, &fk)) == 1) {
		while ((rp = next_key(&p, &ps, &pk)) == 1 &&
		       !(span_eq(fs, ps) && span_eq(fk, pk)))
			;
		if (rp != 1)
			return false;
	}
	/* the rest of prev must read as well */
	while (rf == 0 && (rp = next_key(&p, &ps, &pk)) == 1)
		;
	if (rf || rp)
		return false;
	for (size_t i = 0; i < NWHERE; i++)
		if (!f.where[i].s || !p.where[i].s ||
		    !span_eq(f.where[i], p.where[i]))
			return false;
	return true;
}
