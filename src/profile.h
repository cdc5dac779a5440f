/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_PROFILE_H
#define PORTTUNE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* One "key = value" line, remembered with where it came from. */
struct pkv {
	/* both in the profile's pool, freed with it */
	char *key;		/* canonical: dotted sysctl name, or nic key */
	char *value;		/* normalised value */
	const char *file;	/* owned by profile->files */
	int line;
};

struct nic_section {
	char *match;		/* "eth*" (glob on the name) or "driver=GLOB" */
	const char *file;
	int line;
	struct pkv *kv;
	size_t nkv;
};

/* Thresholds for audit findings; fractions of the effective port range. */
struct audit_cfg {
	double warn_ratio;
	double crit_ratio;
};

/* connect() latency jumps once a destination's preferred half is full. */
#define DEFAULT_WARN_RATIO 0.5
#define DEFAULT_CRIT_RATIO 0.8
#define AUDIT_CFG_DEFAULT { DEFAULT_WARN_RATIO, DEFAULT_CRIT_RATIO }

struct profile {
	char *path;
	char *description;
	struct pkv *sysctl;	/* in profile order, one per key (child wins) */
	size_t nsysctl;
	struct nic_section *nic;/* in order; a later matching section wins */
	size_t nnic;
	struct pkv *meta;	/* [snapshot] metadata, kept as written */
	size_t nmeta;
	struct audit_cfg audit;
	char **warnings;	/* "file:line: message" */
	size_t nwarnings;
	char **errors;		/* "file:line: message"; non-empty => invalid */
	size_t nerrors;
	char **files;		/* every file read, for the pointers above */
	size_t nfiles;
	struct strpool *pool;	/* the strings of the key lists */
	/* apply --interface: plan only these interfaces' NIC settings and no
	 * sysctls (set by the caller after parsing; not owned) */
	char *const *only_ifs;
	size_t nonly_ifs;
};

/*
 * Supplies the text of an included file. `path` is already resolved
 * against the including file's directory. On success *canon is a
 * canonical name for cycle detection and *text the contents (both
 * malloc'd). Returns 0 or -errno with a message in err.
 */
typedef int (*profile_loader)(void *ctx, const char *path, char **canon,
			      char **text, struct err *err);

/*
 * What the caller reads. Trust comes from the caller, never from the
 * content: only a snapshot, read from the checked state directory, may
 * carry [snapshot] metadata and values porttune itself would refuse
 * (what the kernel had); it has no includes.
 */
enum profile_kind { PROFILE_USER, PROFILE_SNAPSHOT };

/* profile_parse for a given kind (profile_parse is PROFILE_USER). */
int profile_parse_as(struct profile *p, enum profile_kind kind,
		     const char *path, const char *text,
		     profile_loader loader, void *ctx, struct err *err);

/*
 * Parse `text` (named `path`) into p. Pure: the only input besides text is
 * what the loader returns for includes. Returns 0, or -EINVAL when the
 * profile is invalid (p->errors lists every problem, err holds the first).
 */
int profile_parse(struct profile *p, const char *path, const char *text,
		  profile_loader loader, void *ctx, struct err *err);

/* A profile file (or snapshot), and one profile with its includes. */
#define PROFILE_MAX_SIZE (1024 * 1024)

/* Read a profile from the file system, resolving includes from disk. */
int profile_load(struct profile *p, const char *path, struct err *err);

/* The file loader used by profile_load, exported for tests. */
int profile_file_loader(void *ctx, const char *path, char **canon,
			char **text, struct err *err);

const char *profile_meta(const struct profile *p, const char *key);
void profile_free(struct profile *p);

#endif
