/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_PERSIST_H
#define PORTTUNE_PERSIST_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "profile.h"
#include "sysctld.h"

/* Where persist writes, as paths on the target system (under --root). */
#define PERSIST_PROFILE "/etc/porttune/profile.ini"
#define PERSIST_MANIFEST "/etc/porttune/persist.manifest"
#define PERSIST_SYSCTL_DIR "/etc/sysctl.d"
#define PERSIST_UNIT "/etc/systemd/system/porttune.service"
#define PERSIST_UNIT_LINK \
	"/etc/systemd/system/multi-user.target.wants/porttune.service"
#define PERSIST_RULE "/etc/udev/rules.d/81-porttune.rules"

/* The texts persist writes; all pure, malloc'd. */
char *persist_profile_text(const struct profile *p, const char *source);
char *persist_sysctl_text(const struct profile *p, const char *source);
/* cmd: "EXE [--state-dir DIR]", checked by persist_cmd_ok. */
char *persist_unit_text(const char *cmd, const char *source);
char *persist_rule_text(const char *cmd, const char *source);
/* Safe inside ExecStart= and RUN+= without quoting. */
int persist_cmd_ok(const char *s, struct err *err);

/*
 * "NN-porttune.conf" sorting after every file of conf that sets one of the
 * profile's keys (pure). -EEXIST when no NN in 60..99 does.
 */
int persist_pick_name(const struct sysctld_conf *conf, const struct profile *p,
		      char *name, size_t len, struct err *err);

/* What persist wrote, for --remove. */
enum manifest_kind { MF_FILE, MF_LINK, MF_DIR };

struct manifest_entry {
	enum manifest_kind kind;
	char *path;		/* logical */
	char *check;		/* file: content hash; link: target */
};

struct manifest {
	struct manifest_entry *v;
	size_t n;
};

/* FNV-1a of a file's content, as 16 hex digits: catches edits, not foes. */
void persist_hash(const char *data, size_t len, char out[17]);
void manifest_add(struct manifest *m, enum manifest_kind k, const char *path,
		  const char *check);
const struct manifest_entry *manifest_find(const struct manifest *m,
					   enum manifest_kind k,
					   const char *path);
char *manifest_render(const struct manifest *m);
int manifest_parse(struct manifest *m, const char *text, struct err *err);
void manifest_free(struct manifest *m);

#endif
