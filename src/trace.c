// SPDX-License-Identifier: GPL-2.0-or-later
/* Load, attach, read and detach the tracepoint programs of trace.bpf.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "libbpf_dl.h"
#include "procmap.h"
#include "trace.h"
#include "trace_maps.h"
#include "trace.skel.h"

_Static_assert(TRACE_MAP_ENTRIES == PT_MAX_ENTRIES, "one map size");
_Static_assert((int)TRACE_NKINDS == (int)PT_NDROP, "a drop counter per map");

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

struct trace {
	struct trace_bpf *skel;
	struct bpf_link *release;	/* cgroup/sock_release, or NULL */
	double attach_ms;
	struct timespec since;		/* start of the current window */
};

/* libbpf's first warning, kept to explain a failed load (we never print). */
static char libbpf_msg[256];

static int on_libbpf_print(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	size_t n;

	if (level == LIBBPF_DEBUG || libbpf_msg[0])
		return 0;
	vsnprintf(libbpf_msg, sizeof(libbpf_msg), fmt, ap);
	n = strlen(libbpf_msg);
	while (n && libbpf_msg[n - 1] == '\n')
		libbpf_msg[--n] = 0;
	return 0;
}

static double since_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Reasons we can name before asking the kernel. */
static int precheck(struct err *e)
{
	char buf[128] = "";
	FILE *f;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return err_set(e, -ENOENT, "no kernel BTF (/sys/kernel/btf/vmlinux"
			       ": %s); the kernel needs CONFIG_DEBUG_INFO_BTF",
			       strerror(errno));
	/* lockdown=confidentiality refuses BPF reads of kernel memory */
	f = fopen("/sys/kernel/security/lockdown", "re");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
		if (strstr(buf, "[confidentiality]"))
			return err_set(e, -EPERM, "kernel lockdown "
				       "(confidentiality) forbids BPF tracing");
	}
	return 0;
}

/*
 * libbpf finds a tracepoint's id in tracefs. Where nothing mounted it, mount
 * it in a mount namespace of our own: the host's mounts stay as they are,
 * and the mount goes away with this process.
 */
static int need_tracefs(struct err *e)
{
	if (!access("/sys/kernel/tracing/events", X_OK) ||
	    !access("/sys/kernel/debug/tracing/events", X_OK))
		return 0;
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL))
		return err_set(e, errno == EPERM ? -EPERM : -errno, "tracefs is "
			       "not mounted at /sys/kernel/tracing and cannot "
			       "be mounted privately: %s%s", strerror(errno),
			       errno == EPERM ? " (tracing needs root)" : "");
	return 0;
}

/* The cgroup2 root, where the active-close program attaches; -1 if none. */
static int cgroup2_root(void)
{
	static const char *const dirs[] = { "/sys/fs/cgroup",
					    "/sys/fs/cgroup/unified" };
	struct statfs sf;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		if (!statfs(dirs[i], &sf) && sf.f_type == CGROUP2_SUPER_MAGIC)
			return open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return -1;
}

static int load_error(int rc, struct err *e)
{
	if (rc == -EPERM)
		return err_set(e, rc, "not permitted to load BPF programs: "
			       "tracing needs root (CAP_BPF and CAP_PERFMON)");
	return err_set(e, rc, "cannot load the BPF programs: %s%s%s",
		       strerror(-rc), libbpf_msg[0] ? " (libbpf: " : "",
		       libbpf_msg[0] ? libbpf_msg : "");
}

/*
 * Open, load and attach; active closes through cgroup/sock_release when
 * cgfd is a cgroup2 root (one call per socket), else through the
 * inet_sock_set_state tracepoint (one per state change). 0 or -errno.
 */
static int attach_all(struct trace *t, __u32 netns, int cgfd, struct err *e)
{
	int rc;

	libbpf_msg[0] = 0;
	t->skel = trace_bpf__open();
	if (!t->skel) {
		rc = -errno;
		return load_error(rc ? rc : -EINVAL, e);
	}
	t->skel->rodata->target_netns = netns;
	bpf_program__set_autoload(cgfd >= 0 ? t->skel->progs.pt_sock_state
				  : t->skel->progs.pt_sock_release, false);
	rc = trace_bpf__load(t->skel);
	if (rc)
		return load_error(rc, e);
	/* links are owned by our fds only: no pinning, so they go when we do */
	rc = need_tracefs(e);
	if (rc)
		return rc;
	rc = trace_bpf__attach(t->skel);
	if (rc == -ENOENT)
		return err_set(e, rc, "a tracepoint is missing (kernel without "
			       "CONFIG_FTRACE_SYSCALLS, or too old)");
	if (rc)
		return load_error(rc, e);
	if (cgfd >= 0) {
		t->release = bpf_program__attach_cgroup(
			t->skel->progs.pt_sock_release, cgfd);
		if (!t->release)
			return load_error(-errno, e);
	}
	return 0;
}

static void detach_all(struct trace *t)
{
	bpf_link__destroy(t->release);
	t->release = NULL;
	trace_bpf__destroy(t->skel);
	t->skel = NULL;
}

