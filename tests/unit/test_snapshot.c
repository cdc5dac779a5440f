// SPDX-License-Identifier: GPL-2.0-or-later
/* Snapshot render/parse round trip, atomic write, permissions, generations. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "plan.h"
#include "profile.h"
#include "snapshot.h"
#include "snapshot_keys.h"

static void make_plan(struct plan *p)
{
	struct change *c;

	memset(p, 0, sizeof(*p));
	c = plan_add(p, T_SYSCTL, NULL, "net.ipv4.ip_local_port_range",
		     "10240 65001", "x.ini", 3);
	c->before = plan_str(p, "32768 60999");
	c->status = CS_PENDING;
	c = plan_add(p, T_SYSCTL, NULL, "net.ipv4.tcp_tw_reuse", "1", "x.ini", 4);
	c->before = plan_str(p, "1");
	c->status = CS_SAME;	/* unchanged: not in the snapshot */
	c = plan_add(p, T_SYSCTL, NULL, "net.ipv4.ip_local_reserved_ports",
		     "8080", "x.ini", 5);
	c->before = plan_str(p, "");
	c->status = CS_PENDING;
	c = plan_add(p, T_NIC, "v0", "offload.tx-tcp-segmentation", "off",
		     "x.ini", 7);
	c->before = plan_str(p, "on");
	c->status = CS_PENDING;
	c = plan_add(p, T_NIC, "we*rd", "channels.rx", "2", "x.ini", 8);
	c->before = plan_str(p, "1");
	c->status = CS_PENDING;
}

static void snapshot_is_a_profile_of_the_before_values(void **state)
{
	struct snap_meta m = { .id = 7 };
	struct profile prof;
	struct plan plan;
	char *text;

	(void)state;
	make_plan(&plan);
	snprintf(m.command, sizeof(m.command), "apply");
	snprintf(m.source, sizeof(m.source), "/etc/x.ini");
	assert_int_equal(snapshot_render(&plan, &m, &text, NULL), 0);
	assert_int_equal(profile_parse_as(&prof, PROFILE_SNAPSHOT, "snap.ini",
					  text, NULL, NULL, NULL), 0);
	assert_int_equal(prof.nsysctl, 2);
	assert_int_equal(prof.nnic, 2);
	assert_string_equal(prof.nic[0].match, "name=v0");
	assert_string_equal(prof.nic[0].kv[0].key, "offload.tx-tcp-segmentation");
	assert_string_equal(prof.nic[0].kv[0].value, "on");
	assert_string_equal(prof.nic[1].match, "name=we*rd");
	assert_string_equal(prof.sysctl[0].key, "net.ipv4.ip_local_port_range");
	assert_string_equal(prof.sysctl[0].value, "32768 60999");
	assert_string_equal(prof.sysctl[1].value, "");
	assert_string_equal(profile_meta(&prof, "command"), "apply");
	assert_string_equal(profile_meta(&prof, "id"), "7");
	assert_non_null(strstr(text, "[nic name=we*rd]\nchannels.rx = 1\n"));
	assert_non_null(strstr(text, "[nic name=v0]\noffload.tx-tcp-segmentation = on\n"));
	assert_null(strstr(text, "tcp_tw_reuse"));
	free(text);
	profile_free(&prof);
	plan_free(&plan);
}

static void unstorable_value_is_refused(void **state)
{
	struct snap_meta m = { .id = 1 };
	struct plan plan = { 0 };
	struct change *c;
	struct err e = { 0 };
	char *text;

	(void)state;
	c = plan_add(&plan, T_SYSCTL, NULL, "kernel.x", "1", "x.ini", 1);
	c->before = plan_str(&plan, "a ; b");
	c->status = CS_PENDING;
	assert_int_equal(snapshot_render(&plan, &m, &text, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "cannot be stored"));
	plan_free(&plan);
}

static char *tmpdir(void);

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/porttune-unit.XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void open_state(struct state *st, const char *dir)
{
	struct err e = { 0 };

	assert_int_equal(state_open(st, dir, true, &e), 0);
}

