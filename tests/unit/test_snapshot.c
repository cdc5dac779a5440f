// SPDX-License-Identifier: GPL-2.0-or-later
/* Snapshot render/parse round trip, atomic write, permissions, generations. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "plan.h"
#include "profile.h"
#include "snapshot.h"

static void make_plan(struct plan *p)
{
	struct change *c;

	memset(p, 0, sizeof(*p));
	c = plan_add(p, T_SYSCTL, NULL, "net.ipv4.ip_local_port_range",
		     "10240 65001", "x.ini", 3);
	c->before = strdup("32768 60999");
	c->status = CS_PENDING;
	c = plan_add(p, T_SYSCTL, NULL, "net.ipv4.tcp_tw_reuse", "1", "x.ini", 4);
	c->before = strdup("1");
	c->status = CS_SAME;	/* unchanged: not in the snapshot */
	c = plan_add(p, T_SYSCTL, NULL, "net.ipv4.ip_local_reserved_ports",
		     "8080", "x.ini", 5);
	c->before = strdup("");
	c->status = CS_PENDING;
	c = plan_add(p, T_NIC, "v0", "offload.tx-tcp-segmentation", "off",
		     "x.ini", 7);
	c->before = strdup("on");
	c->status = CS_PENDING;
	c = plan_add(p, T_NIC, "we*rd", "channels.rx", "2", "x.ini", 8);
	c->before = strdup("1");
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
	assert_int_equal(profile_parse(&prof, "snap.ini", text, NULL, NULL,
				       NULL), 0);
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
	c->before = strdup("a ; b");
	c->status = CS_PENDING;
	assert_int_equal(snapshot_render(&plan, &m, &text, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "cannot be stored"));
	plan_free(&plan);
}

static char *tmpdir(void);

static void snapshot_that_would_not_restore_is_not_written(void **state)
{
	char *dir = tmpdir(), path[4096], cmd[4200];
	struct snap_meta m;
	struct plan plan = { 0 };
	struct change *c;
	struct err e = { 0 };
	struct snap_info *v;
	size_t n;

	(void)state;
	/* "key = ;7" reads back as an empty value (an inline comment) */
	c = plan_add(&plan, T_SYSCTL, NULL, "net.ipv4.ip_local_reserved_ports",
		     "", "x.ini", 1);
	c->before = strdup(";7");
	c->status = CS_PENDING;
	snapshot_meta_now(&m, "apply", "x.ini");
	assert_int_equal(snapshot_write(dir, &plan, &m, path, sizeof(path), &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "the snapshot could not restore ';7'"));
	assert_int_equal(snapshot_list(dir, &v, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(v);
	plan_free(&plan);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/porttune-unit.XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void writes_private_atomic_generations(void **state)
{
	char *dir = tmpdir(), path[1024], found[1100];
	struct snap_info *v;
	struct snap_meta m;
	struct plan plan;
	struct stat st;
	size_t n;

	(void)state;
	make_plan(&plan);
	for (unsigned i = 1; i <= 3; i++) {
		snapshot_meta_now(&m, i == 3 ? "rollback" : "apply", "x.ini");
		assert_int_equal(snapshot_write(dir, &plan, &m, path,
						sizeof(path), NULL), 0);
		assert_int_equal(m.id, i);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	snprintf(found, sizeof(found), "%s/snapshots", dir);
	assert_int_equal(stat(found, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(snapshot_list(dir, &v, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[2].meta.command, "rollback");
	assert_int_equal(v[0].nsettings, 4);
	free(v);
	/* latest = the newest written by apply, not by rollback */
	assert_int_equal(snapshot_find(dir, "latest", found, sizeof(found),
				       NULL), 0);
	assert_non_null(strstr(found, "000002.ini"));
	assert_int_equal(snapshot_find(dir, "3", found, sizeof(found), NULL), 0);
	assert_int_equal(snapshot_find(dir, "9", found, sizeof(found), NULL),
			 -ENOENT);
	assert_int_equal(snapshot_find(dir, "x", found, sizeof(found), NULL),
			 -EINVAL);
	plan_free(&plan);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
	free(dir);
}

static void old_generations_are_pruned(void **state)
{
	char *dir = tmpdir(), path[1024];
	struct snap_info *v;
	struct snap_meta m;
	struct plan plan;
	size_t n;

	(void)state;
	make_plan(&plan);
	for (unsigned i = 0; i < SNAPSHOT_KEEP + 3; i++) {
		snapshot_meta_now(&m, "apply", "x.ini");
		assert_int_equal(snapshot_write(dir, &plan, &m, path,
						sizeof(path), NULL), 0);
	}
	assert_int_equal(snapshot_list(dir, &v, &n, NULL), 0);
	assert_int_equal(n, SNAPSHOT_KEEP);
	assert_int_equal(v[0].meta.id, 4);
	assert_int_equal(v[n - 1].meta.id, SNAPSHOT_KEEP + 3);
	free(v);
	plan_free(&plan);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
	free(dir);
}

static void lock_is_exclusive(void **state)
{
	char *dir = tmpdir(), cmd[1024];
	struct err e = { 0 };
	int a, b;

	(void)state;
	assert_int_equal(state_lock(dir, &a, &e), 0);
	assert_int_equal(state_lock(dir, &b, &e), -EBUSY);
	assert_non_null(strstr(e.msg, "another apply or rollback is running"));
	close(a);
	assert_int_equal(state_lock(dir, &b, &e), 0);
	close(b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snapshot_is_a_profile_of_the_before_values),
		cmocka_unit_test(unstorable_value_is_refused),
		cmocka_unit_test(snapshot_that_would_not_restore_is_not_written),
		cmocka_unit_test(writes_private_atomic_generations),
		cmocka_unit_test(old_generations_are_pruned),
		cmocka_unit_test(lock_is_exclusive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