int trace_start(struct trace **out, bool all_netns, struct err *e)
{
	struct trace *t;
	struct timespec t0;
	struct stat st;
	__u32 netns;
	int rc, cgfd;

	*out = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = precheck(e);
	if (!rc)
		rc = libbpf_dl_open(e);
	if (rc)
		return rc;
	if (stat("/proc/self/ns/net", &st))
		return err_set(e, -errno, "/proc/self/ns/net: %s",
			       strerror(errno));
	netns = all_netns ? 0 : (__u32)st.st_ino;
	t = calloc(1, sizeof(*t));
	if (!t)
		return err_set(e, -ENOMEM, "out of memory");
	libbpf_set_print(on_libbpf_print);
	cgfd = cgroup2_root();
	rc = attach_all(t, netns, cgfd, e);
	if (rc && cgfd >= 0) {
		/* a kernel or a cgroup setup without the socket hook: the
		 * tracepoint (a lack of privilege fails the same way again) */
		detach_all(t);
		rc = attach_all(t, netns, -1, e);
	}
	if (cgfd >= 0)
		close(cgfd);	/* the link keeps its own reference */
	if (rc) {
		trace_stop(t);
		return rc;
	}
	t->attach_ms = since_ms(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t->since);
	*out = t;
	return 0;
}

void trace_stop(struct trace *t)
{
	if (!t)
		return;
	detach_all(t);
	free(t);
}

/* Take every entry out of one map (lookup-and-delete: no lost increments). */
static int drain(struct bpf_map *map, struct trace_entry **out, size_t *n,
		 struct err *e)
{
	int fd = bpf_map__fd(map);
	struct pt_key *keys = calloc(PT_MAX_ENTRIES, sizeof(*keys));
	struct trace_entry *v;
	size_t nk = 0, k = 0;

	*out = NULL;
	*n = 0;
	if (!keys)
		return err_set(e, -ENOMEM, "out of memory");
	while (nk < PT_MAX_ENTRIES &&
	       !bpf_map_get_next_key(fd, nk ? &keys[nk - 1] : NULL, &keys[nk]))
		nk++;
	v = calloc(nk ? nk : 1, sizeof(*v));
	if (!v) {
		free(keys);
		return err_set(e, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < nk; i++) {
		struct pt_val val;

		if (bpf_map_lookup_and_delete_elem(fd, &keys[i], &val))
			continue;
		v[k] = (struct trace_entry){
			.pid = (int)keys[i].pid, .cgroup = val.cgroup,
			.family = keys[i].family, .port = keys[i].port,
			.err = (int)keys[i].err, .netns = keys[i].netns,
			.count = val.count,
		};
		memcpy(v[k].comm, val.comm, sizeof(v[k].comm));
		v[k].comm[sizeof(v[k].comm) - 1] = 0;
		memcpy(v[k].addr, keys[i].addr, sizeof(v[k].addr));
		k++;
	}
	free(keys);
	*out = v;
	*n = k;
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct trace_entry *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

/* cgroup ids -> paths, one walk of /sys/fs/cgroup for all of them. */
static void resolve_cgroups(struct trace_result *r)
{
	size_t total = 0, k = 0;
	uint64_t *ids;
	char **paths;

	for (int i = 0; i < TRACE_NKINDS; i++)
		total += r->n[i];
	ids = calloc(total ? total : 1, sizeof(*ids));
	paths = calloc(total ? total : 1, sizeof(*paths));
	if (ids && paths) {
		for (int i = 0; i < TRACE_NKINDS; i++)
			for (size_t j = 0; j < r->n[i]; j++)
				ids[k++] = r->v[i][j].cgroup;
		cgroup_paths(ids, paths, total, NULL, NULL);
		k = 0;
		for (int i = 0; i < TRACE_NKINDS; i++)
			for (size_t j = 0; j < r->n[i]; j++)
				r->v[i][j].cgroup_path = paths[k++];
	}
	free(ids);
	free(paths);
}

int trace_collect(struct trace *t, struct trace_result *r, struct err *e)
{
	struct bpf_map *maps[TRACE_NKINDS] = {
		t->skel->maps.connect_fails, t->skel->maps.active_closes,
		t->skel->maps.bind_fails,
	};
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->ok = true;
	r->attach_ms = t->attach_ms;
	r->close_hook = t->release ? "cgroup/sock_release"
				   : "tp_btf/inet_sock_set_state";
	r->seconds = since_ms(&t->since) / 1e3;
	clock_gettime(CLOCK_MONOTONIC, &t->since);
	for (int i = 0; i < TRACE_NKINDS && !rc; i++) {
		rc = drain(maps[i], &r->v[i], &r->n[i], e);
		if (!rc)
			qsort(r->v[i], r->n[i], sizeof(*r->v[i]), by_count);
	}
	for (int i = 0; i < PT_NDROP; i++)
		r->dropped[i] = __atomic_exchange_n(&t->skel->bss->dropped[i],
						    0, __ATOMIC_RELAXED);
	if (!rc)
		resolve_cgroups(r);
	return rc;
}

struct trace *trace_begin(struct trace_result *r, bool all_netns)
{
	struct trace *t = NULL;
	struct err e = { 0 };

	memset(r, 0, sizeof(*r));
	if (trace_start(&t, all_netns, &e)) {
		snprintf(r->why, sizeof(r->why), "%.255s", e.msg);
		return NULL;
	}
	return t;
}

void trace_wait(const struct trace *t, double seconds,
		const volatile sig_atomic_t *stop)
{
	double left;

	if (!t)
		return;
	/* signals interrupt nanosleep (handlers without SA_RESTART) */
	while (!*stop && (left = seconds - since_ms(&t->since) / 1e3) > 0) {
		struct timespec ts = { (time_t)left,
				       (long)((left - (time_t)left) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

void trace_take(struct trace *t, struct trace_result *r)
{
	struct err e = { 0 };

	if (!t)
		return;
	if (trace_collect(t, r, &e)) {
		trace_result_free(r);
		snprintf(r->why, sizeof(r->why), "reading the trace: %.200s",
			 e.msg);
	}
}
