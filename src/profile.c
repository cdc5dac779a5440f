// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * INI profile -> struct profile. Pure: no system access; included files come
 * through a loader callback. Every problem is collected with file:line so a
 * user fixes the whole profile in one go.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <ini.h>

#include "keyspec.h"
#include "profile.h"
#include "profile_kv.h"
#include "strpool.h"
#include "words.h"
#include "xalloc.h"

#define MAX_INCLUDE_DEPTH 16
/* Files read for one profile, the top one included: depth alone lets a
 * few files that each include the next several times multiply without end. */
#define MAX_FILES 64
#define BOM "\xef\xbb\xbf"

struct layer;
/* What a line means in the section it is in. */
typedef void (*key_fn)(struct layer *l, const char *name, const char *value);

/* One file being parsed: its own values before includes are merged in. */
struct layer {
	struct profile *out;	/* shared: diagnostics and file names */
	struct profile own;	/* this file's values */
	const char *file;	/* owned by out->files */
	const char *text;
	size_t pos;
	int line;
	key_fn on_key;		/* the current section's; NULL outside any */
	const struct keyspec *spec;	/* a registry section's kind */
	enum profile_kind kind;
	bool cont;		/* the line just read continues the last value */
	bool pending;		/* pname was read, its value may still grow */
	char *pname, *pvalue;	/* the key read last (buffers kept for the next) */
	size_t pncap, plen, pcap;
	int pline;
	struct kv_index sysctl_ix, meta_ix, nic_ix;	/* nic_ix: the last [nic] */
	char **includes;	/* resolved paths, in order */
	int *include_lines;
	size_t nincludes;
};

struct chain {			/* the include stack, for cycle detection */
	const char *canon;
	const struct chain *up;
};

struct source {			/* where included files come from */
	profile_loader loader;
	void *ctx;
	bool too_many;		/* MAX_FILES reached (said once) */
};

static const char *const profile_keys[] = { "description", "include" };
static const char *const audit_keys[] = { "warn-occupancy", "crit-occupancy" };

