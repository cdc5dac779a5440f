// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The files `porttune persist` writes, rendered without touching the
 * system: the flattened profile, the sysctl.d file, the boot unit, the
 * udev rule, and the manifest `persist --remove` goes by.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persist.h"
#include "xalloc.h"
#include "strbuf.h"

char *persist_profile_text(const struct profile *p, const char *source)
{
	struct buf b = { 0 };

	bprintf(&b, "# Written by porttune persist from %s, includes "
		"resolved.\n# Edit that profile and persist it again; "
		"porttune persist --remove deletes this file.\n", source);
	bprintf(&b, "[profile]\n");
	if (p->description)
		bprintf(&b, "description = %s\n", p->description);
	if (p->nsysctl)
		bprintf(&b, "\n[sysctl]\n");
	for (size_t i = 0; i < p->nsysctl; i++)
		bprintf(&b, "%s = %s\n", p->sysctl[i].key, p->sysctl[i].value);
	/* the sections in the order they were read: a later one still wins */
	for (size_t s = 0; s < p->nnic; s++) {
		bprintf(&b, "\n[nic %s]\n", p->nic[s].match);
		for (size_t k = 0; k < p->nic[s].nkv; k++)
			bprintf(&b, "%s = %s\n", p->nic[s].kv[k].key,
				p->nic[s].kv[k].value);
	}
	bprintf(&b, "\n[audit]\nwarn-occupancy = %g\ncrit-occupancy = %g\n",
		p->audit.warn_ratio, p->audit.crit_ratio);
	return b.s;
}

char *persist_sysctl_text(const struct profile *p, const char *source)
{
	struct buf b = { 0 };

	bprintf(&b, "# Written by porttune persist from %s: its sysctls,\n"
		"# for systemd-sysctl at boot. Named to sort after every "
		"file that sets\n# the same keys, so these values are the "
		"ones that stay. porttune persist\n# --remove deletes this "
		"file.\n", source);
	for (size_t i = 0; i < p->nsysctl; i++)
		bprintf(&b, "%s = %s\n", p->sysctl[i].key, p->sysctl[i].value);
	return b.s;
}

char *persist_unit_text(const char *cmd, const char *source)
{
	struct buf b = { 0 };

	bprintf(&b,
		"# Written by porttune persist from %s; porttune persist "
		"--remove deletes it.\n"
		"[Unit]\n"
		"Description=Apply the porttune profile's NIC settings\n"
		"Documentation=man:porttune(8)\n"
		"# NIC settings belong in place before any network is "
		"configured, like a\n"
		"# firewall: order before network-pre.target and pull it in. "
		"Without default\n"
		"# dependencies, so wait only for the file systems (the "
		"snapshot goes to\n"
		"# /var/lib/porttune) and for systemd-sysctl, which sets the "
		"sysctls first.\n"
		"# Devices that appear later are handled by the udev rule.\n"
		"DefaultDependencies=no\n"
		"Wants=network-pre.target\n"
		"After=local-fs.target systemd-sysctl.service "
		"systemd-udevd.service\n"
		"Before=network-pre.target shutdown.target\n"
		"Conflicts=shutdown.target\n"
		"\n[Service]\n"
		"Type=oneshot\n"
		"RemainAfterExit=yes\n"
		"# udev's applies for new devices may hold porttune's lock "
		"for a moment;\n# try again rather than boot untuned "
		"(systemd 245 and later).\n"
		"Restart=on-failure\n"
		"RestartSec=2\n"
		"ExecStart=%s apply --profile " PERSIST_PROFILE "\n"
		"\n[Install]\n"
		"WantedBy=multi-user.target\n", source, cmd);
	return b.s;
}

char *persist_rule_text(const char *cmd, const char *source)
{
	struct buf b = { 0 };

	bprintf(&b,
		"# Written by porttune persist from %s; porttune persist "
		"--remove deletes it.\n"
		"# A network device that appears (hotplug, driver reload, a "
		"new veth) gets the\n"
		"# profile's NIC settings: only that device, no sysctls, so "
		"it stays quick\n"
		"# (udev kills slow RUN programs). After 80-net-setup-link."
		"rules: %%k is the\n"
		"# final name.\n"
		"ACTION==\"add\", SUBSYSTEM==\"net\", KERNEL!=\"lo\", "
		"RUN+=\"%s apply --profile " PERSIST_PROFILE
		" --interface %%k\"\n", source, cmd);
	return b.s;
}

