/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_SYSCTLD_H
#define PORTTUNE_SYSCTLD_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "profile.h"

/*
 * The boot-time sysctl configuration, read the way systemd-sysctl reads
 * it (sysctl.d(5)), so that diff, apply and audit can name the files that
 * would undo a profile at the next boot.
 */

/* One assignment of a sysctl.d file. */
struct sysctld_entry {
	char *key;		/* canonical dotted form; may hold a glob */
	char *value;		/* NULL: "-key" alone, excluded from globs */
	bool glob;
	const char *file;	/* logical path (without --root); owned by conf */
	int line;
};

/* A candidate file: the directory's rank (0 = /etc/sysctl.d) and name. */
struct sysctld_file {
	int rank;
	const char *dir;	/* logical directory, "/etc/sysctl.d" */
	const char *name;	/* "60-legacy.conf" */
};

struct sysctld_conf {
	struct sysctld_entry *v;	/* in boot order */
	size_t n;
	char **files;			/* logical paths in boot order */
	size_t nfiles;
	char **warnings;		/* unreadable files and lines */
	size_t nwarnings;
};

/* A key the profile sets that the next boot sets to something else. */
struct boot_conflict {
	char *setting;
	char *file;
	int line;
	char *value;
	char *profile_value;
};

struct boot_conflicts {
	struct boot_conflict *v;
	size_t n;
};

/*
 * Parse one file's text (pure): "key = value", "key=value", "-key = value"
 * (errors ignored: the value still counts), "-key" alone (excluded from
 * globs), '/' or '.' separators, comments '#' and ';'. Lines that are not
 * assignments are skipped, as systemd-sysctl skips them, and noted in
 * conf->warnings. Entries are appended to conf; `file` must outlive conf.
 */
void sysctld_parse(struct sysctld_conf *conf, const char *file,
		   const char *text);

/*
 * Which candidates apply, in boot order (pure): the same name in a
 * lower-ranked directory hides the others; the winners sort by name.
 * Returns the number kept; `out` (n entries) holds indexes into v.
 */
size_t sysctld_select(const struct sysctld_file *v, size_t n, size_t *out);

/*
 * Read every boot-time file under root (NULL or "" for /): /etc,
 * /run, /usr/local/lib, /usr/lib and /lib sysctl.d, and /etc/sysctl.conf
 * taking the place Debian's 99-sysctl.conf link gives it. `skip` (may be
 * NULL) is a logical path left out, e.g. the file persist replaces.
 */
int sysctld_load(struct sysctld_conf *conf, const char *root,
		 const char *skip, struct err *err);
void sysctld_free(struct sysctld_conf *conf);

/*
 * The entry that decides `key` at boot (pure): the last explicit one wins
 * and keeps globs off the key; else the last matching glob. NULL when the
 * boot leaves the key alone.
 */
const struct sysctld_entry *sysctld_effective(const struct sysctld_conf *conf,
					      const char *key);

/* Every profile sysctl whose boot value differs from the profile's (pure). */
void sysctld_conflicts(const struct sysctld_conf *conf,
		       const struct profile *p, struct boot_conflicts *out);
void boot_conflicts_free(struct boot_conflicts *c);

/* Load under root and compare; warnings about unreadable files dropped. */
int boot_conflicts_find(const char *root, const struct profile *p,
			struct boot_conflicts *out, struct err *err);

/* Whether an entry sets `key` (explicitly or by glob); pure. */
bool sysctld_entry_matches(const struct sysctld_entry *e, const char *key);

/* ROOT + path, for a logical path starting with '/'. */
void root_path(char *buf, size_t len, const char *root, const char *path);

#endif
