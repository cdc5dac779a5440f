// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The settings a snapshot lists, read from the text as porttune renders it
 * ("[section]" lines, "key = value" lines, tab-indented continuations),
 * without the profile parser: enough to see that the settings of one
 * snapshot are among those of another. Anything unexpected says no. And
 * the same settings as one number, from the plan, for a snapshot's head.
 */
#include <stdint.h>
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

/* ---- the digest of a snapshot's settings --------------------------- */

/* A string into h, eight bytes at a time; its length ends it. */
static uint64_t mix(uint64_t h, const char *s)
{
	size_t n = strlen(s);
	uint64_t w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w ^ ((uint64_t)(n + 1) << 59)) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

static uint64_t mix_u(uint64_t h, unsigned long long v)
{
	h = (h ^ v) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

/* A string's own hash, remembered by address: the plan's devices and
 * keys are shared by its changes (plan_str), and never change. */
struct str_memo {
	const char *s[16];
	uint64_t h[16];
};

static uint64_t str_hash(struct str_memo *m, const char *s)
{
	size_t i = ((uintptr_t)s >> 4) % 16;

	if (m->s[i] != s) {
		m->s[i] = s;
		m->h[i] = mix(0x6b6579ULL, s);
	}
	return m->h[i];
}

uint64_t snapshot_digest(const struct plan *plan, const struct netns_id *ns)
{
	uint64_t h = mix_u(mix_u(mix_u(0x70727474756e65ULL, ns->ino), ns->dev),
			   ns->initial);
	struct str_memo memo;

	memset(&memo, 0, sizeof(memo));
	h = mix(h, ns->boot_id);
	for (size_t t = 0; t < T_COUNT; t++) {
		bool per_device = keyspec_of(t)->per_device;

		for (size_t i = 0; i < plan->n; i++) {
			const struct change *c = &plan->v[i];

			if (c->status != CS_PENDING || c->target != t)
				continue;
			h = mix_u(h, t);
			if (per_device)
				h = mix_u(h, str_hash(&memo, c->dev));
			h = mix_u(h, str_hash(&memo, c->key));
		}
	}
	return h;
}

bool snapshot_head_digest(const char *head, uint64_t *d)
{
	const char *p = strstr(head, SNAPSHOT_DIGEST_LINE);
	char *end;

	if (!p)
		return false;
	p += strlen(SNAPSHOT_DIGEST_LINE);
	*d = strtoull(p, &end, 16);
	return end == p + 16 && *end == '\n';
}