int persist_cmd_ok(const char *s, struct err *err)
{
	/* blanks split RUN+= and ExecStart=; '%' and '$' are specifiers */
	if (strpbrk(s, " \t\n\"'\\%$;"))
		return err_set(err, -EINVAL, "'%s': a blank, quote, '%%', '$' "
			       "or ';' cannot go into a unit or udev rule", s);
	return 0;
}

static bool sets_profile_key(const struct sysctld_entry *e,
			     const struct profile *p)
{
	for (size_t i = 0; i < p->nsysctl; i++)
		if (sysctld_entry_matches(e, p->sysctl[i].key))
			return true;
	return false;
}

/* The name a file sorts by: /etc/sysctl.conf sorts as 99-sysctl.conf. */
static const char *sort_name(const char *file)
{
	const char *slash = strrchr(file, '/');

	if (!strcmp(file, "/etc/sysctl.conf"))
		return "99-sysctl.conf";
	return slash ? slash + 1 : file;
}

int persist_pick_name(const struct sysctld_conf *conf, const struct profile *p,
		      char *name, size_t len, struct err *err)
{
	const char *last = NULL, *last_file = NULL;

	for (size_t i = 0; i < conf->n; i++) {
		const char *n = sort_name(conf->v[i].file);

		if (!sets_profile_key(&conf->v[i], p))
			continue;
		if (!last || strcmp(n, last) > 0) {
			last = n;
			last_file = conf->v[i].file;
		}
	}
	for (int nn = 60; nn <= 99; nn++) {
		snprintf(name, len, "%02d-porttune.conf", nn);
		if (!last || strcmp(name, last) > 0)
			return 0;
	}
	return err_set(err, -EEXIST, "%s sets keys of the profile and sorts "
		       "after any NN-porttune.conf: remove them there first",
		       last_file);
}

void persist_hash(const char *data, size_t len, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static const char *const kinds[] = {
	[MF_FILE] = "file", [MF_LINK] = "link", [MF_DIR] = "dir",
};

void manifest_add(struct manifest *m, enum manifest_kind k, const char *path,
		  const char *check)
{
	struct manifest_entry *v = realloc(m->v, (m->n + 1) * sizeof(*v));

	if (!v)
		abort();
	m->v = v;
	v[m->n++] = (struct manifest_entry){
		k, xstrdup(path), xstrdup(check ? check : "-") };
}

const struct manifest_entry *manifest_find(const struct manifest *m,
					   enum manifest_kind k,
					   const char *path)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].kind == k && !strcmp(m->v[i].path, path))
			return &m->v[i];
	return NULL;
}

char *manifest_render(const struct manifest *m)
{
	struct buf b = { 0 };

	bprintf(&b, "# porttune persist: what it wrote, for persist --remove."
		"\n# KIND PATH CHECK (file: content hash, link: target)\n");
	for (size_t i = 0; i < m->n; i++)
		bprintf(&b, "%s %s %s\n", kinds[m->v[i].kind], m->v[i].path,
			m->v[i].check);
	return b.s;
}

int manifest_parse(struct manifest *m, const char *text, struct err *err)
{
	const char *p = text;

	memset(m, 0, sizeof(*m));
	for (int line = 1; *p; line++) {
		char kind[8], path[4096], check[4096];
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *l = strndup(p, len);
		int k = -1;

		if (!l)
			abort();
		p += len + !!end;
		if (l[0] == '#' || !l[0]) {
			free(l);
			continue;
		}
		if (sscanf(l, "%7s %4095s %4095s", kind, path, check) == 3)
			for (int i = 0; i < 3; i++)
				if (!strcmp(kind, kinds[i]))
					k = i;
		free(l);
		if (k < 0 || path[0] != '/') {
			manifest_free(m);
			return err_set(err, -EINVAL, PERSIST_MANIFEST
				       ":%d: not a manifest line", line);
		}
		manifest_add(m, (enum manifest_kind)k, path, check);
	}
	return 0;
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].path);
		free(m->v[i].check);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}