static void rm_rf(char *dir)
{
	char cmd[1100];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static void snapshot_that_would_not_restore_is_not_written(void **state)
{
	char *dir = tmpdir(), path[4096];
	struct snap_meta m;
	struct plan plan = { 0 };
	struct change *c;
	struct err e = { 0 };
	struct snap_info *v;
	struct state st;
	size_t n;

	(void)state;
	open_state(&st, dir);
	/* "key = ;7" reads back as an empty value (an inline comment) */
	c = plan_add(&plan, T_SYSCTL, NULL, "net.ipv4.ip_local_reserved_ports",
		     "", "x.ini", 1);
	c->before = plan_str(&plan, ";7");
	c->status = CS_PENDING;
	snapshot_meta_now(&m, "apply", "x.ini");
	assert_int_equal(snapshot_write(&st, &plan, &m, path, sizeof(path), &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, ";7"));
	assert_int_equal(snapshot_list(&st, &v, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(v);
	plan_free(&plan);
	state_close(&st);
	rm_rf(dir);
}

static void write_done(struct state *st, struct plan *plan, const char *cmd)
{
	char path[4096];
	struct snap_meta m;

	snapshot_meta_now(&m, cmd, "x.ini");
	assert_int_equal(snapshot_write(st, plan, &m, path, sizeof(path), NULL),
			 0);
	assert_int_equal(snapshot_done(st, m.id, NULL), 0);
}

static void writes_private_atomic_generations(void **state)
{
	char *dir = tmpdir(), path[1024];
	struct snap_info *v, si;
	struct snap_meta m;
	struct plan plan;
	struct state st;
	struct stat s;
	size_t n;

	(void)state;
	make_plan(&plan);
	open_state(&st, dir);
	for (unsigned i = 1; i <= 3; i++) {
		snapshot_meta_now(&m, i == 3 ? "rollback" : "apply", "x.ini");
		assert_int_equal(snapshot_write(&st, &plan, &m, path,
						sizeof(path), NULL), 0);
		assert_int_equal(snapshot_done(&st, m.id, NULL), 0);
		assert_int_equal(m.id, i);
		assert_int_equal(stat(path, &s), 0);
		assert_int_equal(s.st_mode & 0777, 0600);
	}
	snprintf(path, sizeof(path), "%s/snapshots", dir);
	assert_int_equal(stat(path, &s), 0);
	assert_int_equal(s.st_mode & 0777, 0700);
	assert_int_equal(snapshot_list(&st, &v, &n, NULL), 0);
	assert_int_equal(n, 4);		/* the baseline, then 1..3 */
	assert_true(v[0].baseline && v[0].here);
	assert_string_equal(v[3].meta.command, "rollback");
	assert_int_equal(v[1].nsettings, 4);
	assert_true(v[1].here && !v[1].interrupted);
	assert_int_equal(snapshot_interrupted(v, n), 0);
	free(v);
	/* latest = the newest written by apply, not by rollback */
	assert_int_equal(snapshot_find(&st, "latest", &si, NULL), 0);
	assert_int_equal(si.meta.id, 2);
	assert_non_null(strstr(si.path, "/snapshots/000002.ini"));
	assert_int_equal(snapshot_find(&st, "3", &si, NULL), 0);
	assert_int_equal(snapshot_find(&st, "baseline", &si, NULL), 0);
	assert_true(si.baseline);
	assert_int_equal(snapshot_find(&st, "9", &si, NULL), -ENOENT);
	assert_int_equal(snapshot_find(&st, "x", &si, NULL), -EINVAL);
	assert_int_equal(snapshot_find(&st, "-1", &si, NULL), -EINVAL);
	plan_free(&plan);
	state_close(&st);
	rm_rf(dir);
}

/* Until snapshot_done(), a snapshot is in progress: a kill leaves it so. */
static void unfinished_snapshot_is_interrupted_and_targeted(void **state)
{
	char *dir = tmpdir(), path[1024];
	struct snap_info *v, si;
	struct snap_meta m;
	struct plan plan;
	struct state st;
	size_t n;

	(void)state;
	make_plan(&plan);
	open_state(&st, dir);
	write_done(&st, &plan, "apply");
	snapshot_meta_now(&m, "apply", "y.ini");
	assert_int_equal(snapshot_write(&st, &plan, &m, path, sizeof(path),
					NULL), 0);
	write_done(&st, &plan, "rollback");	/* a rollback that completed */
	assert_int_equal(snapshot_list(&st, &v, &n, NULL), 0);
	assert_int_equal(snapshot_interrupted(v, n), 2);
	free(v);
	assert_int_equal(snapshot_find(&st, "latest", &si, NULL), 0);
	assert_int_equal(si.meta.id, 2);
	assert_true(si.interrupted);
	assert_int_equal(snapshot_ack(&st, 1, NULL), -ENOENT);
	assert_int_equal(snapshot_ack(&st, 2, NULL), 0);
	assert_int_equal(snapshot_list(&st, &v, &n, NULL), 0);
	assert_int_equal(snapshot_interrupted(v, n), 0);
	free(v);
	plan_free(&plan);
	state_close(&st);
	rm_rf(dir);
}

static void old_generations_are_pruned_but_not_the_baseline(void **state)
{
	char *dir = tmpdir(), path[1024];
	struct snap_info *v, si;
	struct snap_meta m;
	struct plan plan;
	struct profile p;
	struct state st;
	size_t n;

	(void)state;
	make_plan(&plan);
	open_state(&st, dir);
	/* an interrupted one is kept until it is undone or accepted */
	snapshot_meta_now(&m, "apply", "x.ini");
	assert_int_equal(snapshot_write(&st, &plan, &m, path, sizeof(path),
					NULL), 0);
	for (unsigned i = 0; i < SNAPSHOT_KEEP + 3; i++) {
		/* the first value seen is the one the baseline keeps */
		plan.v[0].before = plan_str(&plan, i ? "1000 2000"
						   : "32768 60999");
		write_done(&st, &plan, "apply");
	}
	assert_int_equal(snapshot_list(&st, &v, &n, NULL), 0);
	assert_int_equal(n, 1 + 1 + SNAPSHOT_KEEP);
	assert_true(v[0].baseline);
	assert_int_equal(v[1].meta.id, 1);
	assert_true(v[1].interrupted);
	assert_int_equal(v[2].meta.id, 5);
	assert_int_equal(v[n - 1].meta.id, SNAPSHOT_KEEP + 4);
	free(v);
	assert_int_equal(snapshot_find(&st, "baseline", &si, NULL), 0);
	assert_int_equal(snapshot_load(&st, &si, &p, NULL), 0);
	assert_int_equal(p.nsysctl, 2);
	assert_string_equal(p.sysctl[0].value, "32768 60999");
	profile_free(&p);
	plan_free(&plan);
	state_close(&st);
	rm_rf(dir);
}

/* Settings changed for the first time later are added, the rest kept. */
static void baseline_grows_with_new_settings_only(void **state)
{
	char *dir = tmpdir();
	struct snap_info si;
	struct plan plan = { 0 };
	struct profile p;
	struct change *c;
	struct state st;

	(void)state;
	open_state(&st, dir);
	c = plan_add(&plan, T_SYSCTL, NULL, "net.ipv4.tcp_fin_timeout", "30",
		     "x.ini", 1);
	c->before = plan_str(&plan, "60");
	c->status = CS_PENDING;
	write_done(&st, &plan, "apply");
	c->before = plan_str(&plan, "30");
	c = plan_add(&plan, T_NIC, "v0", "offload.rx-gro", "on", "x.ini", 2);
	c->before = plan_str(&plan, "off");
	c->status = CS_PENDING;
	write_done(&st, &plan, "apply");
	assert_int_equal(snapshot_find(&st, "baseline", &si, NULL), 0);
	assert_int_equal(snapshot_load(&st, &si, &p, NULL), 0);
	assert_int_equal(p.nsysctl, 1);
	assert_string_equal(p.sysctl[0].value, "60");
	assert_int_equal(p.nnic, 1);
	assert_string_equal(p.nic[0].match, "name=v0");
	assert_string_equal(p.nic[0].kv[0].value, "off");
	profile_free(&p);
	plan_free(&plan);
	state_close(&st);
	rm_rf(dir);
}

/* A snapshot text as porttune renders one, for the key listing. */
#define HEAD(ino, boot) "; porttune snapshot 3\n\n[snapshot]\nid = 3\n" \
	"command = apply\nnetns-inode = " ino "\nnetns-dev = 4\n" \
	"netns-initial = no\nboot-id = " boot "\n"

static void key_listing_compares_settings_not_values(void **state)
{
	const char *prev = HEAD("7", "b1")
		"\n[sysctl]\nnet.a = 1\nnet.b = x,\n\ty\n"
		"\n[nic name=v0]\noffload.rx-gro = off\n"
		"offload.tx-tcp-segmentation = on\n"
		"\n[nic name=v1]\noffload.rx-gro = on\n";

	(void)state;
	assert_true(snapshot_keys_within(prev, prev));
	/* other values, fewer settings: within */
	assert_true(snapshot_keys_within(HEAD("7", "b1")
		"\n[sysctl]\nnet.b = 5\n"
		"\n[nic name=v0]\noffload.tx-tcp-segmentation = off\n", prev));
	/* a setting, a device, a namespace or a boot it lacks: not within */
	assert_false(snapshot_keys_within(HEAD("7", "b1")
		"\n[sysctl]\nnet.c = 1\n", prev));
	assert_false(snapshot_keys_within(HEAD("7", "b1")
		"\n[nic name=v2]\noffload.rx-gro = on\n", prev));
	assert_false(snapshot_keys_within(HEAD("8", "b1")
		"\n[sysctl]\nnet.a = 1\n", prev));
	assert_false(snapshot_keys_within(HEAD("7", "b2")
		"\n[sysctl]\nnet.a = 1\n", prev));
	/* out of order, or not as porttune writes them: no */
	assert_false(snapshot_keys_within(HEAD("7", "b1")
		"\n[nic name=v1]\noffload.rx-gro = on\n"
		"\n[nic name=v0]\noffload.rx-gro = on\n", prev));
	assert_false(snapshot_keys_within(HEAD("7", "b1")
		"\n[sysctl]\nnet.a=1\n", prev));
	assert_false(snapshot_keys_within("[sysctl]\nnet.a = 1\n", prev));
	assert_false(snapshot_keys_within(HEAD("7", "b1")
		"\n[nic name=v0\noffload.rx-gro = on\n", prev));
	assert_false(snapshot_keys_within("", prev));
	/* damage after the last setting looked for still says no, in
	 * either text */
	assert_false(snapshot_keys_within(HEAD("7", "b1")
		"\n[sysctl]\nnet.a = 1\n", HEAD("7", "b1")
		"\n[sysctl]\nnet.a = 1\n\n[nic name=v0]\nbroken\n"));
	assert_false(snapshot_keys_within(HEAD("7", "b1")
		"\n[sysctl]\nnet.a = 1\nbroken\n", prev));
}

static void set_mtime(const char *dir, const char *name, time_t when)
{
	struct timespec ts[2] = { { when, 0 }, { when, 0 } };
	char path[4096];

	snprintf(path, sizeof(path), "%s/snapshots/%s", dir, name);
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* A baseline the parser refuses, dated before every generation: reading
 * it shows as "baseline damaged". */
static void damage_baseline(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/snapshots/%s", dir, name);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("not a profile line\n", f);
	fclose(f);
	set_mtime(dir, name, 1000000000);
}

/* An apply of plan refused because it reads that baseline. */
static void refused_for_the_baseline(struct state *st, struct plan *plan)
{
	struct snap_meta m;
	struct err e = { 0 };
	char path[4096];

	snapshot_meta_now(&m, "apply", "x.ini");
	assert_int_equal(snapshot_write(st, plan, &m, path, sizeof(path), &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "baseline damaged"));
}

static void baseline_is_read_only_when_the_last_snapshot_differs(void **state)
{
	char *dir = tmpdir(), name[64];
	struct plan plan = { 0 };
	struct change *c;
	struct state st;

	(void)state;
	open_state(&st, dir);
	snapshot_baseline_name(&st.ns, name, sizeof(name));
	c = plan_add(&plan, T_SYSCTL, NULL, "net.ipv4.tcp_fin_timeout", "30",
		     "x.ini", 1);
	c->before = plan_str(&plan, "60");
	c->status = CS_PENDING;
	write_done(&st, &plan, "apply");
	/* a baseline porttune could not read, older than the generation */
	damage_baseline(dir, name);
	/* the same settings as the last generation: not read */
	write_done(&st, &plan, "apply");
	/* a setting the last generation lacks: read, and refused */
	c = plan_add(&plan, T_SYSCTL, NULL, "net.ipv4.tcp_tw_reuse", "1",
		     "x.ini", 2);
	c->before = plan_str(&plan, "2");
	c->status = CS_PENDING;
	refused_for_the_baseline(&st, &plan);
	/* rewritten after the last generation: read, and refused too */
	c->status = CS_SAME;
	set_mtime(dir, name, time(NULL) + 100);
	refused_for_the_baseline(&st, &plan);
	plan_free(&plan);
	state_close(&st);
	rm_rf(dir);
}

/* The same settings as the last generation are known from its head: the
 * apply reads neither that generation's body nor the baseline. */
static void last_heads_digest_stands_for_its_settings(void **state)
{
	char *dir = tmpdir(), path[4096], name[64], *text;
	struct plan plan;
	struct state st;

	(void)state;
	make_plan(&plan);
	open_state(&st, dir);
	snapshot_baseline_name(&st.ns, name, sizeof(name));
	write_done(&st, &plan, "apply");
	/* a baseline porttune could not read, older than the generation */
	damage_baseline(dir, name);
	/* and the generation's body gone: only its head is left */
	snprintf(path, sizeof(path), "%s/snapshots/000001.ini", dir);
	assert_int_equal(state_read(&st, "000001.ini", &text, NULL), 0);
	assert_non_null(strstr(text, "\n; settings "));
	assert_int_equal(truncate(path, strstr(text, "[snapshot]") - text), 0);
	free(text);
	/* other values, the same settings: neither is read */
	plan.v[0].before = "1024 65000";
	write_done(&st, &plan, "apply");
	/* one setting fewer: a different digest, so the body is read, found
	 * wanting, and the baseline read (and found damaged) */
	plan.v[4].status = CS_SAME;
	snprintf(path, sizeof(path), "%s/snapshots/000002.ini", dir);
	assert_int_equal(truncate(path, 200), 0);
	refused_for_the_baseline(&st, &plan);
	/* the same settings, but after a reboot: read too */
	plan.v[4].status = CS_PENDING;
	snprintf(st.ns.boot_id, sizeof(st.ns.boot_id), "another-boot");
	refused_for_the_baseline(&st, &plan);
	plan_free(&plan);
	state_close(&st);
	rm_rf(dir);
}

static void unsafe_state_directories_are_refused(void **state)
{
	char *dir = tmpdir(), sub[1100], link[1100];
	struct err e = { 0 };
	struct state st;

	(void)state;
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(state_open(&st, dir, true, &e), -EPERM);
	assert_non_null(strstr(e.msg, "writable by anyone (mode 0777)"));
	assert_int_equal(chmod(dir, 0770), 0);
	assert_int_equal(state_open(&st, dir, false, &e), -EPERM);
	assert_non_null(strstr(e.msg, "writable by its group"));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/real", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(symlink(sub, link), 0);
	assert_int_equal(state_open(&st, link, true, &e), -EPERM);
	assert_non_null(strstr(e.msg, "a symbolic link"));
	/* a missing directory is no state yet, or is made private */
	snprintf(sub, sizeof(sub), "%s/new", dir);
	assert_int_equal(state_open(&st, sub, false, &e), 0);
	assert_int_equal(st.dfd, -1);
	assert_int_equal(state_open(&st, sub, true, &e), 0);
	assert_true(st.dfd >= 0 && st.sfd >= 0);
	state_close(&st);
	rm_rf(dir);
}

static void lock_is_exclusive(void **state)
{
	char *dir = tmpdir();
	struct err e = { 0 };
	struct state st;
	int a, b;

	(void)state;
	open_state(&st, dir);
	assert_int_equal(state_lock(&st, &a, &e), 0);
	assert_int_equal(state_lock(&st, &b, &e), -EBUSY);
	assert_non_null(strstr(e.msg, "another apply or rollback is running"));
	close(a);
	assert_int_equal(state_lock(&st, &b, &e), 0);
	close(b);
	state_close(&st);
	rm_rf(dir);
}

static void namespaces_match_across_boots_only_for_the_host(void **state)
{
	struct netns_id host = { .dev = 4, .ino = 4026531833ULL,
				 .boot_id = "b1", .initial = true };
	struct netns_id pod = { .dev = 4, .ino = 4026532200ULL,
				.boot_id = "b1" };
	struct netns_id x;

	(void)state;
	x = host;
	snprintf(x.boot_id, sizeof(x.boot_id), "b2");
	x.ino = 4026531992ULL;		/* numbered at boot on older kernels */
	assert_true(netns_same(&host, &x));
	x = pod;
	assert_true(netns_same(&pod, &x));
	snprintf(x.boot_id, sizeof(x.boot_id), "b2");	/* inode reused */
	assert_false(netns_same(&pod, &x));
	x = pod;
	x.ino++;
	assert_false(netns_same(&pod, &x));
	assert_false(netns_same(&pod, &host));
	x = (struct netns_id){ 0 };	/* recorded nothing */
	assert_false(netns_same(&x, &host));
	assert_false(netns_same(&x, &x));
}

/* The fast check before writing never passes what the parser would not
 * read back: random plans, plain or not, against a real read-back. */
static bool reads_back(const struct plan *plan, const char *text)
{
	struct profile p;
	bool ok = !profile_parse_as(&p, PROFILE_SNAPSHOT, "s", text, NULL,
				    NULL, NULL) && !p.nerrors;

	for (size_t i = 0; ok && i < plan->n; i++) {
		const struct change *c = &plan->v[i];
		const struct pkv *kv = c->target == T_SYSCTL ? p.sysctl : NULL;
		size_t n = c->target == T_SYSCTL ? p.nsysctl : 0;
		bool found = false;

		if (c->status != CS_PENDING)
			continue;
		for (size_t s = 0; c->dev && s < p.nnic; s++)
			if (!strncmp(p.nic[s].match, "name=", 5) &&
			    !strcmp(p.nic[s].match + 5, c->dev)) {
				kv = p.nic[s].kv;
				n = p.nic[s].nkv;
			}
		for (size_t k = 0; k < n; k++)
			if (!strcmp(kv[k].key, c->key))
				found = !strcmp(kv[k].value, c->before);
		ok = found;
	}
	profile_free(&p);
	return ok;
}

static void rand_text(char *buf, size_t max, const char *alphabet)
{
	size_t n = (size_t)rand() % max, k = strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		buf[i] = alphabet[(size_t)rand() % k];
	buf[n] = '\0';
}

static void plain_check_agrees_with_reading_back(void **state)
{
	static const char *const sysctls[] = {
		"net.ipv4.tcp_fin_timeout", "net.ipv4.ip_local_port_range",
		"net.ipv4.ip_local_reserved_ports", "net.core.somaxconn",
	};
	static const char *const nics[] = {
		"offload.rx-gro", "offload.tx-tcp-segmentation", "ring.rx",
		"coalesce.rx-usecs",
	};
	unsigned fast = 0;

	(void)state;
	srand(7);
	for (int round = 0; round < 3000; round++) {
		struct snap_meta m = { .id = 1 };
		struct plan plan = { 0 };
		char dev[16], val[24], *text = NULL;
		bool plain;

		snprintf(m.command, sizeof(m.command), "apply");
		rand_text(dev, 6, round % 2 ? "ab0_.-" : "ab0_.- *[]:;=#");
		if (!dev[0])
			snprintf(dev, sizeof(dev), "e0");
		for (size_t k = 0; k < 4; k++) {
			bool nic = rand() % 2;
			struct change *c = plan_add(&plan, nic ? T_NIC : T_SYSCTL,
						    nic ? dev : NULL,
						    nic ? nics[k] : sysctls[k],
						    "1", "x.ini", 1);

			if (round % 3)
				rand_text(val, 10, "0123456789");
			else
				rand_text(val, 12, "09ab ;#=[\t.,:-");
			if (nic && k < 2)
				snprintf(val, sizeof(val), "%s", rand() % 8
					 ? (rand() % 2 ? "on" : "off") : "On");
			c->before = plan_str(&plan, val);
			c->status = rand() % 5 ? CS_PENDING : CS_SAME;
		}
		plain = snapshot_plain(&plan);
		if (snapshot_render(&plan, &m, &text, NULL)) {
			assert_false(plain);
		} else if (plain) {
			assert_true(reads_back(&plan, text));
			fast++;
		}
		free(text);
		plan_free(&plan);
	}
	/* and it is the common case, not a path never taken */
	assert_true(fast > 500);
}

static void marks_of_an_earlier_boot_are_no_interruption(void **state)
{
	char *dir = tmpdir(), path[1024], name[1100];
	struct snap_info *v;
	struct snap_meta m;
	struct plan plan;
	struct state st;
	struct stat s;
	unsigned id;
	size_t n;

	(void)state;
	make_plan(&plan);
	open_state(&st, dir);
	st.ns.initial = true;	/* the host: its snapshots span boots */
	snapshot_meta_now(&m, "apply", "x.ini");
	assert_int_equal(snapshot_write(&st, &plan, &m, path, sizeof(path),
					NULL), 0);
	assert_int_equal(state_seal_wait(&st, NULL), 0);
	assert_int_equal(snapshot_check_interrupted(&st, &id, NULL), 0);
	assert_int_equal(id, 1);
	/* killed before the seal: only the mark holds it, and it is read
	 * from there, then sealed under the lock */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(snapshot_list(&st, &v, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_true(v[1].interrupted && v[1].here);
	assert_int_equal(v[1].nsettings, 4);
	free(v);
	assert_int_equal(snapshot_clean(&st, &id, NULL), 0);
	assert_int_equal(id, 1);
	assert_int_equal(stat(path, &s), 0);
	assert_int_equal(snapshot_check_interrupted(&st, &id, NULL), 0);
	assert_int_equal(id, 1);
	/* after a reboot nothing it changed is in effect */
	snprintf(st.ns.boot_id, sizeof(st.ns.boot_id), "another-boot");
	assert_int_equal(snapshot_check_interrupted(&st, &id, NULL), 0);
	assert_int_equal(id, 0);
	assert_int_equal(snapshot_clean(&st, &id, NULL), 0);
	assert_int_equal(id, 0);
	snprintf(name, sizeof(name), "%s/snapshots/000001.pending", dir);
	assert_int_equal(stat(name, &s), -1);
	assert_int_equal(stat(path, &s), 0);	/* the snapshot stays */
	plan_free(&plan);
	state_close(&st);
	rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snapshot_is_a_profile_of_the_before_values),
		cmocka_unit_test(unstorable_value_is_refused),
		cmocka_unit_test(snapshot_that_would_not_restore_is_not_written),
		cmocka_unit_test(writes_private_atomic_generations),
		cmocka_unit_test(unfinished_snapshot_is_interrupted_and_targeted),
		cmocka_unit_test(old_generations_are_pruned_but_not_the_baseline),
		cmocka_unit_test(baseline_grows_with_new_settings_only),
		cmocka_unit_test(key_listing_compares_settings_not_values),
		cmocka_unit_test(baseline_is_read_only_when_the_last_snapshot_differs),
		cmocka_unit_test(last_heads_digest_stands_for_its_settings),
		cmocka_unit_test(unsafe_state_directories_are_refused),
		cmocka_unit_test(lock_is_exclusive),
		cmocka_unit_test(namespaces_match_across_boots_only_for_the_host),
		cmocka_unit_test(plain_check_agrees_with_reading_back),
		cmocka_unit_test(marks_of_an_earlier_boot_are_no_interruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
