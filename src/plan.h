/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_PLAN_H
#define PORTTUNE_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "keyspec.h"
#include "profile.h"

enum chg_status {
	CS_SAME,	/* already as desired */
	CS_PENDING,	/* differs; apply would change it */
	CS_UNSUPPORTED,	/* this kernel/device cannot have it; not a failure */
	CS_INVALID,	/* found before any write; the plan cannot run */
	CS_CHANGED,	/* written and read back as desired */
	CS_FAILED,	/* refused, or read back different */
	CS_REVERTED,	/* changed, then restored after a later failure */
	CS_SKIPPED,	/* not attempted: an earlier change failed */
};

/*
 * dev, key, before, after and restore are the plan's (plan_add(),
 * plan_str()) or constants: they live until plan_free(), never freed one
 * by one. note is malloc'd (plan_set_note()).
 */
struct change {
	enum target target;
	const char *dev;	/* interface, NULL for sysctls */
	const char *key;	/* net.ipv4.tcp_fin_timeout, offload.rx-gro */
	const char *before;	/* current value; NULL when unreadable */
	const char *after;	/* desired value */
	const char *restore;	/* what a rollback writes, when not `before` */
	char *note;		/* why unsupported/failed, side effects */
	enum chg_status status;
	int ifindex;		/* the device planned against */
	bool touched;		/* a write reached the system: revert it */
	const char *file;	/* where the desired value came from */
	int line;
};

struct plan {
	struct change *v;
	size_t n, cap;		/* cap: room in v, as plan_add() grew it */
	struct strpool *strs;	/* the changes' strings */
	char **warnings;
	size_t nwarnings;
	void *ctx[T_COUNT];		/* per backend (enum target), e.g. a socket */
};

/* Read the current state of everything p names and compare. */
int plan_build(const struct profile *p, struct plan *plan, struct err *err);

/* Counts by status. */
size_t plan_count(const struct plan *plan, enum chg_status st);

/*
 * Write every pending change, reading each back. On the first failure
 * every touched change is restored (newest first; that includes offload
 * changes sent in the same batch after the failing one) and the rest are
 * skipped. Returns 0, or the failure's -errno with err filled.
 */
int plan_apply(struct plan *plan, struct err *err);
/* Restore every touched change (CHANGED -> REVERTED), newest first; one
 * whose restore fails keeps `touched` and says so in its note. */
void plan_revert(struct plan *plan);

void plan_add_warning(struct plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct change *plan_add(struct plan *plan, enum target t, const char *dev,
			const char *key, const char *after, const char *file,
			int line);
/* Room for n changes in all, made at once: growing the array step by
 * step copies it into fresh pages each time (a fault per page). */
void plan_reserve(struct plan *plan, size_t n);
/* A copy of s that lives as long as the plan; NULL stays NULL, and a
 * string plan_str() gave is given back as it is: a backend that adds the
 * same device or key to many changes makes it the plan's once. */
const char *plan_str(struct plan *plan, const char *s);
void plan_set_note(struct change *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *chg_status_name(enum chg_status st);
/* The value a snapshot stores and a revert writes. */
const char *change_restore_value(const struct change *c);
void plan_free(struct plan *plan);

/* What plan.c needs from each kind of setting. */
struct backend {
	enum target target;
	/* append this backend's changes for profile p, statuses filled */
	int (*build)(const struct profile *p, struct plan *plan,
		     struct err *err);
	/*
	 * Write v[0..n), all of this backend, one group or many (see group):
	 * entries in CS_PENDING get their `after` value and read back; each
	 * written one is marked `touched`, and CS_FAILED (with a note) when
	 * it did not take or its write was refused. On an error the backend
	 * may stop; the caller marks what is left CS_SKIPPED, the rest
	 * CS_CHANGED. Reverting (one group at a time), touched entries get
	 * change_restore_value().
	 */
	int (*set)(struct plan *plan, struct change *v, size_t n, bool revert,
		   struct err *err);
	/* how many changes from v[0] travel in one request (n available) */
	size_t (*group)(const struct change *v, size_t n);
	/* free what build left in plan->ctx[target]; may be NULL */
	void (*release)(struct plan *plan);
};

extern const struct backend sysctl_backend;
extern const struct backend nic_backend;

/* Every backend, indexed by its target (backends.c). */
extern const struct backend *const backends[T_COUNT];

#endif