static void push_str(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

__attribute__((format(printf, 4, 5)))
static void diag(struct layer *l, bool error, int line, const char *fmt, ...)
{
	char msg[600], *full;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = snprintf(NULL, 0, "%s:%d: %s", l->file, line, msg);
	full = xrealloc(NULL, n + 1);
	snprintf(full, n + 1, "%s:%d: %s", l->file, line, msg);
	if (error)
		push_str(&l->out->errors, &l->out->nerrors, full);
	else
		push_str(&l->out->warnings, &l->out->nwarnings, full);
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void unknown(struct layer *l, const char *what, const char *word,
		    const char *const *cands, size_t n)
{
	const char *near = nearest_word(word, cands, n);

	if (near)
		diag(l, true, l->line, "unknown %s '%s'; did you mean '%s'?",
		     what, word, near);
	else
		diag(l, true, l->line, "unknown %s '%s'", what, word);
}

static int parse_ratio(const char *v, double *out)
{
	char *end;
	double d = strtod(v, &end);

	if (end == v)
		return -EINVAL;
	if (*end == '%') {
		d /= 100;
		end++;
	}
	if (*end || d <= 0 || d > 1)
		return -ERANGE;
	*out = d;
	return 0;
}

/* A key of a registry section: its descriptor checks it. */
static void on_keys(struct layer *l, const char *name, const char *value)
{
	struct keycheck c;
	struct pkv **kv = &l->own.sysctl;
	size_t *n = &l->own.nsysctl;
	struct kv_index *ix = &l->sysctl_ix;

	if (l->spec->check(name, value, l->kind == PROFILE_SNAPSHOT, &c)) {
		diag(l, true, l->line, "%s", c.msg);
		return;
	}
	if (c.warn[0])
		diag(l, false, l->line, "%s", c.warn);
	if (l->spec->per_device) {
		kv = &l->own.nic[l->own.nnic - 1].kv;
		n = &l->own.nic[l->own.nnic - 1].nkv;
		ix = &l->nic_ix;
	}
	kv_put(kv, n, ix, kv_make(&l->out->pool, c.key, c.value, l->file,
				  l->line));
}

static void on_profile(struct layer *l, const char *name, const char *value)
{
	if (!strcmp(name, "description")) {
		free(l->own.description);
		l->own.description = xstrdup(value);
	} else if (!strcmp(name, "include")) {
		const char *slash = strrchr(l->file, '/');
		char path[PATH_MAX];

		if (!*value) {
			diag(l, true, l->line, "include needs a file name");
			return;
		}
		if (value[0] == '/' || !slash)
			snprintf(path, sizeof(path), "%s", value);
		else
			snprintf(path, sizeof(path), "%.*s/%s",
				 (int)(slash - l->file), l->file, value);
		push_str(&l->includes, &l->nincludes, xstrdup(path));
		l->include_lines = xrealloc(l->include_lines,
					    l->nincludes * sizeof(int));
		l->include_lines[l->nincludes - 1] = l->line;
	} else {
		unknown(l, "key in [profile]", name, profile_keys,
			NELEM(profile_keys));
	}
}

static void on_audit(struct layer *l, const char *name, const char *value)
{
	double *slot = !strcmp(name, "warn-occupancy") ? &l->own.audit.warn_ratio
		     : !strcmp(name, "crit-occupancy") ? &l->own.audit.crit_ratio
		     : NULL;

	if (!slot) {
		unknown(l, "key in [audit]", name, audit_keys,
			NELEM(audit_keys));
		return;
	}
	if (parse_ratio(value, slot))
		diag(l, true, l->line,
		     "%s: '%s' is not a fraction in (0, 1] or a percentage",
		     name, value);
}

static void on_meta(struct layer *l, const char *name, const char *value)
{
	kv_put(&l->own.meta, &l->own.nmeta, &l->meta_ix,
	       kv_make(&l->out->pool, name, value, l->file, l->line));
}

/* A section in error: its lines are not looked at. */
static void ignore(struct layer *l, const char *name, const char *value)
{
	(void)l;
	(void)name;
	(void)value;
}

/* The sections the loader reads itself; the registry's come after. */
static const struct {
	const char *name;
	key_fn fn;
} own_sections[] = {
	{ "profile", on_profile },
	{ "snapshot", on_meta },
	{ "audit", on_audit },
};

/* A section of the registry that names devices: [nic eth*]. */
static key_fn device_section(struct layer *l, const struct keyspec *spec,
			     const char *arg)
{
	struct nic_section *s;
	char msg[600];

	if (!arg || !*arg) {
		diag(l, true, l->line, "[%s] needs %s", spec->section,
		     spec->arg_hint);
		return ignore;
	}
	l->own.nic = kv_grow(l->own.nic, l->own.nnic, sizeof(*s));
	s = &l->own.nic[l->own.nnic++];
	*s = (struct nic_section){ .match = xstrdup(arg), .file = l->file,
				   .line = l->line };
	if (spec->check_arg && spec->check_arg(arg, msg, sizeof(msg)))
		diag(l, true, l->line, "%s", msg);
	kv_index_reset(&l->nic_ix);
	l->spec = spec;
	return on_keys;
}

static key_fn section_start(struct layer *l, const char *section)
{
	const char *arg = strchr(section, ' ');
	size_t len = arg ? (size_t)(arg - section) : strlen(section);
	const char *cands[NELEM(own_sections) + T_COUNT];
	const struct keyspec *spec = NULL;
	char name[32];

	if (len < sizeof(name)) {
		memcpy(name, section, len);
		name[len] = '\0';
		spec = keyspec_by_section(name);
	}
	while (arg && *arg == ' ')
		arg++;
	if (spec && spec->per_device)
		return device_section(l, spec, arg);
	if (spec && !arg) {
		l->spec = spec;
		return on_keys;
	}
	if (!arg && !strcmp(section, "snapshot") &&
	    l->kind != PROFILE_SNAPSHOT) {
		diag(l, true, l->line, "[snapshot] belongs to snapshots porttune "
		     "writes, not to a profile (restore one with porttune "
		     "rollback)");
		return ignore;
	}
	for (size_t i = 0; !arg && i < NELEM(own_sections); i++)
		if (!strcmp(section, own_sections[i].name))
			return own_sections[i].fn;
	for (size_t i = 0; i < NELEM(own_sections); i++)
		cands[i] = own_sections[i].name;
	for (size_t i = 0; i < T_COUNT; i++)
		cands[NELEM(own_sections) + i] = keyspec_of(i)->section;
	unknown(l, "section", section, cands, NELEM(cands));
	return ignore;
}

static void dispatch(struct layer *l, const char *name, const char *value)
{
	if (!l->on_key)
		diag(l, true, l->line, "'%s' is outside any section", name);
	else
		l->on_key(l, name, value);
}

/* The key read last, with its continuation lines joined, is complete. */
static void flush(struct layer *l)
{
	int line = l->line;

	if (!l->pending)
		return;
	l->pending = false;
	l->line = l->pline;
	dispatch(l, l->pname, l->pvalue);
	l->line = line;
}

static void append(struct layer *l, const char *v, size_t len)
{
	/* doubling: a megabyte of one-character lines stays linear */
	if (l->plen + len + 1 > l->pcap) {
		l->pcap = (l->plen + len + 1) * 2;
		l->pvalue = xrealloc(l->pvalue, l->pcap);
	}
	memcpy(l->pvalue + l->plen, v, len);
	l->plen += len;
	l->pvalue[l->plen] = '\0';
}

/*
 * inih hands an indented line after a key to us as more of that key's value
 * (INI_ALLOW_MULTILINE, on in Debian's libinih): join the pieces without a
 * separator, so a list too long for one line breaks after a comma.
 */
static int on_line(void *user, const char *section, const char *name,
		   const char *value)
{
	struct layer *l = user;
	size_t len = strlen(value), nlen;

	(void)section;
	if (!name)
		return 1;
	if (l->cont && l->pending && !strcmp(l->pname, name)) {
		/* libinih 55 keeps a " ; comment" on continuation lines */
		for (const char *c = value; (c = strchr(c, ';')); c++)
			if (c > value && (c[-1] == ' ' || c[-1] == '\t')) {
				len = (size_t)(c - value);
				break;
			}
		while (len && (value[len - 1] == ' ' || value[len - 1] == '\t'))
			len--;
		append(l, value, len);
		return 1;
	}
	flush(l);
	nlen = strlen(name) + 1;
	if (nlen > l->pncap) {
		l->pncap = nlen;
		l->pname = xrealloc(l->pname, nlen);
	}
	memcpy(l->pname, name, nlen);
	l->plen = 0;
	append(l, value, len);
	l->pline = l->line;
	l->pending = true;
	return 1;
}

/*
 * The ']' that ends a header line starting at hdr ('['), or NULL. The last
 * ']' before a comment ends it: names may hold ']'.
 */
static const char *header_end(const char *hdr)
{
	const char *close = strstr(hdr, " ;");

	close = close ? close : hdr + strlen(hdr);
	while (close > hdr && *close != ']')
		close--;
	return *close == ']' ? close : NULL;
}

/* inih reads line by line through us, which is how we know line numbers. */
static char *reader(char *str, int num, void *stream)
{
	struct layer *l = stream;
	const char *start = l->text + l->pos;
	size_t len = (size_t)(strchrnul(start, '\n') - start);
	const char *hdr = str, *close = NULL;

	if (!*start)
		return NULL;
	l->pos += len + (start[len] == '\n');
	l->line++;
	if (len + 2 > (size_t)num) {
		diag(l, true, l->line, "line longer than %d characters", num - 2);
		len = num - 2;
	}
	memcpy(str, start, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	/* Headers are ours: inih says nothing about a section with no keys. */
	while (*hdr == ' ' || *hdr == '\t')
		hdr++;
	if (*hdr == '[')
		close = header_end(hdr);
	/* as inih decides: indented, and neither blank nor a comment; the key
	 * before is complete otherwise (and before any section change) */
	l->cont = !close && hdr > str && !strchr(";#\n", *hdr);
	if (!l->cont)
		flush(l);
	if (close) {
		char name[256];
		size_t lead = strspn(hdr + 1, " "), n = close - hdr - 1;

		while (n > lead && hdr[n] == ' ')
			n--;
		n = n - lead < sizeof(name) ? n - lead : sizeof(name) - 1;
		memcpy(name, hdr + 1 + lead, n);
		name[n] = '\0';
		l->on_key = section_start(l, name);
	}
	return str;
}

static void own_free(struct profile *p);

static void merge(struct profile *dst, struct profile *src)
{
	struct kv_index ix = { 0 };

	/* the strings are the profile's (its pool): entries move as they are */
	for (size_t i = 0; i < src->nsysctl; i++)
		kv_put(&dst->sysctl, &dst->nsysctl, &ix, src->sysctl[i]);
	kv_index_reset(&ix);
	if (src->nnic) {	/* src->nic is NULL otherwise: no memcpy from it */
		dst->nic = xrealloc(dst->nic, (dst->nnic + src->nnic) *
				    sizeof(*dst->nic));
		memcpy(dst->nic + dst->nnic, src->nic,
		       src->nnic * sizeof(*src->nic));
		dst->nnic += src->nnic;
		src->nnic = 0;
	}
	for (size_t i = 0; i < src->nmeta; i++)
		kv_put(&dst->meta, &dst->nmeta, &ix, src->meta[i]);
	kv_index_reset(&ix);
	if (src->description) {
		free(dst->description);
		dst->description = xstrdup(src->description);
	}
	if (src->audit.warn_ratio)
		dst->audit.warn_ratio = src->audit.warn_ratio;
	if (src->audit.crit_ratio)
		dst->audit.crit_ratio = src->audit.crit_ratio;
}

static const char *keep_file(struct profile *out, const char *name)
{
	push_str(&out->files, &out->nfiles, xstrdup(name));
	return out->files[out->nfiles - 1];
}

/* Parse one file into `acc` (its includes first, then its own values). */
static void parse_layer(struct profile *out, struct profile *acc,
			enum profile_kind kind, const char *file,
			const char *text, const struct chain *up, int depth,
			struct source *src)
{
	struct layer l = { .out = out, .file = keep_file(out, file),
			   .text = text, .kind = kind };
	int rc;

	/* inih would skip it, but our reader sees headers first */
	if (!strncmp(l.text, BOM, 3))
		l.text += 3;
	rc = ini_parse_stream(reader, &l, on_line, &l);
	flush(&l);
	if (rc > 0)
		diag(&l, true, rc, "expected [section] or key = value");
	for (size_t i = 0; i < l.nincludes; i++) {
		struct chain me = { .up = up };
		struct err e = { 0 };
		char *canon = NULL, *sub = NULL;
		bool cycle = false;

		l.line = l.include_lines[i];
		if (src->too_many) {
			;	/* said once; parsing on would only repeat it */
		} else if (out->nfiles >= MAX_FILES) {
			diag(&l, true, l.line, "include %s: more than %d files "
			     "in one profile", l.includes[i], MAX_FILES);
			src->too_many = true;
		} else if (depth >= MAX_INCLUDE_DEPTH) {
			diag(&l, true, l.line, "includes nested deeper than %d",
			     MAX_INCLUDE_DEPTH);
		} else if (!src->loader ||
			   src->loader(src->ctx, l.includes[i], &canon, &sub, &e)) {
			diag(&l, true, l.line, "include %s: %s", l.includes[i],
			     src->loader ? e.msg : "includes not allowed here");
		} else {
			for (const struct chain *c = up; c; c = c->up)
				cycle |= !strcmp(c->canon, canon);
			if (cycle) {
				diag(&l, true, l.line, "include cycle: %s is "
				     "already being included", l.includes[i]);
			} else {
				me.canon = canon;
				parse_layer(out, acc, kind, l.includes[i], sub,
					    &me, depth + 1, src);
			}
		}
		free(canon);
		free(sub);
		free(l.includes[i]);
	}
	merge(acc, &l.own);
	own_free(&l.own);
	free(l.includes);
	free(l.include_lines);
	free(l.pname);
	free(l.pvalue);
	kv_index_reset(&l.sysctl_ix);
	kv_index_reset(&l.meta_ix);
	kv_index_reset(&l.nic_ix);
}

int profile_parse(struct profile *p, const char *path, const char *text,
		  profile_loader loader, void *ctx, struct err *err)
{
	return profile_parse_as(p, PROFILE_USER, path, text, loader, ctx, err);
}

int profile_parse_as(struct profile *p, enum profile_kind kind,
		     const char *path, const char *text,
		     profile_loader loader, void *ctx, struct err *err)
{
	struct chain top = { .canon = path };
	struct source src = { .loader = loader, .ctx = ctx };
	char *canon = NULL, *dummy = NULL;

	memset(p, 0, sizeof(*p));
	p->path = xstrdup(path);
	/* the top file's canonical name, so a self-include is a cycle */
	if (loader && !loader(ctx, path, &canon, &dummy, NULL))
		top.canon = canon;
	parse_layer(p, p, kind, path, text, &top, 0, &src);
	free(canon);
	free(dummy);
	if (!p->audit.warn_ratio)
		p->audit.warn_ratio = DEFAULT_WARN_RATIO;
	if (!p->audit.crit_ratio)
		p->audit.crit_ratio = DEFAULT_CRIT_RATIO;
	if (p->audit.warn_ratio > p->audit.crit_ratio && !p->nerrors) {
		char *m = xrealloc(NULL, strlen(path) + 80);

		sprintf(m, "%s: [audit] warn-occupancy is above crit-occupancy",
			path);
		push_str(&p->errors, &p->nerrors, m);
	}
	if (p->nerrors)
		return err_set(err, -EINVAL, "%s", p->errors[0]);
	return 0;
}

/*
 * Only regular files: /dev/zero would be read until memory runs out and a
 * FIFO would hang (hence O_NONBLOCK on open). PROFILE_MAX_SIZE bounds what
 * a profile or snapshot can be, checked again while reading (files grow).
 */
int profile_file_loader(void *ctx, const char *path, char **canon,
			char **text, struct err *err)
{
	char real[PATH_MAX];
	size_t len = 0;
	struct stat st;
	char *buf;
	int fd;

	(void)ctx;
	if (!realpath(path, real))
		return err_set(err, -errno, "%s", strerror(errno));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return err_set(err, -errno, "%s", strerror(errno));
	if (fstat(fd, &st)) {
		int e = errno;

		close(fd);
		return err_set(err, -e, "%s", strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, -EINVAL, "not a regular file");
	}
	if (st.st_size > PROFILE_MAX_SIZE) {
		close(fd);
		return err_set(err, -EFBIG, "larger than %d bytes",
			       PROFILE_MAX_SIZE);
	}
	buf = xrealloc(NULL, (size_t)st.st_size + 2);
	for (;;) {
		/* one byte more than fstat said: notices a file that grew */
		ssize_t n = read(fd, buf + len, (size_t)st.st_size + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return err_set(err, -e, "read: %s", strerror(e));
		}
		len += (size_t)n;
		if (n == 0 || len > (size_t)st.st_size)
			break;
	}
	close(fd);
	if (len > (size_t)st.st_size) {
		free(buf);
		return err_set(err, -EAGAIN, "changed while being read");
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		free(buf);
		return err_set(err, -EINVAL, "binary file (contains NUL)");
	}
	*canon = xstrdup(real);
	*text = buf;
	return 0;
}

int profile_load(struct profile *p, const char *path, struct err *err)
{
	char *canon = NULL, *text = NULL;
	int rc;

	rc = profile_file_loader(NULL, path, &canon, &text, err);
	if (rc) {
		memset(p, 0, sizeof(*p));
		return err_prefix(err, "%s", path);
	}
	rc = profile_parse(p, path, text, profile_file_loader, NULL, err);
	free(canon);
	free(text);
	return rc;
}

const char *profile_meta(const struct profile *p, const char *key)
{
	for (size_t i = 0; i < p->nmeta; i++)
		if (!strcmp(p->meta[i].key, key))
			return p->meta[i].value;
	return NULL;
}

/* A layer's own values: their strings are in the profile's pool. */
static void own_free(struct profile *p)
{
	free(p->sysctl);
	for (size_t i = 0; i < p->nnic; i++) {
		free(p->nic[i].match);
		free(p->nic[i].kv);
	}
	free(p->nic);
	free(p->meta);
	free(p->description);
}

void profile_free(struct profile *p)
{
	own_free(p);
	strpool_free(p->pool);
	for (size_t i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	for (size_t i = 0; i < p->nerrors; i++)
		free(p->errors[i]);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->warnings);
	free(p->errors);
	free(p->files);
	free(p->path);
	memset(p, 0, sizeof(*p));
}
