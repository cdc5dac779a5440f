// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Several Prometheus reports as one: the text format wants each metric
 * family in one block with one HELP and TYPE, so the series of every report
 * are grouped by family, each with an extra label saying whose it is.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "prom_merge.h"
#include "xalloc.h"

struct family {
	char *name;
	char *help, *type;	/* their lines, from the first report */
	char *body;		/* the series of every report */
	size_t blen;
};

struct families {
	struct family *v;
	size_t n;
};

static struct family *family_of(struct families *fs, const char *name,
				size_t len)
{
	struct family *v;

	for (size_t i = 0; i < fs->n; i++)
		if (strlen(fs->v[i].name) == len &&
		    !strncmp(fs->v[i].name, name, len))
			return &fs->v[i];
	v = realloc(fs->v, (fs->n + 1) * sizeof(*v));
	if (!v)
		abort();
	fs->v = v;
	v[fs->n] = (struct family){ .name = xstrndup(name, len) };
	return &v[fs->n++];
}

static void append(struct family *fam, const char *add, size_t n)
{
	char *t = realloc(fam->body, fam->blen + n + 1);

	if (!t)
		abort();
	memcpy(t + fam->blen, add, n);
	fam->blen += n;
	t[fam->blen] = '\0';
	fam->body = t;
}

/* name="value" with the value escaped as the text format wants. */
static char *label_pair(const char *label, const char *value)
{
	size_t n = strlen(label) + 2 * strlen(value) + 4;
	char *s = malloc(n), *o;

	if (!s)
		abort();
	o = s + sprintf(s, "%s=\"", label);
	for (; *value; value++) {
		if (*value == '\\' || *value == '"' || *value == '\n')
			*o++ = '\\';
		*o++ = *value == '\n' ? 'n' : *value;
	}
	*o++ = '"';
	*o = '\0';
	return s;
}

static void merge_one(struct families *fs, const char *text, const char *pair)
{
	struct family *cur = NULL;

	while (*text) {
		const char *eol = strchr(text, '\n');
		size_t n = eol ? (size_t)(eol - text) : strlen(text);
		bool help = !strncmp(text, "# HELP ", 7);

		if (help || !strncmp(text, "# TYPE ", 7)) {
			const char *name = text + 7;
			char **line;

			cur = family_of(fs, name, strcspn(name, " \n"));
			line = help ? &cur->help : &cur->type;
			if (!*line)
				*line = xstrndup(text, n);
		} else if (n && text[0] != '#') {
			size_t nl = strcspn(text, "{ \n");
			const char *rest = text + nl;
			bool labelled = *rest == '{';

			if (!cur)	/* a series without a header: its own */
				cur = family_of(fs, text, nl);
			append(cur, text, nl);
			append(cur, "{", 1);
			append(cur, pair, strlen(pair));
			append(cur, labelled ? "," : "}", 1);
			rest += labelled;
			append(cur, rest, n - (size_t)(rest - text));
			append(cur, "\n", 1);
		}
		text += n + (eol ? 1 : 0);
	}
}

void prom_merge(FILE *f, const char *const *texts, const char *label,
		const char *const *values, size_t n)
{
	struct families fs = { 0 };

	for (size_t i = 0; i < n; i++) {
		char *pair = label_pair(label, values[i]);

		merge_one(&fs, texts[i], pair);
		free(pair);
	}
	for (size_t i = 0; i < fs.n; i++) {
		if (fs.v[i].help)
			fprintf(f, "%s\n", fs.v[i].help);
		if (fs.v[i].type)
			fprintf(f, "%s\n", fs.v[i].type);
		if (fs.v[i].body)
			fputs(fs.v[i].body, f);
		free(fs.v[i].name);
		free(fs.v[i].help);
		free(fs.v[i].type);
		free(fs.v[i].body);
	}
	free(fs.v);
}
